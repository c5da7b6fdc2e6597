// The leader's domain step of a deploy: refuse a name another route holds, then claim, set on routes, release.
import { CompartmentError, domainsOf, isRoutable, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';
import { planDomains, type DomainPlan, type DomainWish } from '../planning/domains.plan.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'routes' | 'settings'>;

export interface DomainStep {
  wishes: DomainWish[];
  plan: DomainPlan;
}

/** Checks every service's domains against the claims; DOMAIN_TAKEN (exit 2) before anything is written. */
export async function checkDomains(ctx: AgentPorts, req: ApiRequestParsed<'deploy'>): Promise<DomainStep> {
  const env = req.environment;
  const wishes = req.services.map((s, index) => ({
    index,
    serviceName: s.name,
    domains: isRoutable(s.config.type) ? domainsOf(s.config, env) : [],
  }));
  const claims = new Map(
    [...(await ctx.routes.domainClaims())].map(([d, h]) => [d, { ...h.claim, revision: h.revision }]),
  );
  const plan = planDomains(env, wishes, claims);
  const [first] = plan.taken;
  if (first) {
    const all = plan.taken.map((t) => `${t.domain} is held by ${t.holder}`).join('; ');
    throw new CompartmentError(
      'DOMAIN_TAKEN',
      `${all}: a domain belongs to one route (remove it there and deploy that service first)`,
      `services.${first.index}.config.domains.${env}.${first.position}`,
    );
  }
  return { wishes, plan };
}

/**
 * Writes the claims, then each route's list (services that take a name first, so a name that moves is never unheld),
 * then releases names given up. Idempotent: a retried deploy finds everything already in place.
 */
export async function applyDomains(ctx: AgentPorts, req: ApiRequestParsed<'deploy'>, step: DomainStep): Promise<void> {
  const env = req.environment;
  for (const c of step.plan.claim) await ctx.routes.claimDomain(c.domain, env, c.serviceName, c.from);
  const gaining = new Set(step.plan.claim.map((c) => c.serviceName));
  const ordered = [...step.wishes].sort(
    (a, b) => Number(gaining.has(b.serviceName)) - Number(gaining.has(a.serviceName)),
  );
  for (const w of ordered) {
    if (!isRoutable(req.services[w.index]!.config.type)) continue;
    const port = await ctx.routes.claimPort(env, w.serviceName, ctx.settings.routePorts);
    await ctx.routes.setDomains(env, w.serviceName, w.domains, port);
  }
  for (const r of step.plan.release) await ctx.routes.releaseDomain(r.domain, r.revision);
}
