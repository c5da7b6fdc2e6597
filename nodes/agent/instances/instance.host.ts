// Serves this node's instances (by slot) of deployments others own, or extra ones of its own: build once, start, stop, status.
import { CompartmentError, type Runtime } from '../../../packages/protocol/index.js';
import type { InstanceReply, InstanceRequest } from '../../../cluster/rpc/index.js';
import { KeyLock } from '../../../packages/key-lock/index.js';
import type { DeploymentStore } from '../../../cluster/deployments/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';
import { storedContext } from '../stored-context.js';
import { withBuildTimeout } from '../effects/build-deadline.js';
import type { WorkloadRuntime } from '../runtime/workload-runtime.js';

export class InstanceHost {
  /** Releases built here since this agent started: a start after that only starts (or adopts). */
  private readonly built = new Set<string>();
  /** One operation per instance at a time (a supervising start must not race a stop); one build per deployment. */
  private readonly lock = new KeyLock();

  constructor(
    private readonly nodeId: string,
    private readonly store: DeploymentStore,
    private readonly runtime: (kind: Runtime) => WorkloadRuntime,
    /** After a release was built here: older releases of the service this node holds for others may go. */
    private readonly onBuilt: (spec: DeploymentSpec) => void = () => undefined,
  ) {}

  handle(req: InstanceRequest): Promise<InstanceReply> {
    // Absent slot: an owner from before slots, whose instance here ran as slot 0; `stop` then stops every one.
    const slot = req.slot ?? 0;
    return this.lock.run(`${req.id}/${req.slot ?? '*'}`, async () => {
      const context = await storedContext(this.store, req.id);
      if (!context) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${req.id}`);
      const spec = context.spec;
      if (spec.nodeId === this.nodeId && slot === 0)
        throw new CompartmentError(
          'CONFLICT',
          `${req.id} is owned by this node; its own instance (slot 0) is not run through node.instance`,
        );
      const rt = this.runtime(spec.runtime);
      if (req.op === 'stop') {
        await rt.stop(spec, spec.service.stop.graceMs, req.slot);
        if (req.slot === undefined) this.built.delete(spec.id);
        return { workload: null, running: false };
      }
      if (req.op === 'status') return { workload: null, running: await this.running(rt, spec, slot) };
      await this.lock.run(`${req.id}/build`, async () => {
        if (this.built.has(spec.id) || spec.nodeId === this.nodeId) return;
        await withBuildTimeout(spec, new AbortController().signal, (signal) => rt.build(spec, signal));
        this.built.add(spec.id);
        this.onBuilt(spec);
      });
      const workload = await rt.start(spec, req.port ?? null, slot);
      return { workload: slot > 0 ? { ...workload, slot } : workload, running: true };
    });
  }

  private async running(rt: WorkloadRuntime, spec: DeploymentSpec, slot: number): Promise<boolean> {
    return (await rt.list()).some((w) => w.deploymentId === spec.id && (w.slot ?? 0) === slot && w.running);
  }
}
