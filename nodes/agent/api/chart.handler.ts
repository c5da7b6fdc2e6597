// `chart`: the deployment statechart as Mermaid or Graphviz, generated from the machine, current states marked.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import { deploymentChart } from '../../../machines/deployment/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'recordOf'>;

export function chart(ctx: AgentPorts, req: ApiRequestParsed<'chart'>): ApiReply<'chart'> {
  let state = null;
  if (req.id) {
    const record = ctx.recordOf(req.id);
    if (!record) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${req.id}`, 'id');
    state = record.state;
  }
  return { format: req.format, chart: deploymentChart(req.format, state) };
}
