// Opens the NATS connection every Compartment process shares, with the JetStream, KV and object-store handles built on it.
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { errorText, CompartmentError } from '../../packages/protocol/index.js';

export interface ClusterConnection {
  readonly name: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly kvm: Kvm;
  readonly objm: Objm;
  /**
   * Resolves at once while connected, else at the next reconnect; CLUSTER_UNAVAILABLE after `timeoutMs` or
   * once closed. A JetStream request issued while disconnected is lost by the client (it times out even after
   * the reconnect), so operations wait here first instead of burning their whole timeout.
   */
  whenConnected(timeoutMs?: number): Promise<void>;
  /** Drains subscriptions and closes; safe to call twice. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** One URL or several (any cluster member): the client fails over between them. */
  servers: string | string[];
  /** Shows in the server's connection list (`compartment-node-<id>`, `compartment-cli`). */
  name: string;
  /** JetStream API timeout; a request outstanding across a server restart fails after this. */
  apiTimeoutMs?: number;
  /** Keep trying the first connect instead of failing when no server answers yet. */
  waitOnFirstConnect?: boolean;
  /** Passed through to the client as is: credentials, TLS, authenticator. */
  nats?: Partial<NodeConnectionOptions>;
}

export async function connectCluster(options: ConnectOptions): Promise<ClusterConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name,
      // A node agent must outlive any server restart: never give up reconnecting.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      ...options.nats,
    });
  } catch (error) {
    const servers = Array.isArray(options.servers) ? options.servers.join(', ') : options.servers;
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `cannot reach NATS at ${servers}: ${errorText(error)}`);
  }
  const jsOptions = { timeout: options.apiTimeoutMs ?? 5_000 };
  const js = jetstream(nc, jsOptions);
  // checkAPI: false: a connection must come up even before JetStream is ready (setup may still be running).
  const jsm = await jetstreamManager(nc, { ...jsOptions, checkAPI: false });
  let closing: Promise<void> | null = null;
  const link = trackLink(nc);
  return {
    whenConnected: link.whenConnected,
    name: options.name,
    nc,
    js,
    jsm,
    kvm: new Kvm(js),
    objm: new Objm(js),
    close: () => {
      closing ??= nc.isClosed() ? Promise.resolve() : nc.drain().catch(() => nc.close());
      return closing;
    },
  };
}

function trackLink(nc: NatsConnection): { whenConnected(timeoutMs?: number): Promise<void> } {
  let connected = true;
  let waiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  const settle = (error: Error | null) => {
    const list = waiters;
    waiters = [];
    for (const w of list) error ? w.reject(error) : w.resolve();
  };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') {
        connected = true;
        settle(null);
      }
    }
  })();
  void nc.closed().then(() => settle(new CompartmentError('CLUSTER_UNAVAILABLE', 'the NATS connection is closed')));
  return {
    whenConnected: (timeoutMs = 30_000) => {
      if (nc.isClosed())
        return Promise.reject(new CompartmentError('CLUSTER_UNAVAILABLE', 'the NATS connection is closed'));
      if (connected) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new CompartmentError('CLUSTER_UNAVAILABLE', `NATS not reconnected within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (e: Error) => (clearTimeout(timer), reject(e)),
        };
        waiters.push(waiter);
      });
    },
  };
}
