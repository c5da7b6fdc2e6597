// The stored results, typed by scenario, for the report to read.
import { readResults, type MachineInfo } from '../harness/index.js';
import type {
  ScenarioResult,
  ReplacementsData,
  OverheadData,
  ControlPlaneData,
  DensityData,
  LogIngestData,
  DockerData,
  FailoverData,
  EdgeRestartData,
  InstancesData,
  ScalingData,
  RevertData,
} from '../scenarios/index.js';

export interface Results {
  machine: (MachineInfo & { ranAt: string; quick: boolean }) | undefined;
  replacements: ScenarioResult<ReplacementsData> | undefined;
  overhead: ScenarioResult<OverheadData> | undefined;
  controlPlane: ScenarioResult<ControlPlaneData> | undefined;
  density: ScenarioResult<DensityData> | undefined;
  logs: ScenarioResult<LogIngestData> | undefined;
  docker: ScenarioResult<DockerData> | undefined;
  failover: ScenarioResult<FailoverData> | undefined;
  edgeRestart: ScenarioResult<EdgeRestartData> | undefined;
  instances: ScenarioResult<InstancesData> | undefined;
  scaling: ScenarioResult<ScalingData> | undefined;
  revert: ScenarioResult<RevertData> | undefined;
}

export function loadResults(): Results {
  const all = readResults();
  const get = <T>(name: string) => all.get(name) as T | undefined;
  return {
    machine: get('machine'),
    replacements: get('replacements'),
    overhead: get('deploy-overhead'),
    controlPlane: get('control-plane'),
    density: get('actor-density'),
    logs: get('log-ingest'),
    docker: get('docker-replacements'),
    failover: get('node-failover'),
    edgeRestart: get('edge-restart'),
    instances: get('instances'),
    scaling: get('scaling'),
    revert: get('revert'),
  };
}

/** The data of a scenario that ran to the end, else undefined. */
export function dataOf<T>(r: ScenarioResult<T> | undefined): T | undefined {
  return r?.status === 'ok' && r.data ? r.data : undefined;
}
