// `compartment up`: run the local cluster's supervisor here, or (--detach) in the background until the API answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompartmentError } from '../../protocol/index.js';
import { dataDirOf, readContext } from '../supervisor/cluster-files.js';
import { apiAnswers, clusterReady, isSupervisor } from '../supervisor/cluster-probe.js';
import { natsAnswers } from '../supervisor/process-check.js';
import { rootCertificateOf, runSupervisor } from '../supervisor/supervisor.js';
import { dashboardLink, readDashboardToken } from '../supervisor/dashboard-token.js';
import { checkTlsFiles } from '../supervisor/cluster-security.js';
import { credentialsFileOf } from '../supervisor/cluster-credentials.js';
import type { TlsFiles } from '../supervisor/nats-config.js';
import type { NatsAuth } from '../client/nats-auth.js';

export interface UpFlags {
  detach?: boolean;
  dataDir?: string;
  /** How many nodes (each a nats-server, an edge and a node agent); kept by the project once chosen. */
  nodes?: string;
  natsTlsCert?: string;
  natsTlsKey?: string;
  natsTlsCa?: string;
  /** Hidden: the detached supervisor itself. */
  foreground?: boolean;
}

/** This package's executable; the servers run from it too unless COMPARTMENT_SERVER_BIN names another (tests). */
const OWN_BIN = fileURLToPath(new URL('../../../../bin/compartment.js', import.meta.url));
const serverBin = () => process.env.COMPARTMENT_SERVER_BIN || OWN_BIN;
const DETACH_TIMEOUT_MS = Number(process.env.COMPARTMENT_UP_TIMEOUT_MS ?? 120_000);

const say = (line: string) => process.stdout.write(line + '\n');

function nodesOf(flags: UpFlags): number | undefined {
  if (flags.nodes === undefined) return undefined;
  const n = Number(flags.nodes);
  if (!Number.isInteger(n) || n < 1 || n > 9)
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `--nodes ${JSON.stringify(flags.nodes)}: expected a whole number from 1 to 9`,
      '--nodes',
    );
  return n;
}

/** All three TLS files or none; paths made absolute (the supervisor and nats-server run elsewhere). */
function tlsOf(flags: UpFlags, projectDir: string): TlsFiles | undefined {
  const given = [flags.natsTlsCert, flags.natsTlsKey, flags.natsTlsCa].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3)
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      '--nats-tls-cert, --nats-tls-key and --nats-tls-ca go together',
      '--nats-tls-cert',
    );
  return checkTlsFiles({
    cert: resolve(projectDir, flags.natsTlsCert!),
    key: resolve(projectDir, flags.natsTlsKey!),
    ca: resolve(projectDir, flags.natsTlsCa!),
  });
}

/** How `up` itself talks to the cluster it runs: the operator credentials in the data dir, the kept CA. */
function localAuth(dataDir: string, tlsCa: string | null | undefined): NatsAuth {
  const credsFile = credentialsFileOf(dataDir, 'cli');
  return { ...(existsSync(credsFile) ? { credsFile } : {}), ...(tlsCa ? { tlsCa } : {}) };
}

export async function upCommand(flags: UpFlags): Promise<number> {
  const projectDir = process.cwd();
  const nodes = nodesOf(flags);
  const dataDir = dataDirOf(projectDir, flags.dataDir);
  const tls = tlsOf(flags, projectDir);
  const context = readContext(projectDir);
  if (context && context.pid !== process.pid && isSupervisor(context.pid)) {
    if (await natsAnswers(context.natsUrl)) {
      const running = context.natsUrl.split(',').length;
      if (nodes !== undefined && nodes !== running) {
        throw new CompartmentError(
          'INVALID_ARGUMENT',
          `--nodes ${nodes}: the local cluster already runs with ${running} node(s)`,
          '--nodes',
        );
      }
      say(`already up: NATS at ${context.natsUrl} (supervisor pid ${context.pid})`);
      if (context.dashboardUrl)
        process.stderr.write(
          `dashboard: ${dashboardLink(context.dashboardUrl, readDashboardToken(context.dataDir))}\n`,
        );
      return 0;
    }
    throw new CompartmentError(
      'CLUSTER_UNAVAILABLE',
      `a supervisor (pid ${context.pid}) runs but NATS at ${context.natsUrl} does not answer; see ${join(context.dataDir, 'logs')} or run \`compartment down\``,
    );
  }
  if (flags.detach && !flags.foreground) return detach(projectDir, dataDir, nodes, tls);

  // A supervisor outlives its terminal (SIGHUP): a closed stdout must not kill it before it has stopped its children.
  process.stdout.removeAllListeners('error');
  process.stdout.on('error', () => undefined);
  const log = (line: string) => say(`${new Date().toISOString()} up: ${line}`);
  let running = true;
  const ready = (async () => {
    while (running) {
      const c = readContext(projectDir);
      const url = c?.natsUrl;
      if (url && (await apiAnswers(url, localAuth(dataDir, c?.tlsCa))))
        return log(`ready: the API answers at ${url} (compartment down stops it)`);
      await sleep(1000);
    }
  })();
  try {
    // The detached supervisor (--foreground) writes to a log file: its parent prints the token, not it.
    return await runSupervisor({
      projectDir,
      dataDir,
      bin: serverBin(),
      log,
      showDashboardToken: !flags.foreground,
      ...(nodes ? { nodes } : {}),
      ...(tls ? { tls } : {}),
    });
  } finally {
    running = false;
    await ready;
  }
}

async function detach(
  projectDir: string,
  dataDir: string,
  nodes: number | undefined,
  tls: TlsFiles | undefined,
): Promise<number> {
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const logFile = join(dataDir, 'logs', 'supervisor.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      OWN_BIN,
      'up',
      '--foreground',
      '--data-dir',
      dataDir,
      ...(nodes ? ['--nodes', String(nodes)] : []),
      ...(tls ? ['--nats-tls-cert', tls.cert, '--nats-tls-key', tls.key, '--nats-tls-ca', tls.ca] : []),
    ],
    {
      cwd: projectDir,
      detached: true,
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();

  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      throw new CompartmentError(
        'CLUSTER_UNAVAILABLE',
        `the supervisor exited (code ${exited}) before the cluster was ready; ${logFile} ends with:\n${tail}`,
      );
    }
    const context = readContext(projectDir);
    // Ready means routes answer: every node agent and every edge is live, not only the first API reply.
    if (
      context &&
      context.pid === child.pid &&
      (await clusterReady(context.natsUrl, context.natsUrl.split(',').length, localAuth(dataDir, context.tlsCa)))
    ) {
      say(context.natsUrl);
      process.stderr.write(
        `local cluster up (supervisor pid ${child.pid}, logs in ${join(dataDir, 'logs')}); \`compartment down\` stops it\n`,
      );
      if (context.dashboardUrl)
        process.stderr.write(`dashboard: ${dashboardLink(context.dashboardUrl, readDashboardToken(dataDir))}\n`);
      if (context.ports.https) {
        process.stderr.write(
          `domains: https port ${context.ports.https} (http ${context.ports.http} redirects); trust ${rootCertificateOf(dataDir)}, e.g. curl --cacert ${rootCertificateOf(dataDir)} --resolve app.example.com:${context.ports.https}:127.0.0.1 https://app.example.com:${context.ports.https}/\n`,
        );
      }
      return 0;
    }
    await sleep(250);
  }
  throw new CompartmentError(
    'TIMEOUT',
    `the cluster is not ready after ${DETACH_TIMEOUT_MS} ms; the supervisor (pid ${child.pid}) keeps trying, logs in ${join(dataDir, 'logs')}; \`compartment down\` stops it`,
  );
}
