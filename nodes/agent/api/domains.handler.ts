// `domains`: every held domain, its route, and the certificate each live edge holds for it (asked of the edges).
import { domainUrl, type ApiReply, type ApiRequestParsed, type DomainInfo } from '../../../packages/protocol/index.js';
import { edgeStates } from '../../../cluster/edges/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'cluster' | 'conn' | 'routes' | 'settings'>;

export async function domains(ctx: AgentPorts, req: ApiRequestParsed<'domains'>): Promise<ApiReply<'domains'>> {
  const claims = await ctx.routes.domainClaims();
  const live = ctx.cluster.membership.edgeViews(ctx.cluster.now()).filter((e) => e.live).length;
  const states = await edgeStates(ctx.conn, live, 500, { certificates: true }).catch(() => []);
  const out: DomainInfo[] = [];
  for (const [domain, { claim }] of claims) {
    if (req.environment && claim.environmentName !== req.environment) continue;
    if (req.service && claim.serviceName !== req.service) continue;
    const httpsPort = states.find((s) => s.httpsPort !== undefined)?.httpsPort ?? ctx.settings.httpsPort ?? 443;
    const certificates = states.flatMap((s) => {
      const held = s.domains?.find((d) => d.domain === domain);
      if (!held) return [];
      return [
        {
          edgeId: s.edgeId,
          state: held.state,
          ...(held.issuer ? { issuer: held.issuer } : {}),
          ...(held.notAfter ? { notAfter: held.notAfter } : {}),
        },
      ];
    });
    out.push({
      domain,
      environmentName: claim.environmentName,
      serviceName: claim.serviceName,
      url: domainUrl(domain, httpsPort),
      certificates,
    });
  }
  return {
    domains: out.sort(
      (a, b) =>
        a.environmentName.localeCompare(b.environmentName) ||
        a.serviceName.localeCompare(b.serviceName) ||
        a.domain.localeCompare(b.domain),
    ),
  };
}
