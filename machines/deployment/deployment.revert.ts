// Automatic revert: whether an event falls within the window after the switch, and the failureMessage that says why.
import type { DeploymentContext } from './deployment.types.js';

/**
 * Only a deployment that took traffic from another by a deploy reverts (a rollback or a re-placement has nothing
 * newer to undo), once, and only before `windowMs` has passed since its switch — measured on the events' own times.
 */
export function withinRevertWindow(context: DeploymentContext, at: string): boolean {
  const window = context.spec.service.autoRevert?.windowMs;
  if (
    window === undefined ||
    context.trigger !== 'deploy' ||
    !context.previous ||
    !context.activatedAt ||
    context.revertReason
  )
    return false;
  const since = Date.parse(at) - Date.parse(context.activatedAt);
  return since >= 0 && since <= window;
}

/** keepPrevious: how long this deployment's switch keeps the previous workload running without traffic; null: not kept. */
export function keepPreviousMs(context: DeploymentContext): number | null {
  const revert = context.spec.service.autoRevert;
  return revert?.keepPrevious && context.trigger === 'deploy' ? revert.windowMs : null;
}

const seconds = (context: DeploymentContext, at: string) =>
  `${((Date.parse(at) - Date.parse(context.activatedAt ?? at)) / 1000).toFixed(1)} s`;

export function healthRevertMessage(
  context: DeploymentContext,
  event: { at: string; detail: string; nodeId: string | null },
): string {
  const h = context.spec.service.health;
  const where = event.nodeId ? ` on ${event.nodeId}` : '';
  return `automatically reverted: health check failed ${h?.failureThreshold ?? 3} times in a row${where} ${seconds(context, event.at)} after the switch; last: ${event.detail}`;
}

/** Called after the exit was counted: `restarts` includes it. */
export function crashRevertMessage(
  context: DeploymentContext,
  event: { at: string; code: number | null; signal: string | null; lastError: string | null },
): string {
  const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.code ?? 'unknown'}`;
  const tail = event.lastError ? `; last stderr: ${event.lastError}` : '';
  return `automatically reverted: crash-looping ${seconds(context, event.at)} after the switch (${context.restarts} exits; last ${how}${tail})`;
}
