// Failure messages: what a user reads in failureMessage, built from the event that ended the promotion.
import type { Stage } from '../../packages/protocol/index.js';
import type { DeploymentContext } from './deployment.types.js';
import { errorText } from './deployment.setup.js';

type AnyEvent = { type: string } & Record<string, unknown>;

export function supersededMessage(event: AnyEvent): string {
  return `superseded by ${String(event.by)}`;
}

export function nodeLostMessage(event: AnyEvent, stage: Stage): string {
  const verb = event.reason === 'stopped' ? 'stopped' : 'lost';
  return `node ${String(event.nodeId)} ${verb} during ${stage}`;
}

export function exitedMessage(event: AnyEvent, stage: Stage): string {
  const how = event.signal
    ? `was killed by ${String(event.signal)}`
    : `exited with code ${event.code === null ? 'unknown' : String(event.code)}`;
  const tail = typeof event.lastError === 'string' && event.lastError ? `: ${event.lastError}` : '';
  return `candidate ${how} during ${stage}${tail}`;
}

export function timedOutMessage(event: AnyEvent, context: DeploymentContext): string {
  const { attempts, recent } = context.readiness;
  const last = recent[recent.length - 1];
  const lastText = last ? `; last: ${last.detail}` : '';
  // The probe's own timeout names its timeoutMs; the machine's deadline event does not, the spec does.
  const timeoutMs = event.timeoutMs ?? context.spec.service.readiness?.timeoutMs;
  return `readiness check timed out after ${String(timeoutMs)} ms (${attempts} attempt${attempts === 1 ? '' : 's'}${lastText})`;
}

export function effectFailedMessage(what: string, event: AnyEvent): string {
  return `${what}: ${errorText(event.error)}`;
}

export { deadlineOf } from './deployment.deadline.js';
