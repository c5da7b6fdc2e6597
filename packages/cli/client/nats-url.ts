// Which NATS the CLI talks to: --nats, else COMPARTMENT_NATS_URL, else the cluster `up` started here, else the default.
import { readContext } from '../supervisor/cluster-files.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export type NatsUrlSource = 'flag' | 'env' | 'context' | 'default';

export function resolveNatsUrl(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): { url: string; source: NatsUrlSource } {
  if (flag) return { url: flag, source: 'flag' };
  if (env.COMPARTMENT_NATS_URL) return { url: env.COMPARTMENT_NATS_URL, source: 'env' };
  const context = readContext(cwd);
  if (context) return { url: context.natsUrl, source: 'context' };
  return { url: DEFAULT_NATS_URL, source: 'default' };
}
