// Which variables a workload gets: the environment's (file, then cluster), overridden by the service's own.
import { createHash } from 'node:crypto';
import type { ServiceConfig } from '../../../packages/protocol/index.js';

export function mergeVariables(fileEnv: Record<string, string>, clusterEnv: Record<string, string>, service: Record<string, string>): Record<string, string> {
  return { ...fileEnv, ...clusterEnv, ...service };
}

/** Equal fingerprints mean nothing that affects the running service changed: source, config or variables. */
export function fingerprintOf(sourceDigest: string, config: ServiceConfig, variables: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = JSON.stringify({ sourceDigest, config: canonicalize(config), variables: sorted });
  return `sha256-${createHash('sha256').update(canonical).digest('hex')}`;
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonicalize(v)]));
  }
  return value;
}
