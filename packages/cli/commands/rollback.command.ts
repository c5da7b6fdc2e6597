// `compartment rollback --service S`: promote the previously active deployment again, then follow it like deploy.
import { CompartmentError } from '../../protocol/index.js';
import { checkName, envOf, newIdempotencyKey, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { Output } from '../output/terminal-output.js';
import { watchUntilTerminal } from '../../../cluster/client/index.js';
import { ProgressReport } from '../progress/progress-report.js';
import { INTERRUPTED, interruptSignal, withClient } from './command-context.js';

export interface RollbackFlags extends CommonFlags {
  service?: string;
  detach?: boolean;
}

export async function rollbackCommand(flags: RollbackFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  if (flags.service === undefined)
    throw new CompartmentError('INVALID_ARGUMENT', '--service is required: which service to roll back', '--service');
  const request = validateRequest('rollback', {
    environment: envOf(flags),
    service: checkName(flags.service, '--service'),
    idempotencyKey: newIdempotencyKey(),
  });
  return withClient(flags, async (client) => {
    const reply = await client.request('rollback', request, 60_000).catch((error: unknown) => {
      if (
        error instanceof CompartmentError &&
        error.code === 'ROLLBACK_UNAVAILABLE' &&
        !/^rollback is not available/i.test(error.message)
      ) {
        throw new CompartmentError(error.code, `rollback is not available: ${error.message}`, error.field);
      }
      throw error;
    });
    out.event({ type: 'rollback.accepted', deployment: reply.deployment, from: reply.from });
    out.line(`${reply.deployment.serviceName}: rolling back from ${reply.from} to ${reply.deployment.id}`);
    if (flags.detach) return 0;
    const report = new ProgressReport(out, 'rollback', [reply.deployment]);
    const interrupt = interruptSignal();
    try {
      const result = await watchUntilTerminal(client, [reply.deployment], (e) => report.update(e), interrupt.signal);
      if (interrupt.signal.aborted) {
        out.note('stopped watching; the rollback goes on in the cluster (see `compartment status`)');
        return INTERRUPTED;
      }
      return report.finish(result, { from: reply.from });
    } finally {
      interrupt.dispose();
    }
  });
}
