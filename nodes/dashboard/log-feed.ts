// A deployment's log for the page: the recent tail, then every new line pushed to the browser as it arrives.
import { errorText, DEPLOYMENT_ID_PATTERN, CompartmentError, type LogLine } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { followLogs, readLogs } from '../../cluster/logs/index.js';
import type { EventStream } from './event-stream.js';

const MAX_TAIL = 2_000;

function checkId(id: string | null): string {
  if (!id || !DEPLOYMENT_ID_PATTERN.test(id))
    throw new CompartmentError('INVALID_ARGUMENT', 'deployment: not a deployment id', 'deployment');
  return id;
}

/** The last `tail` lines of one deployment (all three streams: the page filters) and where to follow from. */
export async function logTail(
  conn: ClusterConnection,
  id: string | null,
  tail: number,
): Promise<{ lines: LogLine[]; nextSequence: number }> {
  return readLogs(conn, { deploymentId: checkId(id) }, { tail: Math.min(Math.max(0, tail), MAX_TAIL) });
}

/** Pushes lines from `fromSequence` on as `log` events until the browser closes the stream. */
export async function streamLogs(
  conn: ClusterConnection,
  id: string | null,
  fromSequence: number,
  stream: EventStream,
): Promise<void> {
  try {
    const follow = followLogs(
      conn,
      { deploymentId: checkId(id) },
      Number.isInteger(fromSequence) ? Math.max(1, fromSequence) : 1,
    );
    void stream.closed.then(() => follow.stop());
    for await (const line of follow) {
      const { sequence, ...rest } = line;
      stream.send('log', { ...rest, sequence });
    }
  } catch (error) {
    // Never thrown at the caller: nobody awaits a stream that lives as long as the browser tab.
    stream.send('problem', { message: `log stream ended: ${errorText(error)}` });
    stream.close();
  }
}
