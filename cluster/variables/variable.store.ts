// Environment variables kept in the cluster: set/unset, a listing that hides secrets, and resolution for workloads.
import { z } from 'zod';
import type { KV } from '@nats-io/kv';
import { BUCKETS, CompartmentError, NAME_PATTERN, VARIABLE_NAME_PATTERN, keys } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { jsonOf, readAllKv, rethrowKv } from '../kv/index.js';
import { keyIdOf, open, seal, type ClusterKey } from '../secrets/index.js';
import { KeyMarker } from './key-marker.js';

/** A secret holds `sealed` (AES-256-GCM under the cluster key); `value` on a secret is a clear one stored before sealing existed. */
export const StoredVariable = z.object({
  value: z.string().optional(),
  sealed: z.string().optional(),
  secret: z.boolean(),
  updatedAt: z.iso.datetime(),
});
export type StoredVariable = z.output<typeof StoredVariable>;

/** The keys this node holds: the first seals, all of them open. */
export interface SecretKeys {
  current(): ClusterKey;
  all(): ClusterKey[];
}

/** What listing shows: a secret's value is null. */
export interface VariableView {
  name: string;
  value: string | null;
  secret: boolean;
  updatedAt: string;
}

function check(env: string, name?: string): void {
  if (!NAME_PATTERN.test(env))
    throw new CompartmentError('INVALID_ARGUMENT', `invalid environment name ${JSON.stringify(env)}`, 'environment');
  if (name !== undefined && !VARIABLE_NAME_PATTERN.test(name)) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `invalid variable name ${JSON.stringify(name)}: must be letters, digits and "_", not starting with a digit`,
      'name',
    );
  }
}

export class VariableStore {
  readonly marker: KeyMarker;
  private constructor(
    private readonly conn: ClusterConnection,
    private readonly kv: KV,
    readonly keys: SecretKeys,
  ) {
    this.marker = new KeyMarker(kv);
  }

  static async open(conn: ClusterConnection, secretKeys: SecretKeys): Promise<VariableStore> {
    return new VariableStore(conn, await conn.kvm.open(BUCKETS.variables), secretKeys);
  }

  /** Sets a variable; `changed` is false when value and secrecy were already exactly that. */
  async set(
    env: string,
    name: string,
    value: string,
    options: { secret?: boolean } = {},
  ): Promise<{ changed: boolean }> {
    check(env, name);
    const secret = options.secret ?? false;
    const key = keys.variable(env, name);
    const current = await this.read(key);
    if (current && current.value.secret === secret && this.clear(key, current.value) === value)
      return { changed: false };
    if (secret) await this.marker.check(this.keys.current());
    const stored: StoredVariable = secret
      ? { sealed: seal(this.keys.current(), value, key), secret, updatedAt: new Date().toISOString() }
      : { value, secret, updatedAt: new Date().toISOString() };
    const write = current
      ? this.kv.update(key, JSON.stringify(stored), current.revision)
      : this.kv.create(key, JSON.stringify(stored));
    await write.catch((e) => rethrowKv(e, `variable ${name} of ${env} changed concurrently; retry`));
    return { changed: true };
  }

  /** Removes a variable; `changed` is false when it did not exist. */
  async unset(env: string, name: string): Promise<{ changed: boolean }> {
    check(env, name);
    const key = keys.variable(env, name);
    const current = await this.read(key);
    if (!current) return { changed: false };
    await this.kv
      .delete(key, { previousSeq: current.revision })
      .catch((e) => rethrowKv(e, `variable ${name} of ${env} changed concurrently; retry`));
    return { changed: true };
  }

  /** Every variable of `env`, sorted by name, secret values replaced by null (and never opened). */
  async list(env: string): Promise<VariableView[]> {
    return (await this.all(env)).map(([name, v]) => ({
      name,
      value: v.secret ? null : (v.value ?? ''),
      secret: v.secret,
      updatedAt: v.updatedAt,
    }));
  }

  /** Name → clear value, secrets opened, and which names are secret: only for fingerprints and planning, never for display. */
  async resolve(env: string): Promise<{ values: Record<string, string>; secrets: Set<string> }> {
    const all = await this.all(env);
    return {
      values: Object.fromEntries(all.map(([name, v]) => [name, this.clear(keys.variable(env, name), v)])),
      secrets: new Set(all.filter(([, v]) => v.secret).map(([name]) => name)),
    };
  }

  /** The clear values of the named secrets, for a workload that is starting; one that is not (or no longer) a secret throws naming it. */
  async secrets(env: string, names: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of names) {
      check(env, name);
      const current = await this.read(keys.variable(env, name));
      if (!current?.value.secret) missing.push(name);
      else out[name] = this.clear(keys.variable(env, name), current.value);
    }
    if (missing.length > 0) {
      throw new CompartmentError(
        'START_FAILED',
        `secret ${missing.join(', ')} of environment ${env} is no longer set (unset since this deployment was created); set it again with \`compartment env set ${missing[0]} --secret --env ${env}\` or deploy without it`,
      );
    }
    return out;
  }

  /** Rotation: re-seals every secret of every environment with the current key, until none is left under another; returns how many. */
  async reseal(): Promise<number> {
    let count = 0;
    for (let pass = 0; pass < 5; pass++) {
      const current = this.keys.current();
      const stale = (await readAllKv(this.conn, BUCKETS.variables, '*.*').catch((e) => rethrowKv(e, ''))).flatMap(
        (entry) => {
          const parsed = StoredVariable.safeParse(safeJson(entry.data));
          return parsed.success && parsed.data.secret && keyIdOf(parsed.data.sealed ?? '') !== current.id
            ? [{ entry, value: parsed.data }]
            : [];
        },
      );
      if (stale.length === 0) return count;
      for (const { entry, value } of stale) {
        const stored: StoredVariable = {
          sealed: seal(current, this.clear(entry.key, value), entry.key),
          secret: true,
          updatedAt: value.updatedAt,
        };
        // A conflict is a concurrent `env set` or `unset`: the next pass sees what it left.
        await this.kv.update(entry.key, JSON.stringify(stored), entry.revision).then(
          () => count++,
          () => undefined,
        );
      }
    }
    throw new CompartmentError('CONFLICT', 'variables kept changing while they were re-sealed; run the rotation again');
  }

  private clear(key: string, v: StoredVariable): string {
    if (v.sealed !== undefined) return open(this.keys.all(), v.sealed, key);
    if (v.value === undefined) throw new CompartmentError('INTERNAL', `stored variable ${key} holds no value`);
    return v.value;
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
