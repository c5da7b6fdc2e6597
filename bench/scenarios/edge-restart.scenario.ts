// An edge with domains restarted (its process, then its Caddy): how soon HTTPS serves again, and that nothing is re-issued.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { httpGet, nowMs, sleep, summarize, type Summary } from '../harness/index.js';
import type { Scenario } from './scenario.js';

const DOMAIN = 'bench.example.test';
export const EDGE_RESTARTS = 5;

export interface EdgeRestartData {
  restarts: number;
  /** Edge process SIGKILLed: from the new edge process's start (as `up` records it) to the first HTTPS 200. */
  edgeProcessMs: Summary;
  /** From the kill to the first HTTPS 200 (includes `up`'s restart delay). */
  edgeKillToServedMs: Summary;
  /** Caddy SIGKILLed: from the kill to the first HTTPS 200 (the edge restarts it, certificates from storage). */
  caddyKillToServedMs: Summary;
  /** Certificates Caddy obtained over the whole run: 1 means every restart reused the stored one. */
  issued: number;
}

export const edgeRestartScenario: Scenario<EdgeRestartData> = {
  name: 'edge-restart',
  title: 'An edge with domains restarted: serving HTTPS again, certificates kept',
  budgetMs: 3 * 60_000,
  async run(ctx) {
    const n = ctx.quick ? 2 : EDGE_RESTARTS;
    const bp = await BenchProject.start(compartmentFiles('r0', { domain: DOMAIN }), ctx.cleanup, ctx.log);
    await bp.cli(['deploy']);
    const { port } = new URL((await bp.active()).routeUrl!);
    const url = `https://127.0.0.1:${port}/`;
    const byName = { servername: DOMAIN, host: `${DOMAIN}:${port}` };
    const served = async (timeoutMs = 30_000): Promise<number> => {
      const deadline = nowMs() + timeoutMs;
      for (;;) {
        const ok = await httpGet(url, 1_000, byName).then(
          (a) => a.status === 200,
          () => false,
        );
        if (ok) return nowMs();
        if (nowMs() > deadline) throw new Error(`${DOMAIN} did not answer over HTTPS within ${timeoutMs} ms`);
        await sleep(5);
      }
    };
    await served();
    const caddyDir = join(bp.dir, '.compartment', 'edge', 'caddy');
    const edgeProcess: number[] = [];
    const edgeKill: number[] = [];
    const caddyKill: number[] = [];
    for (let i = 0; i < n; i++) {
      ctx.check();
      const pid = bp.project.context().children.edge!;
      const killedAt = nowMs();
      process.kill(pid, 'SIGKILL');
      let startedAt = 0;
      while (!startedAt) {
        const next = bp.project.context().children.edge;
        if (next && next !== pid) startedAt = nowMs();
        else await sleep(2);
      }
      const back = await served();
      edgeProcess.push(back - startedAt);
      edgeKill.push(back - killedAt);
      await sleep(500);
      const caddyPid = Number(readFileSync(join(caddyDir, 'caddy.pid'), 'utf8'));
      const caddyKilledAt = nowMs();
      process.kill(caddyPid, 'SIGKILL');
      // The old Caddy may answer one last request before the kill lands: wait for its pid to go first.
      while (readFileSync(join(caddyDir, 'caddy.pid'), 'utf8').trim() === String(caddyPid)) await sleep(2);
      caddyKill.push((await served()) - caddyKilledAt);
      await sleep(500);
    }
    const issued = (readFileSync(join(caddyDir, 'caddy.log'), 'utf8').match(/certificate obtained successfully/g) ?? [])
      .length;
    ctx.log(
      `edge restarts: serving again ${summarize(edgeProcess).p50} ms p50 after the new edge process started; Caddy restarts ${summarize(caddyKill).p50} ms p50; ${issued} certificate(s) obtained`,
    );
    return {
      restarts: n,
      edgeProcessMs: summarize(edgeProcess),
      edgeKillToServedMs: summarize(edgeKill),
      caddyKillToServedMs: summarize(caddyKill),
      issued,
    };
  },
};
