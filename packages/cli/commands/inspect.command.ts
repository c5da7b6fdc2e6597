// `compartment inspect ID`: every field of one deployment; --watch its statechart transitions live; --chart the statechart.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompartmentError, type DeploymentRecord } from '../../protocol/index.js';
import { checkDeploymentId, type CommonFlags } from '../cli-options.js';
import { validateRequest, type ApiClient } from '../client/api.client.js';
import { inspectText } from '../output/deployment-text.js';
import { domainLines } from '../output/domain-text.js';
import { Output } from '../output/terminal-output.js';
import { transitionLine } from '../output/transition-text.js';
import { terminalSafe } from '../output/terminal-safe.js';
import { isTerminal, watchTransitions } from '../../../cluster/client/index.js';
import { INTERRUPTED, interruptSignal, withClient } from './command-context.js';

export interface InspectFlags extends CommonFlags {
  watch?: boolean;
  /** `--chart` alone is `true` (Mermaid); `--chart dot` names the format. */
  chart?: string | boolean;
}

export async function inspectCommand(id: string, flags: InspectFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const request = validateRequest('inspect', { id: checkDeploymentId(id, 'ID') });
  if (flags.watch && flags.chart !== undefined)
    throw new CompartmentError('INVALID_ARGUMENT', '--watch and --chart cannot be combined', '--chart');
  if (flags.chart !== undefined) {
    const format = flags.chart === true ? 'mermaid' : flags.chart;
    if (format !== 'mermaid' && format !== 'dot') {
      throw new CompartmentError(
        'INVALID_ARGUMENT',
        `--chart ${JSON.stringify(format)}: expected mermaid (the default) or dot`,
        '--chart',
      );
    }
    const reply = await withClient(flags, (client) =>
      client.request('chart', validateRequest('chart', { id: request.id, format })),
    );
    out.event(reply);
    out.line(reply.chart);
    return 0;
  }
  return withClient(flags, async (client) => {
    const { deployment } = await client.request('inspect', request);
    if (!flags.watch) {
      const domains = deployment.routeUrl?.startsWith('https://')
        ? ((
            await client
              .request('domains', { environment: deployment.environmentName, service: deployment.serviceName })
              .catch(() => null)
          )?.domains ?? [])
        : [];
      out.event(domains.length ? { ...deployment, domains } : deployment);
      out.line([inspectText(deployment), ...(domains.length ? ['', ...domainLines(domains)] : [])].join('\n'));
      return 0;
    }
    return watch(client, deployment, out);
  });
}

async function watch(client: ApiClient, deployment: DeploymentRecord, out: Output): Promise<number> {
  out.line(
    out.paint(
      'dim',
      `deployment ${deployment.id}: ${deployment.serviceName} in ${deployment.environmentName}, node ${deployment.nodeId ?? '-'}; transitions until it is done (Ctrl-C stops watching)`,
    ),
  );
  const interrupt = interruptSignal();
  try {
    const result = await watchTransitions(client, deployment, {
      onReport: (report) => {
        out.event(report);
        out.line(transitionLine(report, out));
      },
      onNote: (text) => out.note(text),
      signal: interrupt.signal,
    });
    if (interrupt.signal.aborted) return INTERRUPTED;
    // The record says why it failed and where it answers (a transition carries neither); it may lag the transition.
    const ended = result.last && isTerminal(result.last.after) ? result.last.after.status : null;
    let final = result.record;
    for (let tries = 0; tries < 10 && (!final || (ended && final.status !== ended)); tries++) {
      if (tries > 0) await sleep(200);
      final = await client.request('inspect', { id: deployment.id }).then(
        (r) => r.deployment,
        () => null,
      );
    }
    const status = ended ?? final?.status ?? result.last?.after.status ?? deployment.status;
    const detail = status === 'failed' ? final?.failureMessage : status === 'succeeded' ? final?.routeUrl : null;
    out.event({ type: 'inspect.finished', id: deployment.id, status, deployment: final });
    out.line(
      out.paint(
        status === 'failed' ? 'red' : status === 'succeeded' ? 'green' : 'yellow',
        detail ? `${status}: ${terminalSafe(detail)}` : status,
      ),
    );
    return status === 'failed' ? 1 : 0;
  } finally {
    interrupt.dispose();
  }
}
