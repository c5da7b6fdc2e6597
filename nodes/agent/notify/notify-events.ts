// Which webhook events a record change is: pure, so the notifier and its tests agree on what happened.
import type { DeploymentRecord, NotifyEvent } from '../../../packages/protocol/index.js';

/** The events `next` is, seen after `previous` (nothing for a first sighting: that is a watch starting, not a change). */
export function eventsOf(previous: DeploymentRecord | null, next: DeploymentRecord): NotifyEvent[] {
  if (!previous) return [];
  const out: NotifyEvent[] = [];
  if (next.status === 'succeeded' && next.promotionStage === 'active' && previous.status !== 'succeeded')
    out.push('succeeded');
  if (next.status === 'failed' && previous.status !== 'failed') out.push('failed');
  if (next.promotionStage === 'rolled_back' && previous.promotionStage !== 'rolled_back') {
    out.push('rolled_back');
    // Only an automatic revert leaves a rolled-back record saying why (a manual rollback's failureMessage is null).
    if (next.failureMessage !== null) out.push('auto_reverted');
  }
  return out;
}
