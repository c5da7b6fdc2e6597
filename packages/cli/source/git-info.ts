// The git commit a service's directory is at, and whether it has uncommitted changes: recorded with each deployment.
import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';
import { MAX_AUDIT_LABEL_CHARS, type GitSource, type Requester } from '../../protocol/index.js';

const run = promisify(execFile);
/** git answers a local question in milliseconds; one that hangs (a network filesystem) must not hold a deploy. */
const GIT_TIMEOUT_MS = 5_000;

/** Null when the directory is not in a git work tree, or git is not installed. */
export async function gitSourceOf(dir: string): Promise<GitSource | null> {
  try {
    const git = (...args: string[]) =>
      run('git', ['-C', dir, ...args], { timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    const { stdout: head } = await git('rev-parse', '--verify', 'HEAD');
    // Only this service's directory counts: a change elsewhere in the repository is not in what was deployed.
    const { stdout: changes } = await git('status', '--porcelain', '--untracked-files=normal', '--', '.');
    return { commit: head.trim(), dirty: changes.trim() !== '' };
  } catch {
    return null;
  }
}

const label = (s: string) => (s.length > MAX_AUDIT_LABEL_CHARS ? s.slice(0, MAX_AUDIT_LABEL_CHARS) : s);

/** The OS user and host this CLI runs as, and its NATS client name. */
export function cliRequester(client: string): Requester {
  let user: string | undefined;
  try {
    user = userInfo().username || undefined;
  } catch {
    user = process.env.USER || undefined; // a uid without a passwd entry (some containers)
  }
  const host = hostname() || undefined;
  return { ...(user ? { user: label(user) } : {}), ...(host ? { host: label(host) } : {}), client };
}
