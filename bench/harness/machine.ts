// The machine a run happened on, for BENCHMARKS.md: CPU, memory, kernel, load, and the versions of every tool compared.
import { cpus, loadavg, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';
import { runTimed } from './procs.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  loadAverage: number[];
  node: string;
  versions: Record<string, string>;
}

async function versionOf(command: string, args: string[]): Promise<string> {
  try {
    const r = await runTimed(command, args, { timeoutMs: 10_000 });
    return (r.stdout || r.stderr)
      .trim()
      .split('\n')[0]!
      .replace(/^[\w-]+:\s*/, '')
      .slice(0, 80);
  } catch {
    return 'not installed';
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'not installed';
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    versions: {
      caddy: await versionOf('caddy', ['version']),
      'nats-server': await versionOf('nats-server', ['--version']),
      docker: await versionOf('docker', ['version', '--format', '{{.Server.Version}}']),
      pm2: packageVersion('pm2'),
      autocannon: packageVersion('autocannon'),
      xstate: packageVersion('xstate'),
    },
  };
}
