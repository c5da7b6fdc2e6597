// After a deployment becomes active: remove releases nothing can roll back to, and history beyond the kept count.
import type { DeploymentRecord, Runtime } from '../../packages/protocol/index.js';
import type { AgentContext } from './agent-context.js';
import type { WorkloadRuntime } from './runtime/workload-runtime.js';
import type { Logger } from './agent-logger.js';
import { releasesToKeep, recordsToPrune } from './planning/retention.plan.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'deployments' | 'records' | 'settings'>;

export class Housekeeper {
  private readonly done = new Set<string>();

  constructor(
    private readonly ctx: AgentPorts,
    private readonly runtimes: Map<Runtime, WorkloadRuntime>,
    private readonly keepRecords: number,
    private readonly log: Logger,
  ) {}

  /** Called with every record this node writes; acts once per deployment that became active. */
  changed(record: DeploymentRecord): void {
    if (!(record.isActive && record.status === 'succeeded') || this.done.has(record.id)) return;
    this.done.add(record.id);
    void this.run(record.environmentName, record.serviceName).catch((e) =>
      this.log.warn(`housekeeping of ${record.serviceName} failed`, e),
    );
  }

  /** Removes this node's releases of a service that nothing can roll back to (the same rule on every node). */
  async pruneReleases(env: string, service: string): Promise<Set<string>> {
    const kept = releasesToKeep(this.ctx.records({ env, service }), this.ctx.settings.keepReleases);
    for (const rt of this.runtimes.values()) await rt.prune(env, service, [...kept]);
    return kept;
  }

  async run(env: string, service: string): Promise<void> {
    const records = this.ctx.records({ env, service });
    const kept = await this.pruneReleases(env, service);
    for (const r of recordsToPrune(records, kept, this.keepRecords)) {
      const stored = await this.ctx.deployments.get(r.id);
      if (stored) await this.ctx.deployments.remove(stored.value, stored.revision);
    }
  }
}
