// Workload output and platform events of a deployment go to the log stream, tagged with the deployment they belong to.
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import type { DeploymentSpec } from '../../machines/deployment/index.js';
import type { LogMeta, LogPublisher } from '../../cluster/logs/index.js';
import type { OutputSink } from './runtime/workload-runtime.js';

export function metaOf(d: DeploymentSpec | DeploymentRecord): LogMeta {
  return {
    deploymentId: d.id,
    serviceName: d.serviceName,
    environmentName: d.environmentName,
    nodeId: d.nodeId,
  };
}

export function outputSink(publisher: LogPublisher, warn: (m: string, e?: unknown) => void): OutputSink {
  return {
    output: (spec, stream, lines) => publisher.write(metaOf(spec), stream, lines),
    event: (spec, text) =>
      void publisher.event(metaOf(spec), text).catch((e) => warn('could not publish a platform event', e)),
  };
}
