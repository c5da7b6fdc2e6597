// What most commands need: a connected API client for the chosen NATS, and Ctrl-C turned into an AbortSignal.
import { connectApi, type ApiClient } from '../client/api.client.js';
import { resolveNatsUrl } from '../client/nats-url.js';
import { resolveNatsAuth } from '../client/nats-auth.js';
import type { CommonFlags } from '../cli-options.js';

export function withClient<T>(flags: CommonFlags, fn: (client: ApiClient) => Promise<T>): Promise<T> {
  return withConnecting(connectClient(flags), fn);
}

/** Starts connecting now, so the caller can do local work (packing) while the handshake is under way. */
export async function connectClient(flags: CommonFlags): Promise<ApiClient> {
  const { url } = resolveNatsUrl(flags.nats);
  return connectApi(url, undefined, resolveNatsAuth(url, flags.natsCreds));
}

/** Runs `fn` with the connection `connecting` opens, and closes it after. */
export async function withConnecting<T>(
  connecting: Promise<ApiClient>,
  fn: (client: ApiClient) => Promise<T>,
): Promise<T> {
  const client = await connecting;
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** A connection started early but not needed after all (local work failed first): closed once open, its error dropped. */
export function abandon(connecting: Promise<ApiClient>): void {
  connecting.then(
    (client) => client.close(),
    () => undefined,
  );
}

/** Aborts on the first SIGINT/SIGTERM; a second one falls through to Node's default (exit). */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    dispose();
    controller.abort();
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { signal: controller.signal, dispose };
}

/** Exit code of a command stopped by Ctrl-C, as shells report it. */
export const INTERRUPTED = 130;
