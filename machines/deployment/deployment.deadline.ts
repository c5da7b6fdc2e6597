// The readiness deadline: absolute and derived from context, so a restored actor keeps the original one.
import type { DeploymentContext } from './deployment.types.js';

/** `stageEnteredAt` is set when checking_readiness is entered (from that event's `at`) and not moved while in it. */
export function deadlineOf(context: DeploymentContext): string {
  const timeoutMs = context.spec.service.readiness?.timeoutMs ?? 0;
  return new Date(Date.parse(context.stageEnteredAt) + timeoutMs).toISOString();
}
