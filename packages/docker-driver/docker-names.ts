// Names and labels of Compartment's images and containers: what ties each to a node, environment, service and deployment.
import { DEPLOYMENT_ID_PATTERN } from '../protocol/index.js';

export interface DockerKey {
  env: string;
  service: string;
  deploymentId: string;
  /** The node of an instance run for a deployment another node owns: part of its container's name, not of its labels. */
  instance?: string;
  /**
   * Which of the deployment's containers on this node (instances beyond the nodes share one): part of the name and
   * labels when above 0. `stop` given a slot (0 too) stops that container only; without one, all of the deployment's.
   */
  slot?: number;
}

export const LABELS = {
  node: 'io.compartment.node',
  env: 'io.compartment.environment',
  service: 'io.compartment.service',
  deployment: 'io.compartment.deployment',
  slot: 'io.compartment.slot',
} as const;

/** A repository path component must end in a letter or digit; our names may end in "-". The tag keeps them apart. */
const component = (name: string) => name.replace(/-+$/, '');

/** `compartment/<env>/<service>`: one repository per service and environment, so `docker images` reads naturally. */
export function imageRepository(key: Pick<DockerKey, 'env' | 'service'>): string {
  return `compartment/${component(key.env)}/${component(key.service)}`;
}

/** One image per deployment: the tag is the deployment id. */
export function imageTag(key: DockerKey): string {
  return `${imageRepository(key)}:${key.deploymentId}`;
}

/** Unique on the engine (deployment ids are), readable in `docker ps`. */
export function containerName(key: DockerKey): string {
  const slot = key.slot ? `-s${key.slot}` : '';
  return `compartment-${key.env}-${key.service}-${key.deploymentId}${key.instance ? `-${key.instance}` : ''}${slot}`;
}

/** One container's output stream (log follower, cursor file, lock): the deployment's, or per slot above 0. */
export function streamOf(key: DockerKey): string {
  return key.slot ? `${key.deploymentId}-s${key.slot}` : key.deploymentId;
}

export function labelsOf(nodeId: string, key: DockerKey): Record<string, string> {
  return {
    [LABELS.node]: nodeId,
    [LABELS.env]: key.env,
    [LABELS.service]: key.service,
    [LABELS.deployment]: key.deploymentId,
    ...(key.slot ? { [LABELS.slot]: String(key.slot) } : {}),
  };
}

/**
 * Docker `label` filters for this node's objects, narrowed by what is given. The node label matters: other
 * Compartment nodes (other projects on this machine) share the engine, and their containers are not ours.
 */
export function labelFilter(nodeId: string, key: Partial<DockerKey> = {}): string[] {
  const out = [`${LABELS.node}=${nodeId}`];
  if (key.env !== undefined) out.push(`${LABELS.env}=${key.env}`);
  if (key.service !== undefined) out.push(`${LABELS.service}=${key.service}`);
  if (key.deploymentId !== undefined) out.push(`${LABELS.deployment}=${key.deploymentId}`);
  return out;
}

/** The key an object's labels name, or null when they are not (all) Compartment's. */
export function keyOfLabels(labels: Record<string, string> | null | undefined): DockerKey | null {
  const env = labels?.[LABELS.env];
  const service = labels?.[LABELS.service];
  const deploymentId = labels?.[LABELS.deployment];
  if (!env || !service || !deploymentId || !DEPLOYMENT_ID_PATTERN.test(deploymentId)) return null;
  const slot = Number(labels?.[LABELS.slot] ?? 0);
  return Number.isInteger(slot) && slot > 0 ? { env, service, deploymentId, slot } : { env, service, deploymentId };
}
