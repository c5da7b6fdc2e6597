// What most commands need: a connected API client for the chosen NATS, and Ctrl-C turned into an AbortSignal.
import { connectApi, type ApiClient } from '../client/api.client.js';
import { resolveNatsUrl } from '../client/nats-url.js';
import { resolveNatsAuth } from '../client/nats-auth.js';
import type { CommonFlags } from '../cli-options.js';

export async function withClient<T>(flags: CommonFlags, fn: (client: ApiClient) => Promise<T>): Promise<T> {
  const { url } = resolveNatsUrl(flags.nats);
  const client = await connectApi(url, undefined, resolveNatsAuth(url, flags.natsCreds));
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
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
