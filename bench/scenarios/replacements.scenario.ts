// Requests lost while replacing a running service: Compartment deploy and rollback against PM2, stop-then-start and a Caddy PATCH.
import { compartmentFiles } from '../apps/index.js';
import {
  CompartmentContender,
  Pm2Contender,
  StopStartContender,
  CaddyPatchContender,
  type Contender,
} from '../contenders/index.js';
import { ratio } from '../harness/index.js';
import { CONNECTIONS, SETTLE_MS, WARMUP_MS, runContenderOnce, type ContenderReport } from './replace-run.js';
import type { Scenario } from './scenario.js';

export const REPLACEMENTS = 20;

export interface ReplacementsData {
  replacements: number;
  connections: number;
  settleMs: number;
  warmupMs: number;
  contenders: ContenderReport[];
  /** Item 4: rollback wall time over the wall time of a deploy with a build step (p50s, same run, same load). */
  rollbackVsDeploy: {
    rollbackP50Ms: number | null;
    deployWithBuildP50Ms: number | null;
    ratio: number | null;
    buildStageP50Ms: number | null;
  };
}

/** Makers of every contender, in the order they run; each call makes a fresh one. */
export const REPLACEMENT_CONTENDERS: Array<() => Contender> = [
  () =>
    new CompartmentContender({
      name: 'compartment-deploy',
      label: 'Compartment deploy (process runtime)',
      files: (v) => compartmentFiles(v),
      mode: 'deploy',
      prefix: 'v',
    }),
  () =>
    new CompartmentContender({
      name: 'compartment-deploy-https',
      label: 'Compartment deploy over its HTTPS domain route (process runtime)',
      files: (v) => compartmentFiles(v, { domain: 'bench.example.test' }),
      mode: 'deploy',
      prefix: 'h',
      domain: 'bench.example.test',
    }),
  () =>
    new CompartmentContender({
      name: 'compartment-rollback',
      label: 'Compartment rollback (deploys with a build step between)',
      files: (v) => compartmentFiles(v, { build: true }),
      mode: 'rollback',
      prefix: 'b',
    }),
  () => new Pm2Contender(),
  () => new StopStartContender(),
  () => new CaddyPatchContender(),
];

function buildStageP50(c: ContenderReport | undefined): number | null {
  const builds = (c?.ops ?? [])
    .filter((o) => o.kind === 'deploy+build')
    .map((o) => (o.detail.stagesMs as Record<string, number> | undefined)?.building ?? null);
  const sorted = builds.filter((b): b is number => b !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.ceil(sorted.length / 2) - 1]! : null;
}

export const replacementsScenario: Scenario<ReplacementsData> = {
  name: 'replacements',
  title: 'Requests lost while replacing a running service',
  budgetMs: 10 * 60_000,
  async run(ctx) {
    const n = ctx.quick ? 3 : REPLACEMENTS;
    const contenders: ContenderReport[] = [];
    for (const make of REPLACEMENT_CONTENDERS) {
      ctx.log(`${make().name}: ${n} replacements under ${CONNECTIONS} keep-alive connections`);
      contenders.push(await runContenderOnce(make, n, ctx));
    }
    const rb = contenders.find((c) => c.name === 'compartment-rollback');
    const rollbackP50Ms = rb?.kinds.rollback?.wallMs.p50 ?? null;
    const deployWithBuildP50Ms = rb?.kinds['deploy+build']?.wallMs.p50 ?? null;
    return {
      replacements: n,
      connections: CONNECTIONS,
      settleMs: SETTLE_MS,
      warmupMs: WARMUP_MS,
      contenders,
      rollbackVsDeploy: {
        rollbackP50Ms,
        deployWithBuildP50Ms,
        ratio: ratio(rollbackP50Ms, deployWithBuildP50Ms),
        buildStageP50Ms: buildStageP50(rb),
      },
    };
  },
};
