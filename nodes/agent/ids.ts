// Deployment ids: short, lowercase, sortable by creation time, safe as NATS subject tokens and KV keys.
import { randomBytes } from 'node:crypto';

export function newDeploymentId(now = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const rand = BigInt(`0x${randomBytes(5).toString('hex')}`)
    .toString(36)
    .padStart(8, '0')
    .slice(-5);
  return `${time}${rand}`;
}
