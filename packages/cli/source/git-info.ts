// The git commit a service's directory is at, and whether it has uncommitted changes: recorded with each deployment.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MAX_AUDIT_LABEL_CHARS, type GitSource, type Requester } from '../../protocol/index.js';

const run = promisify(execFile);
/** git answers a local question in milliseconds; one that hangs (a network filesystem) must not hold a deploy. */
const GIT_TIMEOUT_MS = 5_000;

/** Null when the directory is not in a git work tree, or git is not installed. */
export async function gitSourceOf(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<GitSource | null> {
  // No .git above it (and no GIT_DIR saying where one is): not a work tree, and two git processes spared.
  if (!env.GIT_DIR && !hasGitAbove(resolve(dir))) return null;
  const git = (...args: string[]) =>
    run('git', ['-C', dir, ...args], { env, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  // Both at once: neither needs the other's answer.
  const [head, changes] = await Promise.allSettled([
    git('rev-parse', '--verify', 'HEAD'),
    // Only this service's directory counts: a change elsewhere in the repository is not in what was deployed.
    git('status', '--porcelain', '--untracked-files=normal', '--', '.'),
  ]);
  if (head.status === 'rejected' || changes.status === 'rejected') return null;
  return { commit: head.value.stdout.trim(), dirty: changes.value.stdout.trim() !== '' };
}

/** A `.git` directory (or, in a linked work tree or submodule, file) in `dir` or any directory above it. */
function hasGitAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
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
