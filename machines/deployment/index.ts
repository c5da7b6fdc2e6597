// Public face of the deployment statechart: the machine, its effect contracts (types) and the record projection.
export { deploymentMachine, type DeploymentMachine } from './deployment.machine.js';
export { timeOf, errorText } from './deployment.setup.js';
export { deploymentChart } from './deployment.chart.js';
export { toRecord, regionPaths, statePath, type SnapshotLike } from './deployment.record.js';
export {
  tagsAt,
  isInFlight,
  isPreSwitch,
  isSwitching,
  isHandover,
  isServing,
  canSleep,
  isDormant,
  isKept,
} from './deployment.tags.js';
export type * from './deployment.types.js';
export { instancesOf, wantedInstances } from './deployment.types.js';
export { DEPLOYMENT_MACHINE_VERSION, RESTORABLE_MACHINE_VERSIONS } from './deployment.version.js';
export { readStoredDeployment, type StoredSnapshot, type StoredSnapshotRead } from './deployment.stored.js';
