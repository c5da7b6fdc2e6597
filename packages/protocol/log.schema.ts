// Log lines on the three streams, how they travel (batched per deployment and stream), and the spec's text format.
import { z } from 'zod';
import { Name, DeploymentId } from './names.js';

export const LOG_STREAMS = ['compartment', 'stdout', 'stderr'] as const;
export const LogStream = z.enum(LOG_STREAMS);
export type LogStream = z.output<typeof LogStream>;

export const LogLine = z.object({
  time: z.iso.datetime(),
  stream: LogStream,
  text: z.string(),
  deploymentId: DeploymentId,
  serviceName: Name,
  environmentName: Name,
  nodeId: z.string().nullable(),
});
export type LogLine = z.output<typeof LogLine>;

/** One message on the log stream: consecutive lines of one deployment on one stream. */
export const LogBatch = z.object({
  deploymentId: DeploymentId,
  serviceName: Name,
  environmentName: Name,
  nodeId: z.string().nullable(),
  stream: LogStream,
  lines: z.array(z.object({ time: z.iso.datetime(), text: z.string() })),
});
export type LogBatch = z.output<typeof LogBatch>;

export function expandBatch(batch: LogBatch): LogLine[] {
  const { lines, ...rest } = batch;
  return lines.map((l) => ({ ...rest, time: l.time, text: l.text }));
}

const STREAM_COLUMN = '[compartment]'.length;

/** `2026-04-24T10:01:00Z [stdout]      text`: second precision, stream padded to one column. */
export function formatLogLine(line: Pick<LogLine, 'time' | 'stream' | 'text'>): string {
  const time = line.time.replace(/\.\d+Z$/, 'Z');
  return `${time} ${`[${line.stream}]`.padEnd(STREAM_COLUMN)} ${line.text}`;
}
