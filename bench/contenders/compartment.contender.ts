// Compartment replacing a service: `compartment deploy` of a new version, or `compartment rollback` (with deploys between).
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { httpGet, isoMs, type Cleanup } from '../harness/index.js';
import { BenchProject, type CliRun } from './compartment-project.js';
import type { Contender, HostTarget, OpResult } from './contender.js';

export interface CompartmentOptions {
  name: string;
  label: string;
  /** Project files for a version (compartment.yaml and the service directory). */
  files: (version: string) => Record<string, string>;
  /** rollback: each replacement is a rollback, followed by a deploy so there is always one to roll back. */
  mode: 'deploy' | 'rollback';
  /** Prefix of version names. */
  prefix: string;
  /** Load and probe over the service's HTTPS domain route (its `routeUrl` is `https://<domain>:<port>`). */
  domain?: string;
}

/**
 * Milliseconds each stage took, from the record's stage entries between `from` and `to` (a rollback promotes
 * a deployment that has stages from before), and the span from the first to the last of those entries.
 */
export function stageDurations(
  r: DeploymentRecord,
  from: number,
  to: number,
): { stagesMs: Record<string, number>; serverMs: number | null } {
  const stages = r.stages.filter((s) => isoMs(s.at) >= Math.floor(from) && isoMs(s.at) <= Math.ceil(to));
  const stagesMs: Record<string, number> = {};
  for (let i = 0; i < stages.length - 1; i++) {
    const key = stages[i]!.stage;
    stagesMs[key] = (stagesMs[key] ?? 0) + isoMs(stages[i + 1]!.at) - isoMs(stages[i]!.at);
  }
  const serverMs = stages.length > 1 ? isoMs(stages.at(-1)!.at) - isoMs(stages[0]!.at) : null;
  return { stagesMs, serverMs };
}

export class CompartmentContender implements Contender {
  private bp!: BenchProject;
  private url = '';
  private target: HostTarget | undefined;
  private next = 0;

  constructor(private readonly o: CompartmentOptions) {}

  get name(): string {
    return this.o.name;
  }

  get path(): string {
    return this.o.domain
      ? 'autocannon → Caddy HTTPS (TLS, per-host SRV upstream from the edge) → app'
      : 'autocannon → Caddy (SRV upstream from the edge) → app';
  }

  get label(): string {
    return this.o.label;
  }

  get project(): BenchProject {
    return this.bp;
  }

  async setup(cleanup: Cleanup, log?: (line: string) => void): Promise<{ url: string; version: string }> {
    this.bp = await BenchProject.start(this.o.files(this.version()), cleanup, log);
    await this.bp.cli(['deploy']);
    // A rollback needs a previously active deployment from the start.
    if (this.o.mode === 'rollback') await this.deployNext();
    const active = await this.bp.active();
    this.url = active.routeUrl!;
    if (this.o.domain) {
      // No DNS for the bench's name: connect to the edge's address, name the host in SNI and Host.
      const { hostname, port } = new URL(this.url);
      this.target = { servername: hostname, host: `${hostname}:${port}` };
      this.url = `https://127.0.0.1:${port}/`;
    }
    return { url: this.url, version: await this.serving(), ...(this.target ? { target: this.target } : {}) };
  }

  async replace(_i: number, settle: () => Promise<void>): Promise<OpResult[]> {
    if (this.o.mode === 'deploy') return [await this.op('deploy', true, () => this.deployNext())];
    const rollback = await this.op('rollback', true, () => this.bp.cli(['rollback', '--service', 'web']));
    await settle();
    const deploy = await this.op('deploy+build', false, () => this.deployNext());
    return [rollback, deploy];
  }

  async finish(ops: OpResult[]): Promise<void> {
    for (const op of ops) {
      const id = op.detail?.deploymentId as string | undefined;
      if (!id) continue;
      const write = this.bp.routeWrites.find(
        (w) => w.deploymentId === id && w.at >= Math.floor(op.startedAt) && w.at <= op.endedAt,
      );
      op.switchAt = write?.at ?? null;
      const record = await this.bp.json<DeploymentRecord>(['inspect', id]);
      op.detail = { ...op.detail, ...stageDurations(record, op.startedAt, op.endedAt) };
    }
  }

  private version(): string {
    return `${this.o.prefix}${this.next++}`;
  }

  private deployNext(): Promise<CliRun> {
    this.bp.write(this.o.files(this.version()));
    return this.bp.cli(['deploy']);
  }

  private async op(kind: string, counted: boolean, run: () => Promise<CliRun>): Promise<OpResult> {
    const r = await run();
    return {
      kind,
      counted,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      switchAt: null,
      version: await this.serving(),
      detail: { deploymentId: r.deploymentId, wallMs: r.wallMs },
    };
  }

  /** What the route serves now, asked on a fresh connection. */
  private async serving(): Promise<string> {
    const body = (await httpGet(this.url, 2_000, this.target)).body;
    return /^version=(\S+)/.exec(body)?.[1] ?? '?';
  }
}
