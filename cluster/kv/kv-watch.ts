// Watches a KV key filter: every current entry first (then `ready`), then every change, surviving server restarts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Status } from '@nats-io/nats-core';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  type ConsumerMessages,
  type JsMsg,
  type PushConsumer,
} from '@nats-io/jetstream';
import type { ClusterConnection } from '../connection/index.js';
import { keyOf, kvStream, kvSubject, operationOf, type RawEntry } from './kv-entry.js';

export interface KvWatcher {
  /** Resolves once every entry that existed when the watch started has been delivered. */
  readonly ready: Promise<void>;
  /** Highest revision delivered so far. */
  readonly revision: number;
  stop(): Promise<void>;
}

export interface KvWatchHandlers {
  /** `initial` is true for entries that existed when the watch started. Throwing here stops nothing. */
  onEntry(entry: RawEntry, initial: boolean): void;
  /** A consumer that could not be rebuilt; the watcher keeps retrying. */
  onError?(error: Error): void;
}

// A silent consumer costs the watch two checks before it is rebuilt: keep both short, the edges depend on it.
const CHECK_EVERY_MS = 1_000;
const CHECK_TIMEOUT_MS = 1_000;

/** Asks for a consumer's info with a short timeout of its own (not the API's), so a dead one is noticed soon. */
async function consumerState(
  conn: ClusterConnection,
  stream: string,
  name: string,
): Promise<'alive' | 'gone' | 'silent'> {
  try {
    const reply = await conn.nc.request(`$JS.API.CONSUMER.INFO.${stream}.${name}`, '', { timeout: CHECK_TIMEOUT_MS });
    const body = reply.json<{ error?: { err_code?: number } }>();
    return body.error?.err_code === JetStreamApiCodes.ConsumerNotFound ? 'gone' : 'alive';
  } catch {
    return 'silent';
  }
}

export function watchKv(
  conn: ClusterConnection,
  bucket: string,
  keyFilter: string,
  handlers: KvWatchHandlers,
): KvWatcher {
  const stream = kvStream(bucket);
  let lastSeq = 0;
  // Revision of the newest entry under the filter when the watch began, asked of the stream leader; -1 until known.
  // Not the consumer's num_pending: an R1 consumer can sit on a replica still catching up and undercount.
  let readyAt = -1;
  let isReady = false;
  let stopped = false;
  let messages: ConsumerMessages | null = null;
  let consumer = null as PushConsumer | null;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const markReady = () => {
    isReady = true;
    resolveReady();
  };

  const deliver = (m: JsMsg) => {
    if (m.seq <= lastSeq) return; // replay after a rebuild
    lastSeq = m.seq;
    const initial = !isReady && m.seq <= readyAt;
    const entry: RawEntry = {
      key: keyOf(bucket, m.subject),
      revision: m.seq,
      operation: operationOf(m.headers),
      data: m.data,
      created: m.time,
    };
    try {
      handlers.onEntry(entry, initial);
    } catch (error) {
      handlers.onError?.(error as Error);
    }
    if (readyAt >= 0 && m.seq >= readyAt) markReady();
  };

  const start = async (): Promise<void> => {
    // First start: the last value of each key. Rebuild: every message after the last one seen.
    await conn.whenConnected();
    if (readyAt < 0) {
      const last = await conn.jsm.streams.getMessage(stream, { last_by_subj: kvSubject(bucket, keyFilter) });
      readyAt = last?.seq ?? 0;
      if (readyAt === 0) markReady();
    }
    const opts = lastSeq === 0 ? { deliver_policy: DeliverPolicy.LastPerSubject } : { opt_start_seq: lastSeq + 1 };
    const c = await conn.js.consumers.getPushConsumer(stream, {
      filter_subjects: kvSubject(bucket, keyFilter),
      ...opts,
    });
    if (stopped) {
      await c.delete().catch(() => {});
      return;
    }
    consumer = c;
    const m = await c.consume({ callback: deliver });
    messages = m;
    void m.closed().then(() => {
      if (!stopped && messages === m) void rebuild();
    });
  };

  let rebuilding = false;
  const rebuild = async () => {
    if (rebuilding || stopped) return;
    rebuilding = true;
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const old = messages;
        messages = null;
        await old?.close();
        // Not awaited: a consumer whose server is down would hold the rebuild for a whole API timeout.
        void consumer?.delete().catch(() => {});
        consumer = null;
        await start();
        break;
      } catch (error) {
        handlers.onError?.(error as Error);
        await sleep(Math.min(100 * attempt, 2_000));
      }
    }
    rebuilding = false;
  };

  // The client's ordered consumer only notices a vanished server-side consumer after missing two 30 s
  // heartbeats. It vanishes when its server restarts without it, or (on a cluster) when the member hosting
  // this R1 consumer dies while we stay connected elsewhere: check on each reconnect and every few seconds.
  let strikes = 0;
  const check = async () => {
    if (stopped || rebuilding || !consumer) return;
    const state = await consumerState(conn, stream, (await consumer.info(true)).name);
    // A consumer whose only server is down does not answer at all: two silent checks in a row count as gone.
    strikes = state === 'alive' ? 0 : state === 'gone' ? 2 : strikes + 1;
    if (strikes >= 2) {
      strikes = 0;
      void rebuild();
    }
  };
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  timer.unref();
  // nc.status() is a QueuedIterator at runtime; stopping it ends the loop below.
  const status = conn.nc.status() as AsyncIterable<Status> & { stop?(): void };
  void (async () => {
    for await (const s of status) if (s.type === 'reconnect') void check();
  })();

  void start().catch((error: Error) => {
    handlers.onError?.(error);
    return rebuild();
  });

  return {
    ready,
    get revision() {
      return lastSeq;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      status.stop?.();
      await messages?.close();
      // Ordered consumers linger 5 minutes after their subscriber goes; a list() per call would pile them up.
      // Not awaited: deleting one whose server is down takes a whole API timeout.
      void consumer?.delete().catch(() => {});
    },
  };
}
