// `compartment logs`: recent lines through the logs verb, then with --follow new ones from the log stream until Ctrl-C.
import type { NatsConnection } from '@nats-io/transport-node';
import {
  CompartmentError,
  LogBatch,
  LogStream,
  STREAMS,
  expandBatch,
  subjects,
  type LogLine,
} from '../../protocol/index.js';
import { checkDeploymentId, checkName, envOf, sinceToIso, tailOf, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { Output } from '../output/terminal-output.js';
import { LogColumns } from '../output/log-columns.js';
import { LogReorder } from '../output/log-reorder.js';
import { INTERRUPTED, interruptSignal, withClient } from './command-context.js';

export interface LogsFlags extends CommonFlags {
  service?: string;
  deployment?: string;
  stream?: string;
  tail?: string;
  since?: string;
  follow?: boolean;
}

export async function logsCommand(flags: LogsFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const stream = flags.stream === undefined ? undefined : LogStream.safeParse(flags.stream).data;
  if (flags.stream !== undefined && stream === undefined) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `--stream ${JSON.stringify(flags.stream)}: expected one of ${LogStream.options.join(', ')}`,
      '--stream',
    );
  }
  const request = validateRequest('logs', {
    environment: envOf(flags),
    service: flags.service === undefined ? undefined : checkName(flags.service, '--service'),
    deploymentId: flags.deployment === undefined ? undefined : checkDeploymentId(flags.deployment, '--deployment'),
    stream,
    tail: tailOf(flags.tail),
    since: flags.since === undefined ? undefined : sinceToIso(flags.since),
  });
  // Several services can appear unless one service or deployment is asked for: then a column says whose each line is.
  const columns = new LogColumns(out, request.service === undefined && request.deploymentId === undefined);
  const print = (line: LogLine) => {
    out.event(line);
    // A workload's bytes: on a terminal every control character shows as an escape, in --json the text stays raw.
    out.line(columns.format(line));
  };
  return withClient(flags, async (client) => {
    const reply = await client.request('logs', request);
    columns.fit(reply.lines);
    reply.lines.forEach(print);
    if (!flags.follow) return 0;
    const filter = subjects.logFilter({
      env: request.environment,
      service: request.service,
      deploymentId: request.deploymentId,
      stream,
    });
    // One stream arrives in order; only lines of several streams (published at different delays) need putting back in order.
    const reorder = stream === undefined ? new LogReorder(print) : null;
    try {
      await follow(client.nc, filter, reply.nextSequence, reorder ? (line) => reorder.push(line) : print);
    } finally {
      reorder?.flush();
    }
    return INTERRUPTED;
  });
}

/** An ordered consumer from `fromSequence`: gap-free, in order, recreated by the client if it falls behind. */
async function follow(
  nc: NatsConnection,
  filter: string,
  fromSequence: number,
  print: (line: LogLine) => void,
): Promise<void> {
  const { jetstream, DeliverPolicy } = await import('@nats-io/jetstream');
  const consumer = await jetstream(nc).consumers.get(STREAMS.logs, {
    filter_subjects: filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSequence),
  });
  const messages = await consumer.consume();
  const interrupt = interruptSignal();
  interrupt.signal.addEventListener('abort', () => void messages.stop());
  void nc.closed().then(() => messages.stop());
  try {
    for await (const m of messages) {
      const batch = LogBatch.safeParse(m.json());
      if (batch.success) expandBatch(batch.data).forEach(print);
    }
  } finally {
    interrupt.dispose();
  }
  if (!interrupt.signal.aborted)
    throw new CompartmentError('CLUSTER_UNAVAILABLE', 'lost the connection to NATS while following logs');
}
