// `compartment env set|unset|list`: variables stored in the cluster per environment (secrets are never printed).
import { CompartmentError } from '../../protocol/index.js';
import { checkVariableName, envOf, type CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { formatTable } from '../output/text-table.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';
import { readValue } from './secret-input.js';

export async function envSetCommand(assignment: string, flags: CommonFlags & { secret?: boolean }): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const eq = assignment.indexOf('=');
  // `KEY --secret` alone: the value comes from standard input, never from the command line.
  if (eq === -1 && flags.secret) checkVariableName(assignment, 'KEY');
  else if (eq <= 0)
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `KEY=VALUE: expected NAME=value (or NAME --secret with the value on standard input), got ${JSON.stringify(assignment)}`,
      'KEY=VALUE',
    );
  const name = checkVariableName(eq === -1 ? assignment : assignment.slice(0, eq), 'KEY');
  const value = eq === -1 ? await readValue(name) : assignment.slice(eq + 1);
  const request = validateRequest('env.set', { environment: envOf(flags), name, value, secret: Boolean(flags.secret) });
  const reply = await withClient(flags, (client) => client.request('env.set', request));
  out.event(reply);
  out.line(
    `${reply.name} ${reply.changed ? 'set' : 'unchanged'} in ${reply.environment}${reply.changed ? '; it applies from the next deploy' : ''}`,
  );
  return 0;
}

export async function envUnsetCommand(key: string, flags: CommonFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const request = validateRequest('env.unset', { environment: envOf(flags), name: checkVariableName(key, 'KEY') });
  const reply = await withClient(flags, (client) => client.request('env.unset', request));
  out.event(reply);
  out.line(`${reply.name} ${reply.changed ? 'removed from' : 'was not set in'} ${reply.environment}`);
  return 0;
}

export async function envListCommand(flags: CommonFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const request = validateRequest('env.list', { environment: envOf(flags) });
  const reply = await withClient(flags, (client) => client.request('env.list', request));
  out.event(reply);
  if (reply.variables.length === 0) out.line(`no variables in ${reply.environment}`);
  else
    out.line(
      formatTable(
        ['NAME', 'VALUE'],
        reply.variables.map((v) => [v.name, v.secret ? '(secret)' : (v.value ?? '')]),
      ),
    );
  return 0;
}

/** Asks a node agent to rotate the cluster key: the CLI never sees a key, only the new key's id and where it was written. */
export async function envRotateKeyCommand(flags: CommonFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const request = validateRequest('env.rotate-key', {});
  const reply = await withClient(flags, (client) => client.request('env.rotate-key', request, 120_000));
  out.event(reply);
  out.line(
    `cluster key rotated: ${reply.previousKeyIds.join(', ')} → ${reply.keyId}; ${reply.resealed} secret(s) re-sealed`,
  );
  out.line(
    `node ${reply.nodeId} wrote the new key to ${reply.keyFile}; nodes reading another key file need a copy of it (README: rotating the cluster key)`,
  );
  return 0;
}
