// Item 8: a node of a three-node local cluster lost, two ways: SIGKILLed (its supervisor restarts it) and frozen (others take over).
import { subjects, type DeploymentRecord } from '../../packages/protocol/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { killQuietly, nowMs, sleep, COMPARTMENT_BIN, httpGet, runTimed } from '../harness/index.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export interface LossRun {
  /**
   * What happened to the node hosting the service: its agent and its workload SIGKILLed (and `up` restarts the
   * agent), or its agent frozen (SIGSTOP, with `up`'s supervisor, so nothing restarts it) and its workload SIGKILLed.
   */
  how: 'killed' | 'frozen';
  node: string;
  wasLeader: boolean;
  /** From the signal to the first 2xx answer from a new workload. */
  servingAgainMs: number;
  /** Probes (one at a time, every 10 ms) that got no answer from a new workload meanwhile. */
  failedProbes: number;
  /** What serves afterwards, from the route (KV): the same deployment restarted in place, or another placed elsewhere. */
  serving: { id: string; nodeId: string | null; trigger: string | null };
  previousId: string;
  /**
   * API requests (2 s timeout each) that went unanswered before one was answered, afterwards: the API is a queue
   * group, and a frozen agent's subscription stays until the server drops its connection.
   */
  unansweredApiRequests: number;
}

export interface FailoverData {
  nodes: number;
  killed: LossRun;
  frozen: LossRun;
}

const NODES = 3;
type NodeInfo = { id: string; pid: number; leader: boolean };

async function pidOf(url: string): Promise<number | null> {
  try {
    const a = await httpGet(`${url}/boot`, 1_000);
    return a.status === 200 ? (JSON.parse(a.body) as { pid: number }).pid : null;
  } catch {
    return null;
  }
}

async function lose(bp: BenchProject, ctx: ScenarioContext, how: LossRun['how']): Promise<LossRun> {
  const active = await bp.active();
  const url = active.routeUrl!;
  const raw = await bp.json<NodeInfo[] | { nodes: NodeInfo[] }>(['nodes']);
  const victim = (Array.isArray(raw) ? raw : raw.nodes).find((n) => n.id === active.nodeId);
  if (!victim) throw new Error(`node ${active.nodeId} of the active deployment is not in \`compartment nodes\``);
  const workload = await pidOf(url);
  if (!workload) throw new Error('the service does not answer before its node is lost');
  ctx.log(
    `${how === 'killed' ? 'SIGKILL' : 'SIGSTOP'} node ${victim.id}${victim.leader ? ' (the leader)' : ''}: agent pid ${victim.pid}; SIGKILL its workload pid ${workload}`,
  );
  if (how === 'frozen') {
    // `up`'s supervisor would notice the frozen agent and restart it: it is frozen too, so only the cluster can help.
    const supervisor = bp.project.context().pid;
    ctx.cleanup.add(`SIGCONT ${victim.id} and the supervisor`, () => {
      for (const pid of [victim.pid, supervisor]) killQuietly(pid, 'SIGCONT');
    });
    killQuietly(supervisor, 'SIGSTOP');
  }
  const at = nowMs();
  killQuietly(victim.pid, how === 'killed' ? 'SIGKILL' : 'SIGSTOP');
  killQuietly(workload, 'SIGKILL');
  let failedProbes = 0;
  for (;;) {
    ctx.check();
    const pid = await pidOf(url);
    if (pid !== null && pid !== workload) break;
    failedProbes += 1;
    if (nowMs() - at > 90_000)
      throw new Error(`the service did not serve again within 90 s after node ${victim.id} was ${how}`);
    await sleep(10);
  }
  const servingAgainMs = Math.round(nowMs() - at);
  const { records, unanswered } = await statusOfWeb(bp, ctx);
  // The route says where traffic goes; a status answer may come from a node whose view is a moment behind.
  const moved = bp.routeWrites.filter((w) => w.service === 'web' && w.at >= Math.floor(at)).at(-1);
  const serving = moved ? { id: moved.deploymentId, nodeId: moved.nodeId } : { id: active.id, nodeId: victim.id };
  const trigger = records.find((r) => r.id === serving.id)?.trigger ?? null;
  return {
    how,
    node: victim.id,
    wasLeader: victim.leader,
    servingAgainMs,
    failedProbes,
    serving: { ...serving, trigger },
    previousId: active.id,
    unansweredApiRequests: unanswered,
  };
}

/** `status` of the web service over NATS, asked again (2 s each) while a frozen node's agent swallows requests. */
async function statusOfWeb(
  bp: BenchProject,
  ctx: ScenarioContext,
): Promise<{ records: DeploymentRecord[]; unanswered: number }> {
  const body = JSON.stringify({ environment: 'production', service: 'web', all: false });
  for (let unanswered = 0; ; unanswered++) {
    ctx.check();
    try {
      const reply = (await bp.connection.nc.request(subjects.api('status'), body, { timeout: 2_000 })).json<{
        ok: boolean;
        result?: { deployments: DeploymentRecord[] };
      }>();
      if (reply.ok) return { records: reply.result!.deployments, unanswered };
    } catch {
      // no answer within 2 s: ask again
    }
    if (unanswered >= 30) throw new Error('no answer to status in 30 tries');
  }
}

export const nodeFailoverScenario: Scenario<FailoverData> = {
  name: 'node-failover',
  title: 'A node lost: time until its service serves again',
  budgetMs: 3 * 60_000,
  async unavailable() {
    const help = await runTimed(process.execPath, [COMPARTMENT_BIN, 'up', '--help']);
    return /--nodes/.test(help.stdout)
      ? null
      : '`compartment up --nodes` (the multi-node cluster, issue 6) is not there yet';
  },
  async run(ctx) {
    const bp = await BenchProject.start(compartmentFiles('f0'), ctx.cleanup, ctx.log, ['--nodes', String(NODES)]);
    await bp.cli(['deploy']);
    // `up` restarts a node agent that dies: the node comes back and restarts its workload.
    const killed = await lose(bp, ctx, 'killed');
    ctx.log(`served again after ${killed.servingAgainMs} ms by ${killed.serving?.id} on ${killed.serving?.nodeId}`);
    // A frozen node that nothing restarts: only the cluster's own node-loss handling brings the service back.
    const frozen = await lose(bp, ctx, 'frozen');
    ctx.log(
      `served again after ${frozen.servingAgainMs} ms by ${frozen.serving?.id} on ${frozen.serving?.nodeId} (${frozen.serving?.trigger})`,
    );
    return { nodes: NODES, killed, frozen };
  },
};
