// Which variables a workload gets: the environment's (file, then cluster), overridden by the service's own.
import { createHmac } from 'node:crypto';
import type { ServiceConfig } from '../../../packages/protocol/index.js';

export function mergeVariables(
  fileEnv: Record<string, string>,
  clusterEnv: Record<string, string>,
  service: Record<string, string>,
): Record<string, string> {
  return { ...fileEnv, ...clusterEnv, ...service };
}

/**
 * What a deployment record may hold: non-secret values inline, secrets only by name (resolved when the workload starts).
 * A cluster secret overridden by the service's own variable of the same name is the service's value, so inline.
 */
export function splitSecrets(
  merged: Record<string, string>,
  clusterSecrets: ReadonlySet<string>,
  service: Record<string, string>,
): { variables: Record<string, string>; secretRefs: string[] } {
  const isRef = (name: string) => clusterSecrets.has(name) && !(name in service);
  return {
    variables: Object.fromEntries(Object.entries(merged).filter(([name]) => !isRef(name))),
    secretRefs: Object.keys(merged).filter(isRef).sort(),
  };
}

/**
 * Equal fingerprints mean nothing that affects the running service changed: source, config or variables (secret values
 * included, so changing a secret redeploys). An HMAC under a key derived from the cluster key, not a bare hash: status and
 * inspect show it, and a bare hash of a weak secret could be guessed offline.
 */
export function fingerprintOf(
  sourceDigest: string,
  config: ServiceConfig,
  variables: Record<string, string>,
  key: Buffer,
): string {
  const sorted = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = JSON.stringify({ sourceDigest, config: canonicalize(config), variables: sorted });
  return `hmac-sha256-${createHmac('sha256', key).update(canonical).digest('hex')}`;
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonicalize(v)]),
    );
  }
  return value;
}
