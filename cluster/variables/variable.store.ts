// Environment variables kept in the cluster: set/unset, a listing that hides secrets, and resolution for workloads.
import { z } from 'zod';
import type { KV } from '@nats-io/kv';
import { BUCKETS, CompartmentError, NAME_PATTERN, VARIABLE_NAME_PATTERN, keys } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { jsonOf, readAllKv, rethrowKv } from '../kv/index.js';

export const StoredVariable = z.object({ value: z.string(), secret: z.boolean(), updatedAt: z.iso.datetime() });
export type StoredVariable = z.output<typeof StoredVariable>;

/** What listing shows: a secret's value is null. */
export interface VariableView {
  name: string;
  value: string | null;
  secret: boolean;
  updatedAt: string;
}

function check(env: string, name?: string): void {
  if (!NAME_PATTERN.test(env)) throw new CompartmentError('INVALID_ARGUMENT', `invalid environment name ${JSON.stringify(env)}`, 'environment');
  if (name !== undefined && !VARIABLE_NAME_PATTERN.test(name)) {
    throw new CompartmentError('INVALID_ARGUMENT', `invalid variable name ${JSON.stringify(name)}: must be letters, digits and "_", not starting with a digit`, 'name');
  }
}

export class VariableStore {
  private constructor(
    private readonly conn: ClusterConnection,
    private readonly kv: KV,
  ) {}

  static async open(conn: ClusterConnection): Promise<VariableStore> {
    return new VariableStore(conn, await conn.kvm.open(BUCKETS.variables));
  }

  /** Sets a variable; `changed` is false when value and secrecy were already exactly that. */
  async set(env: string, name: string, value: string, options: { secret?: boolean } = {}): Promise<{ changed: boolean }> {
    check(env, name);
    const secret = options.secret ?? false;
    const key = keys.variable(env, name);
    const current = await this.read(key);
    if (current && current.value.value === value && current.value.secret === secret) return { changed: false };
    const stored: StoredVariable = { value, secret, updatedAt: new Date().toISOString() };
    const write = current ? this.kv.update(key, JSON.stringify(stored), current.revision) : this.kv.create(key, JSON.stringify(stored));
    await write.catch((e) => rethrowKv(e, `variable ${name} of ${env} changed concurrently; retry`));
    return { changed: true };
  }

  /** Removes a variable; `changed` is false when it did not exist. */
  async unset(env: string, name: string): Promise<{ changed: boolean }> {
    check(env, name);
    const key = keys.variable(env, name);
    const current = await this.read(key);
    if (!current) return { changed: false };
    await this.kv.delete(key, { previousSeq: current.revision }).catch((e) => rethrowKv(e, `variable ${name} of ${env} changed concurrently; retry`));
    return { changed: true };
  }

  /** Every variable of `env`, sorted by name, secret values replaced by null. */
  async list(env: string): Promise<VariableView[]> {
    return (await this.all(env)).map(([name, v]) => ({ name, value: v.secret ? null : v.value, secret: v.secret, updatedAt: v.updatedAt }));
  }

  /** Name → value with secrets included: only for starting workloads, never for display. */
  async resolve(env: string): Promise<Record<string, string>> {
    return Object.fromEntries((await this.all(env)).map(([name, v]) => [name, v.value]));
  }

  private async all(env: string): Promise<Array<[string, StoredVariable]>> {
    check(env);
    const entries = await readAllKv(this.conn, BUCKETS.variables, keys.variablesOf(env)).catch((e) => rethrowKv(e, ''));
    const out: Array<[string, StoredVariable]> = [];
    for (const entry of entries) {
      const parsed = StoredVariable.safeParse(safeJson(entry.data));
      if (!parsed.success) throw new CompartmentError('INTERNAL', `stored variable ${entry.key} is invalid`);
      out.push([entry.key.slice(env.length + 1), parsed.data]);
    }
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private async read(key: string): Promise<{ revision: number; value: StoredVariable } | null> {
    await this.conn.whenConnected();
    const entry = await this.kv.get(key).catch((e) => rethrowKv(e, ''));
    if (!entry || entry.operation !== 'PUT') return null;
    const parsed = StoredVariable.safeParse(safeJson(entry.value));
    if (!parsed.success) throw new CompartmentError('INTERNAL', `stored variable ${key} is invalid`);
    return { revision: entry.revision, value: parsed.data };
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return jsonOf(data);
  } catch {
    return undefined;
  }
}
