// A Node base image built FROM scratch out of this machine's own node binary and its libraries (no registry is reachable).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runOk, runTimed } from '../harness/index.js';

export const BASE_IMAGE = `compartment-bench-node:${process.version}`;

/** The shared libraries `ldd` says the node binary loads (absolute paths). */
async function librariesOf(binary: string): Promise<string[]> {
  const out = (await runOk('ldd', [binary])).stdout;
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1]!);
}

/** Builds the image once; later runs find it and return at once. */
export async function ensureBaseImage(): Promise<string> {
  if ((await runTimed('docker', ['image', 'inspect', BASE_IMAGE])).code === 0) return BASE_IMAGE;
  const context = mkdtempSync(join(tmpdir(), 'compartment-bench-image-'));
  try {
    const files = [process.execPath, ...(await librariesOf(process.execPath))];
    for (const file of files) {
      const target = file === process.execPath ? '/usr/local/bin/node' : file;
      mkdirSync(join(context, 'root', dirname(target)), { recursive: true });
      copyFileSync(file, join(context, 'root', target));
    }
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY root/ /\nENV PATH=/usr/local/bin\n');
    await runOk('docker', ['build', '-q', '-t', BASE_IMAGE, context], { timeoutMs: 300_000 });
    return BASE_IMAGE;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Removes the containers and images a Compartment node made (they carry its node id as a label). */
export async function removeNodeObjects(nodeId: string): Promise<void> {
  const label = `label=io.compartment.node=${nodeId}`;
  const containers = (await runTimed('docker', ['ps', '-aq', '--filter', label])).stdout.split('\n').filter(Boolean);
  if (containers.length) await runTimed('docker', ['rm', '-f', ...containers]);
  const images = (await runTimed('docker', ['images', '-q', '--filter', label])).stdout.split('\n').filter(Boolean);
  if (images.length) await runTimed('docker', ['rmi', '-f', ...new Set(images)]);
}
