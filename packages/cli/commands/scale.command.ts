// `compartment scale --service S N`: the active deployment of S runs N instances; new ones pass readiness first.
import { CompartmentError, MAX_INSTANCES } from '../../protocol/index.js';
import { checkName, envOf, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';

export interface ScaleFlags extends CommonFlags {
  service?: string;
}

export async function scaleCommand(count: string, flags: ScaleFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  if (flags.service === undefined)
    throw new CompartmentError('INVALID_ARGUMENT', '--service is required: which service to scale', '--service');
  const instances = /^\d+$/.test(count) ? Number(count) : NaN;
  if (!Number.isInteger(instances) || instances < 1 || instances > MAX_INSTANCES) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `the instance count must be a whole number from 1 to ${MAX_INSTANCES}, not "${count}"`,
      'instances',
    );
  }
  const request = validateRequest('scale', {
    environment: envOf(flags),
    service: checkName(flags.service, '--service'),
    instances,
  });
  return withClient(flags, async (client) => {
    const reply = await client.request('scale', request, 30_000);
    out.event({ type: 'scale.accepted', deployment: reply.deployment, from: reply.from, instances });
    out.line(
      `${reply.deployment.serviceName}: ${reply.from} → ${instances} instance(s) on ${reply.deployment.id}; new ones get traffic once ready, removed ones leave the route first (see \`compartment status\`)`,
    );
    return 0;
  });
}
