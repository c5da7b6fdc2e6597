// Control plane: `status` over NATS request/reply with 1,000 deployment records, and `compartment status` from the shell.
import { DeploymentStore } from '../../cluster/index.js';
import { API, subjects } from '../../packages/protocol/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { authCost, seedRecords, statusLoad, type AuthCostData, type StatusLoadResult } from '../control-plane/index.js';
import { sleep, summarize, type Summary } from '../harness/index.js';
import type { Scenario } from './scenario.js';

export const RECORDS = { services: 20, perService: 50 };
export const CONCURRENCY = 16;

export interface ControlPlaneData {
  records: number;
  services: number;
  concurrency: number;
  /** The whole environment (what plain `compartment status` asks: table rows), and one service. */
  environment: StatusLoadResult;
  /** The whole environment as whole records (what `compartment status --json` asks); absent in older results. */
  environmentFull?: StatusLoadResult;
  service: StatusLoadResult;
  cli: { runs: number; wallMs: Summary };
  /** Time to validate one reply against the protocol's schema (the node agent does so for every reply), in this process. */
  replyValidationMs: { environment: number; service: number; environmentFull?: number };
  /** `status` of one service with NATS auth (as `up` runs it) and without, same run, interleaved; absent in older results. */
  authCost?: AuthCostData;
}

/** Mean time of `API.status.reply.parse` over one real reply to `request`. */
async function validationMs(bp: BenchProject, request: Record<string, unknown>): Promise<number> {
  const reply = (
    await bp.connection.nc.request(subjects.api('status'), JSON.stringify(request), { timeout: 5_000 })
  ).json<{ result: unknown }>();
  const rounds = 200;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) API.status.reply.parse(reply.result);
  return Math.round(((performance.now() - t0) / rounds) * 1000) / 1000;
}

/** Records the node agent's index holds in environment `bench`. */
async function indexed(bp: BenchProject, services: number): Promise<number> {
  let n = 0;
  for (let s = 0; s < services; s++) {
    const request = { environment: 'bench', service: `svc-${String(s).padStart(2, '0')}`, all: true };
    const reply = (
      await bp.connection.nc.request(subjects.api('status'), JSON.stringify(request), { timeout: 5_000 })
    ).json<{ ok: boolean; result?: { deployments: unknown[] } }>();
    n += reply.result?.deployments.length ?? 0;
  }
  return n;
}

export const controlPlaneScenario: Scenario<ControlPlaneData> = {
  name: 'control-plane',
  title: 'Control plane: status with 1,000 deployment records',
  budgetMs: 4 * 60_000,
  async run(ctx) {
    const bp = await BenchProject.start(compartmentFiles('s0'), ctx.cleanup, ctx.log);
    await bp.cli(['deploy']);
    bp.write(compartmentFiles('s1'));
    await bp.cli(['deploy']);
    const store = await DeploymentStore.open(bp.connection);
    const real = await store.list({ env: 'production' });
    const replaced = real.find((d) => !d.value.record.isActive && d.value.record.status === 'succeeded')?.value;
    if (!replaced) throw new Error('expected a replaced deployment to copy');
    const seeded = await seedRecords(store, replaced, { env: 'bench', ...RECORDS });
    ctx.log(`seeded ${seeded} deployment records in ${RECORDS.services} services`);
    // The agent's index follows the bucket through a watch: wait until it has every record. Asked per service:
    // one reply with all 1,000 records would exceed NATS's 1 MB message limit.
    for (let i = 0; (await indexed(bp, RECORDS.services)) < seeded; i++) {
      if (i > 100) throw new Error(`the node agent's index did not reach ${seeded} records`);
      await sleep(100);
    }
    const o = { concurrency: CONCURRENCY, seconds: ctx.quick ? 2 : 5, warmupSeconds: 0.5 };
    const nc = bp.connection.nc;
    const environment = await statusLoad(nc, { environment: 'bench', all: false, rows: true }, o);
    ctx.log(`status of the environment: ${environment.rps} req/s, p99 ${environment.latencyMs.p99} ms`);
    const environmentFull = await statusLoad(nc, { environment: 'bench', all: false }, o);
    ctx.log(
      `status of the environment, whole records: ${environmentFull.rps} req/s, p99 ${environmentFull.latencyMs.p99} ms`,
    );
    const service = await statusLoad(nc, { environment: 'bench', service: 'svc-07', all: false, rows: true }, o);
    ctx.log(`status of one service: ${service.rps} req/s, p99 ${service.latencyMs.p99} ms`);
    const runs = ctx.quick ? 5 : 20;
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) walls.push((await bp.cli(['status', '--env', 'bench'])).wallMs);
    const replyValidationMs = {
      environment: await validationMs(bp, environment.request),
      service: await validationMs(bp, service.request),
      environmentFull: await validationMs(bp, environmentFull.request),
    };
    ctx.check();
    const auth = await authCost({
      cleanup: ctx.cleanup,
      log: ctx.log,
      records: RECORDS,
      concurrency: CONCURRENCY,
      rounds: ctx.quick ? 1 : 3,
      seconds: ctx.quick ? 2 : 4,
      cliRuns: ctx.quick ? 3 : 10,
    });
    return {
      records: seeded,
      services: RECORDS.services,
      concurrency: CONCURRENCY,
      environment,
      environmentFull,
      service,
      cli: { runs, wallMs: summarize(walls) },
      replyValidationMs,
      authCost: auth,
    };
  },
};
