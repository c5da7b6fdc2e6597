// Turns a stream of deployment records into a live view (terminal), one line per change (plain), or JSON lines; and the exit code.
import type { DeploymentRecord } from '../../protocol/index.js';
import type { Output } from '../output/terminal-output.js';
import type { WatchEvent, WatchResult } from '../../../cluster/client/index.js';
import { LiveView } from './live-view.js';
import { terminalSafe } from '../output/terminal-safe.js';

/** What a person wants to hear about: everything else in a record change is noise on a terminal. */
export function describeChange(prev: DeploymentRecord | undefined, next: DeploymentRecord): string[] {
  const lines: string[] = [];
  if (!prev) lines.push(`${next.status}, stage ${next.promotionStage}`);
  else {
    // Attempts first: the passing one is what moves the stage on. Writes can be coalesced, so print every new one.
    const fresh = Math.min(next.readiness.attempts - prev.readiness.attempts, next.readiness.recent.length);
    next.readiness.recent.slice(next.readiness.recent.length - fresh).forEach((a, i) => {
      const n = next.readiness.attempts - fresh + i + 1;
      lines.push(`readiness attempt ${n}: ${terminalSafe(a.detail)} (${a.ok ? 'ready' : 'not ready'})`);
    });
    if (prev.promotionStage !== next.promotionStage) lines.push(`stage ${next.promotionStage}`);
    else if (prev.status !== next.status && next.status === 'running') lines.push('running');
    if (prev.health !== next.health) lines.push(`health ${next.health}`);
  }
  if (next.status === 'succeeded' && prev?.status !== 'succeeded') {
    lines.push(next.routeUrl ? `succeeded: ${next.routeUrl}` : 'succeeded');
  }
  if (next.status === 'failed' && prev?.status !== 'failed')
    lines.push(`failed: ${terminalSafe(next.failureMessage ?? 'no reason given')}`);
  return lines;
}

export class ProgressReport {
  private readonly last = new Map<string, DeploymentRecord>();
  private readonly lastJson = new Map<string, string>();
  private width: number;
  /** A person at a colour terminal gets rows redrawn in place; pipes, NO_COLOR and --json get lines. */
  private readonly live: LiveView | null;

  constructor(
    private readonly out: Output,
    private readonly kind: 'deploy' | 'rollback',
    initial: readonly DeploymentRecord[],
    stream: NodeJS.WriteStream = process.stdout,
  ) {
    this.width = Math.max(0, ...initial.map((d) => d.serviceName.length));
    this.live = out.color && !out.json && stream.isTTY ? new LiveView(stream, (c, t) => out.paint(c, t)) : null;
    for (const d of initial) this.show(d);
  }

  update(event: WatchEvent): void {
    if (event.type === 'updated') return this.show(event.record);
    this.out.event({ type: 'deployment.gone', id: event.id, serviceName: event.serviceName });
    if (this.live) return this.live.gone(event.id, event.serviceName);
    this.out.line(this.prefix(event.serviceName, event.id) + this.out.paint('red', 'deleted from the cluster'));
  }

  private prefix(service: string, id: string): string {
    return `${this.out.paint('bold', service.padEnd(this.width))}  ${this.out.paint('dim', id)}  `;
  }

  private show(record: DeploymentRecord): void {
    const json = JSON.stringify(record);
    if (this.lastJson.get(record.id) === json) return;
    this.lastJson.set(record.id, json);
    this.out.event({ type: 'deployment.updated', deployment: record });
    const lines = describeChange(this.last.get(record.id), record);
    this.last.set(record.id, record);
    if (this.live) return this.live.set(record);
    for (const text of lines) {
      const color = text.startsWith('failed') ? 'red' : text.startsWith('succeeded') ? 'green' : 'cyan';
      this.out.line(this.prefix(record.serviceName, record.id) + this.out.paint(color, text));
    }
  }

  /** Prints the summary; exit 0 if every deployment succeeded, 1 otherwise. */
  finish(result: WatchResult, extra: Record<string, unknown> = {}): number {
    this.live?.stop();
    const finals = [...result.entries()];
    const succeeded = finals.filter(([, r]) => r?.status === 'succeeded').map(([id]) => id);
    const failed = finals.filter(([, r]) => r?.status !== 'succeeded').map(([id]) => id);
    const ok = failed.length === 0;
    this.out.event({
      type: `${this.kind}.finished`,
      ok,
      succeeded,
      failed,
      deployments: finals.map(([, r]) => r).filter((r) => r !== null),
      ...extra,
    });
    const summary = `${succeeded.length} succeeded, ${failed.length} failed`;
    this.out.line(ok ? this.out.paint('green', summary) : this.out.paint('red', summary));
    return ok ? 0 : 1;
  }
}
