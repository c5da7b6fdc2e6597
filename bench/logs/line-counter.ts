// Counts numbered lines arriving on the log stream: every index seen once, none missing, none twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { STREAMS } from '../../packages/protocol/index.js';
import { nowMs } from '../harness/index.js';

export interface LineCount {
  expected: number;
  unique: number;
  duplicates: number;
  missing: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface LineCounter {
  /** Resolves once all `expected` lines arrived, or no new one arrived for `idleMs`. */
  done(idleMs: number): Promise<LineCount>;
  stop(): Promise<void>;
}

/** Follows `subject` from the stream's current end; counts lines `burst <tag> <index> ...`. */
export async function countLines(
  nc: NatsConnection,
  subject: string,
  tag: string,
  expected: number,
): Promise<LineCounter> {
  const js = jetstream(nc);
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const lastSeq = (await (await jetstreamManager(nc)).streams.info(STREAMS.logs)).state.last_seq;
  const consumer = await js.consumers.get(STREAMS.logs, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: lastSeq + 1,
  });
  const messages = await consumer.consume();
  const seen = new Uint8Array(expected);
  const prefix = `burst ${tag} `;
  let unique = 0;
  let duplicates = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  let lastProgress = nowMs();
  void (async () => {
    for await (const m of messages) {
      const batch = m.json<{ lines: Array<{ text: string }> }>();
      const t = nowMs();
      for (const line of batch.lines) {
        if (!line.text.startsWith(prefix)) continue;
        const i = Number(line.text.slice(prefix.length, line.text.indexOf(' ', prefix.length)));
        if (!(i >= 0 && i < expected)) continue;
        if (seen[i]) duplicates += 1;
        else {
          seen[i] = 1;
          unique += 1;
        }
        firstAt ??= t;
        lastAt = t;
        lastProgress = t;
      }
    }
  })();
  return {
    done: async (idleMs) => {
      while (unique < expected && nowMs() - lastProgress < idleMs) await sleep(20);
      return { expected, unique, duplicates, missing: expected - unique, firstAt, lastAt };
    },
    stop: async () => {
      await messages.close();
    },
  };
}
