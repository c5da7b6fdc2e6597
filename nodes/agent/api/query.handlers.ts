// Read-only verbs: `status` (current deployments, or history with `all`) and `inspect` (one deployment, everything).
import {
  CompartmentError,
  statusRowOf,
  type ApiReply,
  type ApiRequestParsed,
  type DeploymentRecord,
} from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';
import { isInFlight } from '../../../machines/deployment/index.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'deployments' | 'recordOf' | 'records'>;

const newestFirst = (a: DeploymentRecord, b: DeploymentRecord) => b.createdAt.localeCompare(a.createdAt);

/** Without history: per service, what serves and what is on its way; if nothing serves, its latest attempt. */
function current(records: DeploymentRecord[]): DeploymentRecord[] {
  const byService = new Map<string, DeploymentRecord[]>();
  for (const r of records) {
    const key = `${r.environmentName}/${r.serviceName}`;
    const list = byService.get(key);
    if (list) list.push(r);
    else byService.set(key, [r]);
  }
  const out: DeploymentRecord[] = [];
  for (const list of byService.values()) {
    const shown = list.filter((r) => r.isActive || isInFlight(r));
    out.push(...(shown.length > 0 ? shown : [list.sort(newestFirst)[0]!]));
  }
  return out;
}

export function status(ctx: AgentPorts, req: ApiRequestParsed<'status'>): ApiReply<'status'> {
  const filter = {
    ...(req.environment ? { env: req.environment } : {}),
    ...(req.service ? { service: req.service } : {}),
  };
  const records = ctx.records(filter);
  if (req.service && records.length === 0 && ctx.records({ service: req.service }).length === 0) {
    throw new CompartmentError('SERVICE_NOT_FOUND', `no deployments of service ${req.service}`, 'service');
  }
  const shown = req.all ? records : current(records);
  shown.sort(
    (a, b) =>
      a.environmentName.localeCompare(b.environmentName) ||
      a.serviceName.localeCompare(b.serviceName) ||
      newestFirst(a, b),
  );
  return req.rows ? { deployments: [], rows: shown.map(statusRowOf) } : { deployments: shown };
}

export async function inspect(ctx: AgentPorts, req: ApiRequestParsed<'inspect'>): Promise<ApiReply<'inspect'>> {
  const record = ctx.recordOf(req.id) ?? (await ctx.deployments.get(req.id))?.value.record ?? null;
  if (!record) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${req.id}`, 'id');
  return { deployment: record };
}
