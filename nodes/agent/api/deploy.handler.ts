// `deploy`: validates sources, plans which services are affected, creates their deployments, supersedes stale ones.
import { CompartmentError, isRoutable, type ApiReply, type ApiRequestParsed, type DeploymentRecord } from '../../../packages/protocol/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';
import type { AgentContext } from '../agent-context.js';
import { planDeploy } from '../planning/deploy.plan.js';
import { fingerprintOf, mergeVariables } from '../planning/variables.js';
import { newDeploymentId } from '../ids.js';

export async function deploy(ctx: AgentContext, req: ApiRequestParsed<'deploy'>): Promise<ApiReply<'deploy'>> {
  const env = req.environment;
  const names = new Set<string>();
  for (const [i, s] of req.services.entries()) {
    if (names.has(s.name)) throw new CompartmentError('INVALID_ARGUMENT', `service ${s.name} is listed twice`, `services.${i}.name`);
    names.add(s.name);
    if (!ctx.settings.runtimes.includes(s.config.runtime)) {
      throw new CompartmentError('NO_NODE_AVAILABLE', `no node offers runtime ${s.config.runtime} (service ${s.name})`, `services.${i}.config.runtime`);
    }
    if (!(await ctx.sources.has(s.sourceDigest))) {
      throw new CompartmentError('SOURCE_NOT_FOUND', `the source ${s.sourceDigest} of ${s.name} was not uploaded`, `services.${i}.sourceDigest`);
    }
  }
  const clusterVars = await ctx.variables.resolve(env);
  const desired = req.services.map((s) => {
    const variables = mergeVariables(req.environmentVariables, clusterVars, s.config.variables);
    return { ...s, serviceName: s.name, variables, fingerprint: fingerprintOf(s.sourceDigest, s.config, variables) };
  });

  return ctx.planning.run(`env:${env}`, async () => {
    const plan = planDeploy(desired, ctx.records({ env }), req.force);
    const created: DeploymentRecord[] = [];
    for (const item of plan.create) {
      const d = desired.find((x) => x.serviceName === item.serviceName)!;
      const routable = isRoutable(d.config.type);
      const port = routable ? await ctx.routes.claimPort(env, d.serviceName, ctx.settings.routePorts) : null;
      const spec: DeploymentSpec = {
        id: newDeploymentId(),
        serviceName: d.serviceName,
        environmentName: env,
        serviceType: d.config.type,
        runtime: d.config.runtime,
        service: d.config,
        variables: d.variables,
        sourceDigest: d.sourceDigest,
        fingerprint: d.fingerprint,
        routeUrl: port === null ? null : `http://${ctx.settings.routeHost}:${port}`,
        createdAt: new Date().toISOString(),
        nodeId: ctx.settings.nodeId,
      };
      created.push(await ctx.host.create(spec));
      for (const old of item.supersedes) {
        await ctx.deliver(old, { type: 'deployment.superseded', at: new Date().toISOString(), by: spec.id });
      }
    }
    return { deployments: created, unchanged: plan.unchanged };
  });
}
