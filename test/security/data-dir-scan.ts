// What a workload might go for on its node: every file and dir of the data dir, and every TCP port Caddy listens on.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file and dir below `root` (the test runs as root and sees all), minus those under `except`. */
export function walk(root: string, except: string): { files: string[]; dirs: string[]; sockets: string[] } {
  const out = { files: [] as string[], dirs: [root], sockets: [] as string[] };
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (path === except || path.startsWith(`${except}/`)) continue;
      if (e.isDirectory()) {
        out.dirs.push(path);
        visit(path);
      } else if (e.isSocket()) out.sockets.push(path);
      else if (e.isFile()) out.files.push(path);
    }
  };
  visit(root);
  return out;
}

/** TCP ports a process listens on, from `ss` (iproute2). */
export function listeningPorts(pid: number): number[] {
  const text = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return [
    ...new Set(
      text
        .split('\n')
        .filter((l) => l.includes(`pid=${pid},`))
        .map((l) => Number(/:(\d+)\s/.exec(l.split(/\s+/)[3] + ' ')?.[1])),
    ),
  ].filter((p) => Number.isInteger(p) && p > 0);
}
