// `compartment status`: a table of deployments (current and in-flight, or all with --all); --json the records.
import { checkName, envOf, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { statusTable } from '../output/deployment-text.js';
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
    // The table needs a few fields of each record; --json prints whole records. History stays whole (it may be chunked).
    ...(!flags.json && !flags.all ? { rows: true } : {}),
  });
  const reply = await withClient(flags, (client) => client.request('status', request));
  out.event(reply.deployments);
  const shown = reply.rows ?? reply.deployments;
  out.line(shown.length === 0 ? 'no deployments' : statusTable(shown));
  return 0;
}
