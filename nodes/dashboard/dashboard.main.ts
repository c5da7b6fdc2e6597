// `compartment dashboard`: serves the web dashboard of the cluster at --nats (else the one `compartment up` runs here).
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { installCrashGuards } from '../shared/crash-guards.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectCluster, securityOptions, SECURITY_FLAGS, type SecurityFlags } from '../../cluster/connection/index.js';
import { startDashboard, type Dashboard } from './dashboard.js';
import { newToken, tokenFromFile } from './dashboard-token.js';

const DEFAULT_PORT = 7070;

const parsePort = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number (0: any free port)');
  return n;
};

const program = new Command('compartment dashboard')
  .description(
    'serve the web dashboard: environments, services and deployments live, stage timeline, readiness, logs, statechart',
  )
  .option(
    '--nats <url>',
    'NATS URL (else $COMPARTMENT_NATS_URL, else the cluster `compartment up` started here, else nats://127.0.0.1:4222)',
  )
  .option('--host <host>', 'address to listen on (loopback by default: the page shows logs)', '127.0.0.1')
  .option(
    '--port <port>',
    `port to listen on (default ${DEFAULT_PORT}, or any free one if that is taken; 0: any free port)`,
    parsePort,
  )
  .option('--actions', 'show deploy and rollback buttons (read-only without it)', false)
  .option('--project <dir>', 'project directory the deploy button deploys (default: this directory)')
  .option(
    '--token-file <file>',
    'read the access token from this file (mode 0600; written with a new token when empty); default: a new token, printed in the URL',
  )
  .allowExcessArguments(false);
for (const [flag, description] of SECURITY_FLAGS) program.option(flag, description);

program.parse(process.argv.slice(3), { from: 'user' });
const o = program.opts<
  { nats?: string; host: string; port?: number; actions: boolean; project?: string; tokenFile?: string } & SecurityFlags
>();
const log = pino({ name: 'compartment-dashboard' });
installCrashGuards(log);
const warn = (message: string, error?: unknown) => (error ? log.warn({ err: error }, message) : log.warn(message));

interface LocalContext {
  natsUrl?: unknown;
  dataDir?: unknown;
  tlsCa?: unknown;
}
function localContext(): LocalContext {
  try {
    return JSON.parse(readFileSync(join(process.cwd(), '.compartment', 'context.json'), 'utf8')) as LocalContext;
  } catch {
    return {}; // no cluster started here
  }
}

/** The CLI's rule (packages/cli/client/nats-url.ts), which a server may not import. */
function natsUrl(context: LocalContext): string {
  if (o.nats) return o.nats;
  if (process.env.COMPARTMENT_NATS_URL) return process.env.COMPARTMENT_NATS_URL;
  if (typeof context.natsUrl === 'string') return context.natsUrl;
  return 'nats://127.0.0.1:4222';
}

/** Without --nats-creds, talking to the cluster `up` started here: its dashboard (or dashboard-actions) credentials. */
function security(context: LocalContext, url: string): SecurityFlags {
  if (o.natsCreds || context.natsUrl !== url || typeof context.dataDir !== 'string') return o;
  const file = join(context.dataDir, 'credentials', o.actions ? 'dashboard-actions.creds' : 'dashboard.creds');
  const ca = typeof context.tlsCa === 'string' && !o.natsTlsCa ? { natsTlsCa: context.tlsCa } : {};
  return { ...o, ...ca, ...(existsSync(file) ? { natsCreds: file } : {}) };
}

const context = localContext();
const url = natsUrl(context);
const flags = security(context, url);
// Keep trying: under `up` the dashboard may start before NATS answers, and it must outlive NATS restarts.
const conn = await connectCluster({
  servers: url.split(','),
  name: 'compartment-dashboard',
  waitOnFirstConnect: true,
  nats: securityOptions(flags),
});
// Per start, and never on a command line (`ps` shows those): from the file `up` wrote, else made here and printed once.
const token = o.tokenFile ? tokenFromFile(resolve(o.tokenFile)) : newToken();
// The deploy button runs the CLI: with this dashboard's own credentials (dashboard-actions may deploy, not set variables).
const childEnv = {
  ...(flags.natsCreds ? { COMPARTMENT_NATS_CREDS: flags.natsCreds } : {}),
  ...(flags.natsTlsCa ? { COMPARTMENT_NATS_TLS_CA: flags.natsTlsCa } : {}),
};
const options = {
  conn,
  natsUrl: url,
  childEnv,
  host: o.host,
  actions: o.actions,
  projectDir: resolve(o.project ?? process.cwd()),
  token,
  warn,
};
let dashboard: Dashboard;
try {
  dashboard = await startDashboard({ ...options, port: o.port ?? DEFAULT_PORT });
} catch (error) {
  if (o.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  warn(`port ${DEFAULT_PORT} is taken; using any free port`);
  dashboard = await startDashboard({ ...options, port: 0 });
}
// With a token file the one who wrote it prints the URL: this output goes to a log file.
const shown = o.tokenFile ? `${dashboard.url} (token in ${resolve(o.tokenFile)})` : dashboard.openUrl;
process.stdout.write(
  `dashboard: ${shown} (NATS ${url}${o.actions ? ', deploy and rollback enabled' : ', read-only'})\n`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void dashboard
      .close()
      .then(() => conn.close())
      .catch((e) => warn('error while stopping', e))
      .finally(() => process.exit(0));
  });
}
