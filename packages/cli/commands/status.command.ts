// `compartment status`: a table of deployments (current and in-flight, or all with --all); --json the records.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../protocol/index.js';
import { checkName, envOf, sinceToIso, type CommonFlags } from '../cli-options.js';
import { validateRequest, type ApiClient } from '../client/api.client.js';
import { statusTable } from '../output/deployment-text.js';
import { domainsTable } from '../output/domain-text.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';

export interface StatusFlags extends CommonFlags {
  service?: string;
  all?: boolean;
  since?: string;
  until?: string;
}

/** `--since`/`--until`: a duration back from now (10m, 2h, 1d) or an ISO time. */
function timeFlag(value: string | undefined, flag: '--since' | '--until'): number | null {
  if (value === undefined) return null;
  try {
    return Date.parse(sinceToIso(value));
  } catch {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `${flag} ${JSON.stringify(value)}: expected a duration like 10m, 2h, 1d or an ISO time`,
      flag,
    );
  }
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
  const since = timeFlag(flags.since, '--since');
  const until = timeFlag(flags.until, '--until');
  const reply = await withClient(flags, async (client) => {
    const status = await statusOf(client, request);
    // The table only: --json stays the array of records. A cluster without the verb (older agents) shows no domains.
    const domains = flags.json
      ? null
      : await client
          .request('domains', { environment: request.environment, service: request.service })
          .catch(() => null);
    return { ...status, domains: domains?.domains ?? [] };
  });
  // Created in [since, until]: the history of a time span (with --all), e.g. what was deployed last night.
  const within = (d: { createdAt: string }) => {
    const t = Date.parse(d.createdAt);
    return (since === null || t >= since) && (until === null || t <= until);
  };
  out.event(reply.deployments.filter(within));
  const shown = (reply.rows ?? reply.deployments).filter(within);
  out.line(shown.length === 0 ? 'no deployments' : statusTable(shown, { audit: Boolean(flags.all) }));
  if (reply.domains.length > 0) out.line(`\n${domainsTable(reply.domains)}`);
  return 0;
}

/** Rows come in one message; an environment too large for that is asked again as whole records (chunked). */
async function statusOf(client: ApiClient, request: ApiRequestParsed<'status'>): Promise<ApiReply<'status'>> {
  try {
    return await client.request('status', request);
  } catch (error) {
    if (!(request.rows && error instanceof CompartmentError && error.code === 'TOO_LARGE')) throw error;
    const { rows: _rows, ...whole } = request;
    return client.request('status', whole);
  }
}
