// The unprivileged user process workloads and builds run as (agent as root), and the minimal environment they start from.
import { readFileSync } from 'node:fs';
import { CompartmentError } from '../protocol/index.js';

export interface WorkloadUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export const DEFAULT_WORKLOAD_USER = 'compartment-run';

/** The passwd entry of `name` (or a numeric uid), or null when there is none. */
export function lookupUser(name: string, passwd = '/etc/passwd'): WorkloadUser | null {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid, , home] = line.split(':');
    if (user === undefined || uid === undefined || gid === undefined) continue;
    if (user === name || uid === name) return { name: user, uid: Number(uid), gid: Number(gid), home: home || '/' };
  }
  return null;
}

/**
 * Whom workloads run as: as root, `wanted` (default compartment-run), which must exist and must not be root; otherwise
 * null (the agent's own user: isolation is then by file modes and the scrubbed environment only).
 */
export function resolveWorkloadUser(
  wanted: string | undefined,
  isRoot = process.getuid?.() === 0,
): WorkloadUser | null {
  if (!isRoot) return null;
  const name = wanted || DEFAULT_WORKLOAD_USER;
  const user = lookupUser(name);
  if (user === null) {
    throw new CompartmentError(
      'START_FAILED',
      `workload user "${name}" does not exist: run scripts/setup as root (it creates it) or pass --workload-user`,
    );
  }
  if (user.uid === 0)
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `workload user "${name}" is root: workloads must not run as root`,
      'workloadUser',
    );
  return user;
}

/** The only variables of the agent's own environment a workload or build sees (never COMPARTMENT_*, NATS_*, credentials). */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'TZ'] as const;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment every build and workload starts from; the deployment's variables and PORT go on top. */
export function baseWorkloadEnv(
  user: WorkloadUser | null,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const k of KEPT) if (from[k] !== undefined) env[k] = from[k]!;
  const home = user?.home ?? from.HOME;
  const name = user?.name ?? from.USER ?? from.LOGNAME;
  if (home !== undefined) env.HOME = home;
  if (name !== undefined) Object.assign(env, { USER: name, LOGNAME: name });
  return env;
}

/** `setpriv` arguments that drop to `user` before exec'ing the rest (the wrapper stays ours, the app does not). */
export const dropTo = (user: WorkloadUser): string =>
  `setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups --no-new-privs --`;
