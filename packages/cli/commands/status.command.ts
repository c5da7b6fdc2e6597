// `compartment status`: a table of deployments (current and in-flight, or all with --all); --json the records.
import { checkName, envOf, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { statusTable } from '../output/deployment-text.js';
import { domainsTable } from '../output/domain-text.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';

export interface StatusFlags extends CommonFlags {
  service?: string;
  all?: boolean;
}

export async function statusCommand(flags: StatusFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  // The spec: plain `compartment status` shows production.
  const request = validateRequest('status', {
    environment: envOf(flags),
    service: flags.service === undefined ? undefined : checkName(flags.service, '--service'),
    all: Boolean(flags.all),
  });
  const reply = await withClient(flags, async (client) => {
    const status = await client.request('status', request);
    // The table only: --json stays the array of records. A cluster without the verb (older agents) shows no domains.
    const domains = flags.json ? null : await client.request('domains', { environment: request.environment, service: request.service }).catch(() => null);
    return { ...status, domains: domains?.domains ?? [] };
  });
  out.event(reply.deployments);
  out.line(reply.deployments.length === 0 ? 'no deployments' : statusTable(reply.deployments));
  if (reply.domains.length > 0) out.line(`\n${domainsTable(reply.domains)}`);
  return 0;
}
