// Every scenario, in the order `npm run bench` runs them, and the shapes of the data each one stores.
import type { Scenario } from './scenario.js';
import { replacementsScenario } from './replacements.scenario.js';
import { deployOverheadScenario } from './deploy-overhead.scenario.js';
import { controlPlaneScenario } from './control-plane.scenario.js';
import { actorDensityScenario } from './actor-density.scenario.js';
import { logIngestScenario } from './log-ingest.scenario.js';
import { dockerReplacementsScenario } from './docker-replacements.scenario.js';
import { nodeFailoverScenario } from './node-failover.scenario.js';
import { edgeRestartScenario } from './edge-restart.scenario.js';
import { instancesScenario } from './instances.scenario.js';
import { scalingScenario } from './scaling.scenario.js';
import { revertScenario } from './revert.scenario.js';

export type { Scenario, ScenarioContext, ScenarioResult } from './scenario.js';
export type { ContenderReport, OpReport, KindReport } from './replace-run.js';
export type { ReplacementsData } from './replacements.scenario.js';
export type { OverheadData } from './deploy-overhead.scenario.js';
export type { ControlPlaneData } from './control-plane.scenario.js';
export type { DensityData } from './actor-density.scenario.js';
export type { LogIngestData } from './log-ingest.scenario.js';
export type { DockerData } from './docker-replacements.scenario.js';
export type { FailoverData } from './node-failover.scenario.js';
export type { EdgeRestartData } from './edge-restart.scenario.js';
export type { InstancesData } from './instances.scenario.js';
export type { ScalingData } from './scaling.scenario.js';
export type { RevertData } from './revert.scenario.js';

export const SCENARIOS: Scenario[] = [
  replacementsScenario,
  deployOverheadScenario,
  controlPlaneScenario,
  actorDensityScenario,
  logIngestScenario,
  dockerReplacementsScenario,
  nodeFailoverScenario,
  edgeRestartScenario,
  instancesScenario,
  scalingScenario,
  revertScenario,
] as Scenario[];
