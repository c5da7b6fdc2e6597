// Follows every deployment record and transition through the API's `feed` long poll: the dashboard's whole view.
import {
  errorText,
  isTerminalStatus,
  type ApiReply,
  type DeploymentRecord,
  type FeedTransitionCursor,
  type TransitionReport,
} from '../../packages/protocol/index.js';
import { isPassing, pause, unlessAborted, type ApiCaller } from './api-caller.js';
import { WATCH_WAIT_MS } from './record-watch.client.js';
import { transitionsOf } from './transition-watch.client.js';

export interface FollowAllOptions {
  environment?: string;
  onRecord(record: DeploymentRecord): void;
  onRemoved(id: string): void;
  /** Once the current state was read in full (and again after each re-read). */
  onReady?(): void;
  /** Each transition once; without it no transitions are asked for. */
  onTransition?(report: TransitionReport): void;
  /** A request that failed (it is asked again shortly). */
  onError?(error: unknown): void;
  signal?: AbortSignal;
}

const RETRY_MS = 500;
/** Transitions remembered to drop the ones a reply repeats (another agent answers with a little overlap). */
const SEEN_TRANSITIONS = 10_000;
/** In-flight deployments whose journal is read again when the server says transitions may be missing. */
const HEAL_DEPLOYMENTS = 20;
/** The agent gives up on the hosting node's journal after 1.5 s; this leaves room for the answer on top. */
const JOURNAL_TIMEOUT_MS = 3_000;

/**
 * Reads the current state (paged), then every change, until `signal` aborts or the connection closes. A `gap` reply
 * reads the whole state again and reports what it no longer holds as removed; a `transitionGap` reads the journals of
 * the deployments in flight, so a transition missed between polls is still reported.
 */
export async function followAll(api: ApiCaller, opts: FollowAllOptions): Promise<void> {
  const held = new Map<string, { revision: number; record: DeploymentRecord }>();
  const seen = new Set<string>();
  let since = 0;
  let swept: Set<string> | null = new Set();
  let after: FeedTransitionCursor | null = null;
  let hurry = true;

  const transition = (report: TransitionReport) => {
    const key = `${report.nodeId}#${report.id}#${report.seq}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > SEEN_TRANSITIONS) seen.delete(seen.values().next().value!);
    opts.onTransition?.(report);
  };
  const heal = async () => {
    const inFlight = [...held.values()].filter((h) => !isTerminalStatus(h.record.status)).slice(0, HEAL_DEPLOYMENTS);
    for (const { record } of inFlight) {
      if (opts.signal?.aborted) return;
      const known = await transitionsOf(api, record.id, JOURNAL_TIMEOUT_MS).catch(() => null);
      for (const report of known?.transitions ?? []) transition(report);
    }
  };

  while (!opts.signal?.aborted && !api.nc.isClosed()) {
    let reply: ApiReply<'feed'> | null;
    try {
      const request: Promise<ApiReply<'feed'>> = api.request('feed', {
        ...(opts.environment ? { environment: opts.environment } : {}),
        since,
        ...(opts.onTransition ? { transitions: { after } } : {}),
        waitMs: hurry ? 0 : WATCH_WAIT_MS,
      });
      reply = await unlessAborted(request, opts.signal);
    } catch (error) {
      if (api.nc.isClosed()) break;
      if (!isPassing(error)) opts.onError?.(new Error(`feed: ${errorText(error)}`));
      await pause(RETRY_MS, opts.signal);
      continue;
    }
    if (!reply) break;
    if (reply.gap && swept === null) {
      // Deletions since our cursor are unknown to this agent: read everything again, then drop what is not there.
      since = 0;
      swept = new Set();
      hurry = true;
      continue;
    }
    for (const { id, revision, record } of reply.records) {
      const known = held.get(id);
      if (record === null) {
        swept?.delete(id);
        if (known && known.revision < revision && held.delete(id)) opts.onRemoved(id);
        continue;
      }
      swept?.add(id);
      if (known && known.revision >= revision) continue;
      held.set(id, { revision, record });
      opts.onRecord(record);
    }
    since = reply.cursor;
    reply.transitions.forEach(transition);
    if (reply.transitionCursor) after = reply.transitionCursor;
    if (swept && !reply.more) {
      for (const id of [...held.keys()]) {
        if (swept.has(id)) continue;
        held.delete(id);
        opts.onRemoved(id);
      }
      swept = null;
      opts.onReady?.();
    }
    if (reply.transitionGap) await heal();
    hurry = reply.more || swept !== null;
  }
}
