// Public face of the deployment store.
export { DeploymentStore, type DeploymentFilter } from './deployment.store.js';
export {
  StoredDeploymentSchema,
  deploymentKeyOf,
  type StoredDeployment,
  type Versioned,
  type DeploymentChange,
} from './stored-deployment.schema.js';
