// The cost of NATS authentication on `status`: the same seeded cluster shape with auth (as `up` runs it) and without, interleaved.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { credentialsOptions, DeploymentStore } from '../../cluster/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { summarize, type Cleanup, type Summary } from '../harness/index.js';
import { seedRecords } from './status-seed.js';
import { statusLoad } from './status-load.js';

export interface AuthCostSide {
  /** req/s of each interleaved round, and their median. */
  rpsRounds: number[];
  rps: number;
  p99Ms: number[];
  /** `compartment status --env bench` from the shell: connect (nkey handshake when on), one request, exit. */
  cliWallMs: Summary;
}

export interface AuthCostData {
  request: Record<string, unknown>;
  concurrency: number;
  secondsPerRound: number;
  withAuth: AuthCostSide;
  withoutAuth: AuthCostSide;
  /** (without − with) / without, in percent of req/s: what authentication and permission checks cost. */
  rpsCostPercent: number;
}

export interface AuthCostOptions {
  cleanup: Cleanup;
  log(line: string): void;
  records: { services: number; perService: number };
  concurrency: number;
  rounds: number;
  seconds: number;
  cliRuns: number;
}

/** Two deploys (one replaced deployment to copy), then the same history seeded as in the main control-plane run. */
async function seededProject(o: AuthCostOptions, env: NodeJS.ProcessEnv): Promise<BenchProject> {
  const bp = await BenchProject.start(compartmentFiles('s0'), o.cleanup, o.log, [], env);
  await bp.cli(['deploy']);
  bp.write(compartmentFiles('s1'));
  await bp.cli(['deploy']);
  const store = await DeploymentStore.open(bp.connection);
  const replaced = (await store.list({ env: 'production' })).find(
    (d) => !d.value.record.isActive && d.value.record.status === 'succeeded',
  )?.value;
  if (!replaced) throw new Error('expected a replaced deployment to copy');
  await seedRecords(store, replaced, { env: 'bench', ...o.records });
  return bp;
}

/** What the CLI connects with: the operator role's file when `up` made one. */
async function cliConnection(bp: BenchProject): Promise<NatsConnection> {
  const creds = join(bp.dir, '.compartment', 'credentials', 'cli.creds');
  return connect({ servers: bp.natsUrl, ...(existsSync(creds) ? credentialsOptions(creds) : {}) });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function authCost(o: AuthCostOptions): Promise<AuthCostData> {
  const secured = await seededProject(o, {});
  const open = await seededProject(o, { COMPARTMENT_NATS_AUTH: 'off' });
  const sides = [
    { bp: secured, nc: await cliConnection(secured), rps: [] as number[], p99: [] as number[], walls: [] as number[] },
    { bp: open, nc: await cliConnection(open), rps: [] as number[], p99: [] as number[], walls: [] as number[] },
  ];
  o.cleanup.add('close the auth-cost connections', () => Promise.all(sides.map((s) => s.nc.close())));
  const request = { environment: 'bench', service: 'svc-07', all: false };
  const load = { concurrency: o.concurrency, seconds: o.seconds, warmupSeconds: 0.5 };
  // Interleaved, so drift on a shared machine falls on both sides alike.
  for (let round = 0; round < o.rounds; round++) {
    for (const s of sides) {
      const r = await statusLoad(s.nc, request, load);
      if (r.errors > 0) throw new Error(`${r.errors} status requests failed`);
      s.rps.push(r.rps);
      s.p99.push(r.latencyMs.p99 ?? 0);
    }
  }
  for (let i = 0; i < o.cliRuns; i++)
    for (const s of sides) s.walls.push((await s.bp.cli(['status', '--env', 'bench', '--service', 'svc-07'])).wallMs);
  const side = (s: (typeof sides)[number]): AuthCostSide => ({
    rpsRounds: s.rps,
    rps: median(s.rps),
    p99Ms: s.p99,
    cliWallMs: summarize(s.walls),
  });
  const withAuth = side(sides[0]!);
  const withoutAuth = side(sides[1]!);
  o.log(`status with auth ${withAuth.rps} req/s, without ${withoutAuth.rps} req/s (median of ${o.rounds} rounds)`);
  return {
    request,
    concurrency: o.concurrency,
    secondsPerRound: o.seconds,
    withAuth,
    withoutAuth,
    rpsCostPercent: Math.round(((withoutAuth.rps - withAuth.rps) / withoutAuth.rps) * 1000) / 10,
  };
}
