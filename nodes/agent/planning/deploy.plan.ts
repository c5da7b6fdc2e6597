// Pure planning of a deploy: which services are affected, and which in-flight deployments the new ones supersede.
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { isInFlight, isPreSwitch } from '../../../machines/deployment/index.js';

export interface DesiredService {
  serviceName: string;
  fingerprint: string;
}

export interface DeployPlan {
  create: Array<{ serviceName: string; supersedes: string[] }>;
  unchanged: Array<{ serviceName: string; deploymentId: string }>;
}

/** In flight and not yet switching: a newer deployment of the service makes it pointless. */
export function isSupersedable(r: DeploymentRecord): boolean {
  return isInFlight(r) && isPreSwitch(r);
}

/** What the service runs or is about to run: the newest in-flight deployment, else the active one. */
export function currentOf(records: DeploymentRecord[]): DeploymentRecord | null {
  const newestFirst = [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return newestFirst.find(isInFlight) ?? newestFirst.find((r) => r.isActive) ?? null;
}

/** `existing` are the records of the target environment. */
export function planDeploy(desired: DesiredService[], existing: DeploymentRecord[], force: boolean): DeployPlan {
  const plan: DeployPlan = { create: [], unchanged: [] };
  for (const service of desired) {
    const records = existing.filter((r) => r.serviceName === service.serviceName);
    const current = currentOf(records);
    if (!force && current && current.fingerprint === service.fingerprint) {
      plan.unchanged.push({ serviceName: service.serviceName, deploymentId: current.id });
      continue;
    }
    plan.create.push({ serviceName: service.serviceName, supersedes: records.filter(isSupersedable).map((r) => r.id) });
  }
  return plan;
}
