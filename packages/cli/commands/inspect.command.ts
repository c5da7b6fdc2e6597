// `compartment inspect ID`: every field of one deployment, its stage timeline and readiness attempts.
import { checkDeploymentId, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { inspectText } from '../output/deployment-text.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';

export async function inspectCommand(id: string, flags: CommonFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const request = validateRequest('inspect', { id: checkDeploymentId(id, 'ID') });
  const reply = await withClient(flags, (client) => client.request('inspect', request));
  out.event(reply.deployment);
  out.line(inspectText(reply.deployment));
  return 0;
}
