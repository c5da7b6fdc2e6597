// Issue 13: instance sets on `up --nodes 3` — a 3-instance redeploy beside PM2 reloading a 3-worker cluster, and a node
// holding one of 2 instances frozen under load (beside the single-instance node-loss figure of node-failover).
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { Pm2App } from '../contenders/pm2.contender.js';
import { startLoad, type LoadReport } from '../load/index.js';
import { killQuietly, nowMs, sleep, runTimed, COMPARTMENT_BIN } from '../harness/index.js';
import { subjects, type DeploymentRecord } from '../../packages/protocol/index.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export interface SetRedeploy {
  what: string;
  instances: number;
  requests: number;
  failed: number;
  wallMs: number;
}

export interface SetNodeLoss {
  instances: number;
  node: string;
  /** Whose node: the deployment's owner (its actor and first instance) or one running another instance. */
  role: 'owner' | 'instance';
  requests: number;
  failed: number;
  /** From the signal until `status` says ready/total = 2/2 again without the lost node. */
  wholeAgainMs: number;
  seen: string[];
}

export interface InstancesData {
  nodes: number;
  redeploy: SetRedeploy[];
  loss: SetNodeLoss;
}

const NODES = 3;
const failures = (r: LoadReport) => r.failures.reduce((n, f) => n + f[3], 0);
const withInstances = (files: Record<string, string>, n: number) => ({
  ...files,
  'compartment.yaml': files['compartment.yaml']!.replace(
    '    start: node server.js\n',
    `    start: node server.js\n    instances: ${n}\n`,
  ),
});

async function underLoad(url: string, act: () => Promise<unknown>): Promise<{ report: LoadReport; wallMs: number }> {
  const load = await startLoad({ url, connections: 50 });
  await sleep(500);
  const started = nowMs();
  await act();
  const wallMs = Math.round(nowMs() - started);
  await sleep(500);
  return { report: await load.stop(), wallMs };
}

/** `status` over NATS with a 2 s timeout: a frozen agent keeps its place in the API's queue group and swallows some. */
async function activeWeb(bp: BenchProject): Promise<DeploymentRecord | undefined> {
  const body = JSON.stringify({ environment: 'production', service: 'web', all: false });
  try {
    const reply = (await bp.connection.nc.request(subjects.api('status'), body, { timeout: 2_000 })).json<{
      ok: boolean;
      result?: { deployments: DeploymentRecord[] };
    }>();
    return reply.ok ? reply.result!.deployments.find((r) => r.isActive && r.status === 'succeeded') : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for 2/2 without `victim`; returns when that was true: the re-placed set's switch, or when status first said so. */
async function whole(
  bp: BenchProject,
  ctx: ScenarioContext,
  before: string,
  victim: string,
  seen: string[],
): Promise<number> {
  for (const started = nowMs(); ; ) {
    ctx.check();
    const web = await activeWeb(bp);
    const text = web?.instances ? `${web.instances.ready}/${web.instances.total}` : null;
    if (text && seen.at(-1) !== text) seen.push(text);
    if (web?.instances?.ready === 2 && web.instances.list.every((i) => i.nodeId !== victim)) {
      return web.id !== before && web.activatedAt ? Date.parse(web.activatedAt) : Date.now();
    }
    if (nowMs() - started > 120_000) throw new Error(`not 2/2 again within 120 s (status went ${seen.join(' → ')})`);
    await sleep(100);
  }
}

export const instancesScenario: Scenario<InstancesData> = {
  name: 'instances',
  title: 'Instance sets: a 3-instance redeploy, and a node of a 2-instance set lost under load',
  budgetMs: 6 * 60_000,
  async unavailable() {
    const help = await runTimed(process.execPath, [COMPARTMENT_BIN, 'scale', '--help']);
    return help.code === 0 ? null : '`compartment scale` (instances, issue 13) is not there yet';
  },
  async run(ctx) {
    const bp = await BenchProject.start(withInstances(compartmentFiles('i0'), 3), ctx.cleanup, ctx.log, [
      '--nodes',
      String(NODES),
    ]);
    await bp.cli(['deploy']);
    const url = (await bp.active()).routeUrl!;
    bp.project.write(withInstances(compartmentFiles('i1'), 3));
    const c = await underLoad(url, () => bp.cli(['deploy']));
    ctx.log(`3-instance redeploy: ${failures(c.report)} failed of ${c.report.responses}, ${c.wallMs} ms`);
    const pm2 = await Pm2App.start(ctx.cleanup, 'p0', 3);
    const p = await underLoad(pm2.url, () => pm2.reload('p1'));
    ctx.log(`PM2 reload of 3 workers: ${failures(p.report)} failed of ${p.report.responses}, ${p.wallMs} ms`);
    const redeploy: SetRedeploy[] = [
      {
        what: 'Compartment deploy, `instances: 3` on 3 nodes',
        instances: 3,
        requests: c.report.responses,
        failed: failures(c.report),
        wallMs: c.wallMs,
      },
      {
        what: 'PM2 reload, cluster mode, 3 workers, wait_ready',
        instances: 3,
        requests: p.report.responses,
        failed: failures(p.report),
        wallMs: p.wallMs,
      },
    ];

    // Two instances; the owner's node frozen (agent and `up`'s supervisor, which would restart it), its instance SIGKILLed.
    bp.project.write(withInstances(compartmentFiles('i2'), 2));
    await bp.cli(['deploy']);
    const web = await bp.active();
    const owner = web.nodeId!;
    const raw = await bp.json<Array<{ id: string; pid: number }> | { nodes: Array<{ id: string; pid: number }> }>([
      'nodes',
    ]);
    const agent = (Array.isArray(raw) ? raw : raw.nodes).find((n) => n.id === owner)!;
    const workload = Number(web.instances!.list.find((i) => i.nodeId === owner)!.ref!.split(':')[0]);
    const supervisor = bp.project.context().pid;
    ctx.cleanup.add(`SIGCONT ${owner} and the supervisor`, () => {
      for (const pid of [agent.pid, supervisor]) killQuietly(pid, 'SIGCONT');
    });
    const seen: string[] = [];
    let wholeAgainMs = 0;
    const l = await underLoad(web.routeUrl!, async () => {
      killQuietly(supervisor, 'SIGSTOP');
      const lostAt = Date.now();
      killQuietly(agent.pid, 'SIGSTOP');
      // The ref names the workload's wrapper, which leads its process group: the whole group goes.
      try {
        process.kill(-workload, 'SIGKILL');
      } catch {
        // already gone
      }
      wholeAgainMs = (await whole(bp, ctx, web.id, owner, seen)) - lostAt;
    });
    ctx.log(
      `owner ${owner} frozen: ${failures(l.report)} failed of ${l.report.responses}; 2/2 again after ${wholeAgainMs} ms (${seen.join(' → ')})`,
    );
    return {
      nodes: NODES,
      redeploy,
      loss: {
        instances: 2,
        node: owner,
        role: 'owner',
        requests: l.report.responses,
        failed: failures(l.report),
        wholeAgainMs,
        seen,
      },
    };
  },
};
