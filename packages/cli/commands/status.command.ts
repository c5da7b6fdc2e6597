// `compartment status`: a table of deployments (current and in-flight, or all with --all); --json the records.
import { CompartmentError } from '../../protocol/index.js';
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
  const reply = await withClient(flags, async (client) => {
    try {
      return await client.request('status', request);
    } catch (error) {
      // Rows come in one message; an environment too large for that is asked again as whole records (chunked).
      if (!(request.rows && error instanceof CompartmentError && error.code === 'TOO_LARGE')) throw error;
      const { rows: _rows, ...whole } = request;
      return client.request('status', whole);
    }
  });
  out.event(reply.deployments);
  const shown = reply.rows ?? reply.deployments;
  out.line(shown.length === 0 ? 'no deployments' : statusTable(shown));
  return 0;
}
