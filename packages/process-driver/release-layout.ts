// Where a release's files live under the data dir, and the name checks that keep keys from escaping it.
import { join } from 'node:path';
import { CompartmentError, NAME_PATTERN, DEPLOYMENT_ID_PATTERN } from '../protocol/index.js';

/** One deployment of one service in one environment: the driver's unit of identity. */
export interface WorkloadKey {
  env: string;
  service: string;
  deploymentId: string;
  /** Which of the release's workloads on this node (absent: 0). Slots share the release and its build. */
  slot?: number;
}

/** Slots beyond 0 keep their workload files in `slot-<n>/` of the release dir; slot 0 keeps them in the dir itself. */
export const SLOT_DIR = /^slot-([1-9][0-9]{0,2})$/;
const MAX_SLOT = 999;

/**
 * The extracted source goes to `app/` (the cwd of build and start) so that nothing a user ships can
 * collide with the driver's own files beside it.
 */
export interface ReleasePaths {
  dir: string;
  app: string;
  /** Where this slot's workload files (record, logs, exit status, wrapper pid) live: `dir` for slot 0. */
  workload: string;
  record: string;
  stdout: string;
  stderr: string;
  exitStatus: string;
  wrapperPid: string;
  buildOk: string;
  buildProcess: string;
  /** Written when the release command exited 0: an agent restarted while building does not run it twice. */
  releaseOk: string;
}

export const releasesRoot = (dataDir: string) => join(dataDir, 'releases');

export function serviceDir(dataDir: string, env: string, service: string): string {
  checkName('env', env);
  checkName('service', service);
  return join(releasesRoot(dataDir), env, service);
}

export function releasePaths(dataDir: string, key: WorkloadKey): ReleasePaths {
  checkKey(key);
  const dir = join(serviceDir(dataDir, key.env, key.service), key.deploymentId);
  const workload = key.slot ? join(dir, `slot-${key.slot}`) : dir;
  return {
    dir,
    app: join(dir, 'app'),
    workload,
    record: join(workload, 'workload.json'),
    stdout: join(workload, 'stdout.log'),
    stderr: join(workload, 'stderr.log'),
    exitStatus: join(workload, 'exit-status'),
    wrapperPid: join(workload, 'wrapper.pid'),
    buildOk: join(dir, 'build.ok'),
    buildProcess: join(dir, 'build.json'),
    releaseOk: join(dir, 'release.ok'),
  };
}

export function checkKey(key: WorkloadKey): void {
  checkName('env', key.env);
  checkName('service', key.service);
  if (!DEPLOYMENT_ID_PATTERN.test(key.deploymentId)) {
    throw new CompartmentError('INVALID_ARGUMENT', `"${key.deploymentId}" is not a deployment id`, 'deploymentId');
  }
  if (key.slot !== undefined && !(Number.isInteger(key.slot) && key.slot >= 0 && key.slot <= MAX_SLOT))
    throw new CompartmentError('INVALID_ARGUMENT', `"${key.slot}" is not an instance slot`, 'slot');
}

function checkName(field: string, value: string): void {
  if (!NAME_PATTERN.test(value))
    throw new CompartmentError('INVALID_ARGUMENT', `"${value}" is not a valid ${field} name`, field);
}

export const keyText = (key: WorkloadKey) =>
  `${key.env}/${key.service}/${key.deploymentId}${key.slot ? `/slot-${key.slot}` : ''}`;
