// The leader's half of `deploy`: plans affected services, places each new deployment on a node, creates it there.
import {
  CompartmentError,
  domainUrl,
  domainsOf,
  instancesFor,
  isRoutable,
  type ApiReply,
  type ApiRequestParsed,
  type DeploymentRecord,
} from '../../../packages/protocol/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';
import type { AgentContext } from '../agent-context.js';
import { planDeploy } from '../planning/deploy.plan.js';
import { place } from '../planning/placement.plan.js';
import { fingerprintOf, mergeVariables, splitSecrets } from '../planning/variables.js';
import { LOST_AFTER_MS } from '../cluster-role/cluster-view.js';
import { newDeploymentId } from '../ids.js';
import { applyDomains, checkDomains } from './deploy.domains.js';

/** The part of the agent this module uses. */
export type DeployLeaderPorts = Pick<
  AgentContext,
  | 'cluster'
  | 'createDeployment'
  | 'deliver'
  | 'fingerprintKey'
  | 'planLock'
  | 'records'
  | 'requests'
  | 'routes'
  | 'settings'
  | 'variables'
>;

export function deployAsLeader(
  ctx: DeployLeaderPorts,
  req: ApiRequestParsed<'deploy'> & { idempotencyKey: string },
): Promise<ApiReply<'deploy'>> {
  if (!ctx.cluster.isLeader()) return Promise.reject(new CompartmentError('NOT_LEADER', 'this node is not the leader'));
  return ctx.requests.run('deploy', req.idempotencyKey, Date.now(), () => createDeployments(ctx, req));
}

async function createDeployments(ctx: DeployLeaderPorts, req: ApiRequestParsed<'deploy'>): Promise<ApiReply<'deploy'>> {
  const env = req.environment;
  const cluster = await ctx.variables.resolve(env);
  const key = ctx.fingerprintKey();
  // A webhook's HMAC key is an environment secret the workloads do not get: only the notifier opens it.
  const notifyKeys = new Set(req.notify.map((t) => t.secret));
  for (const [i, t] of req.notify.entries()) {
    if (!cluster.secrets.has(t.secret)) {
      throw new CompartmentError(
        'CONFIG_INVALID',
        `notify.${i}.secret: no secret ${t.secret} is set in environment ${env} (compartment env set ${t.secret} --secret --env ${env})`,
        `notify.${i}.secret`,
      );
    }
  }
  const desired = req.services.map((s) => {
    const merged = mergeVariables(req.environmentVariables, cluster.values, s.config.variables);
    for (const name of notifyKeys) delete merged[name];
    // The fingerprint covers secret values (a changed secret redeploys); the spec keeps only their names.
    return {
      ...s,
      serviceName: s.name,
      ...splitSecrets(merged, cluster.secrets, s.config.variables),
      fingerprint: fingerprintOf(s.sourceDigest, s.config, merged, key),
    };
  });

  await ctx.cluster.settled([...new Set(desired.map((d) => d.config.runtime))]);
  // Environments plan in parallel, but domains span them: one domain step at a time (always taken after the env's lock).
  return ctx.planLock.run(`env:${env}`, () =>
    ctx.planLock.run('domains', async () => {
      const domains = await checkDomains(ctx, req);
      const plan = planDeploy(desired, ctx.records({ env }), req.force);
      const wanted = plan.create.map((c) => desired.find((x) => x.serviceName === c.serviceName)!);
      const placements = place(
        wanted.map((d) => ({
          serviceName: d.serviceName,
          environmentName: env,
          runtime: d.config.runtime,
          sourceDigest: d.sourceDigest,
        })),
        ctx.cluster.nodeViews(),
        ctx.records({}),
        ctx.cluster.now(),
        LOST_AFTER_MS,
      );
      // All or nothing: a service that cannot be placed refuses the whole deploy before anything is created.
      for (const p of placements) {
        if ('error' in p)
          throw new CompartmentError('NO_NODE_AVAILABLE', `cannot place ${p.desired.serviceName}: ${p.error}`);
      }
      await applyDomains(ctx, req, domains);
      const created: DeploymentRecord[] = [];
      for (const [i, item] of plan.create.entries()) {
        const d = wanted[i]!;
        const nodeId = (placements[i] as { nodeId: string }).nodeId;
        const port = isRoutable(d.config.type)
          ? await ctx.routes.claimPort(env, d.serviceName, ctx.settings.routePorts)
          : null;
        const spec: DeploymentSpec = {
          id: newDeploymentId(),
          serviceName: d.serviceName,
          environmentName: env,
          serviceType: d.config.type,
          runtime: d.config.runtime,
          service: d.config,
          variables: d.variables,
          secretRefs: d.secretRefs,
          sourceDigest: d.sourceDigest,
          fingerprint: d.fingerprint,
          routeUrl: routeUrlOf(port, domainsOf(d.config, env)[0], ctx.settings),
          createdAt: new Date().toISOString(),
          nodeId,
          audit: { requestedBy: req.requestedBy ?? null, git: d.git ?? null },
          ...(req.notify.length > 0 ? { notify: req.notify } : {}),
          instances: instancesFor(d.config, env),
        };
        created.push(await ctx.createDeployment(spec, 'deploy'));
        for (const old of item.supersedes)
          await ctx.deliver(old, { type: 'deployment.superseded', at: new Date().toISOString(), by: spec.id });
      }
      return { deployments: created, unchanged: plan.unchanged };
    }),
  );
}

/** `https://<first domain>[:port]` for a route with domains, else the route port's plain-HTTP URL. */
function routeUrlOf(
  port: number | null,
  domain: string | undefined,
  settings: AgentContext['settings'],
): string | null {
  if (port === null) return null;
  return domain ? domainUrl(domain, settings.httpsPort ?? 443) : `http://${settings.routeHost}:${port}`;
}
