// Item 8: the lost-requests run for `runtime: docker` services (same app, same load), once the Docker runtime exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dockerFiles } from '../apps/index.js';
import { CompartmentContender } from '../contenders/index.js';
import { ensureBaseImage, removeNodeObjects } from '../docker/index.js';
import { ROOT, runTimed } from '../harness/index.js';
import { runContenderOnce, type ContenderReport } from './replace-run.js';
import { REPLACEMENTS } from './replacements.scenario.js';
import type { Scenario } from './scenario.js';

export interface DockerData {
  replacements: number;
  contender: ContenderReport;
}

/** Compartment deploys of a Docker service; notes its node ids so the scenario can remove what the engine kept. */
class DockerContender extends CompartmentContender {
  nodeIds: string[] = [];

  override async setup(...args: Parameters<CompartmentContender['setup']>): ReturnType<CompartmentContender['setup']> {
    const started = await super.setup(...args);
    const nodes = await this.project.json<{ id: string }[] | { nodes: { id: string }[] }>(['nodes']).catch(() => []);
    this.nodeIds = (Array.isArray(nodes) ? nodes : nodes.nodes).map((n) => n.id);
    return started;
  }
}

export const dockerReplacementsScenario: Scenario<DockerData> = {
  name: 'docker-replacements',
  title: 'Requests lost while replacing a Docker service',
  budgetMs: 4 * 60_000,
  async unavailable() {
    if (!existsSync(join(ROOT, 'dist/nodes/agent/runtime/docker.runtime.js')))
      return 'the Docker runtime (issue 5) is not built: no nodes/agent/runtime/docker.runtime.ts';
    if ((await runTimed('docker', ['info'], { timeoutMs: 20_000 }).catch(() => ({ code: 1 }))).code !== 0)
      return 'no Docker engine answers (scripts/start-dockerd starts one)';
    return null;
  },
  async run(ctx) {
    const n = ctx.quick ? 3 : REPLACEMENTS;
    const base = await ensureBaseImage();
    const made: DockerContender[] = [];
    const make = () => {
      const c = new DockerContender({
        name: 'compartment-docker-deploy',
        label: 'Compartment deploy (Docker runtime)',
        files: (v) => dockerFiles(v, base),
        mode: 'deploy',
        prefix: 'k',
      });
      made.push(c);
      return c;
    };
    const report = await runContenderOnce(make, n, ctx).finally(async () => {
      for (const id of made.flatMap((c) => c.nodeIds)) await removeNodeObjects(id);
    });
    if (report.error) throw new Error(report.error.split('\n')[0]);
    return { replacements: n, contender: report };
  },
};
