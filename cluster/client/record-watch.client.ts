// Follows deployment records through the API's `watch` long poll: the storage format stays the server's business.
import {
  CompartmentError,
  MAX_WATCH_WAIT_MS,
  isTerminalStatus,
  type ApiReply,
  type DeploymentRecord,
  type WatchedRecord,
} from '../../packages/protocol/index.js';
import { isPassing, pause, unlessAborted, type ApiCaller } from './api-caller.js';

export type WatchEvent =
  | { type: 'updated'; record: DeploymentRecord }
  | { type: 'gone'; id: string; serviceName: string };

/** The final record of each watched deployment, or null if its record was deleted. */
export type WatchResult = Map<string, DeploymentRecord | null>;

const RETRY_MS = 500;
export const WATCH_WAIT_MS = MAX_WATCH_WAIT_MS - 1_000;

export interface FollowOptions {
  signal?: AbortSignal;
  /** Stop following when this time (ms since the epoch) passes. */
  until?: number;
}

/**
 * Calls `onChange` with each newer record of each deployment, the current one first, until it returns true for
 * every deployment, `signal` aborts, `until` passes or the connection closes. A moment without an answering agent
 * is waited out, as a KV watch would have.
 */
export async function followRecords(
  api: ApiCaller,
  ids: readonly string[],
  onChange: (change: WatchedRecord) => boolean,
  opts: FollowOptions = {},
): Promise<void> {
  const cursors = new Map(ids.map((id) => [id, 0]));
  const left = () => (opts.until === undefined ? WATCH_WAIT_MS : Math.min(WATCH_WAIT_MS, opts.until - Date.now()));
  while (cursors.size > 0 && !opts.signal?.aborted && left() > 0 && !api.nc.isClosed()) {
    const deployments = [...cursors].map(([id, revision]) => ({ id, revision }));
    let reply: ApiReply<'watch'> | null;
    try {
      reply = await unlessAborted(api.request('watch', { deployments, waitMs: Math.max(0, left()) }), opts.signal);
    } catch (error) {
      if (!isPassing(error) || api.nc.isClosed()) throw error;
      await pause(RETRY_MS, opts.signal);
      continue;
    }
    for (const change of reply?.records ?? []) {
      if (!cursors.has(change.id)) continue;
      cursors.set(change.id, change.revision);
      if (onChange(change)) cursors.delete(change.id);
    }
  }
}

/** Follows deployments until each is terminal; one that finished before we looked is reported too. */
export async function watchUntilTerminal(
  api: ApiCaller,
  deployments: readonly DeploymentRecord[],
  onEvent: (event: WatchEvent) => void,
  signal?: AbortSignal,
): Promise<WatchResult> {
  const result: WatchResult = new Map();
  const pending = new Map(deployments.filter((d) => !isTerminalStatus(d.status)).map((d) => [d.id, d]));
  for (const d of deployments) if (isTerminalStatus(d.status)) result.set(d.id, d);
  if (pending.size === 0) return result;
  try {
    await followRecords(
      api,
      [...pending.keys()],
      ({ id, record }) => {
        if (record === null) {
          result.set(id, null);
          onEvent({ type: 'gone', id, serviceName: pending.get(id)!.serviceName });
          return true;
        }
        onEvent({ type: 'updated', record });
        if (!isTerminalStatus(record.status)) return false;
        result.set(id, record);
        return true;
      },
      { ...(signal ? { signal } : {}) },
    );
  } catch (error) {
    if (!api.nc.isClosed()) throw error;
  }
  if (!signal?.aborted && result.size < deployments.length) {
    throw new CompartmentError(
      'CLUSTER_UNAVAILABLE',
      'lost the connection to NATS before every deployment finished; check with `compartment status`',
    );
  }
  return result;
}
