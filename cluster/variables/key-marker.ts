// The id of the cluster's current key, kept beside the variables: a node with another key file must not seal with it.
import type { KV } from '@nats-io/kv';
import { CompartmentError } from '../../packages/protocol/index.js';
import { rethrowKv } from '../kv/index.js';
import type { ClusterKey } from '../secrets/index.js';

/** Not a variable key: environment names start with a letter, so no `env.NAME` is ever this. */
export const KEY_MARKER = '_cluster.key-id';

export class KeyMarker {
  constructor(private readonly kv: KV) {}

  /** The current key id the cluster recorded, or null on a cluster that never had one. */
  async get(): Promise<string | null> {
    const entry = await this.kv.get(KEY_MARKER).catch((e) => rethrowKv(e, ''));
    return entry && entry.operation === 'PUT' ? entry.string() : null;
  }

  /**
   * At agent start: records `held`'s current key when the cluster has none; otherwise the recorded one must be among
   * the held keys (a joining node given the wrong file, or a stale one after a rotation elsewhere, stops here).
   */
  async claim(held: readonly ClusterKey[], path: string): Promise<void> {
    const recorded =
      (await this.get()) ??
      (await this.kv.create(KEY_MARKER, held[0]!.id).then(
        () => held[0]!.id,
        () => this.get(),
      ));
    if (recorded !== null && !held.some((k) => k.id === recorded)) {
      throw new CompartmentError(
        'INVALID_ARGUMENT',
        `the cluster's secrets are sealed with cluster key ${recorded}, but ${path} holds ${held.map((k) => k.id).join(', ')}: start this node with --cluster-key naming a copy of the cluster's key file`,
        '--cluster-key',
      );
    }
  }

  /** Before sealing: a node whose file is older than the cluster's last rotation must not write under the retired key. */
  async check(current: ClusterKey): Promise<void> {
    const recorded = await this.get();
    if (recorded !== null && recorded !== current.id) {
      throw new CompartmentError(
        'CONFLICT',
        `this node seals with cluster key ${current.id} but the cluster's current key is ${recorded} (rotated elsewhere): copy the new key file to this node`,
      );
    }
  }

  /** Rotation: the new key becomes the cluster's before any value is re-sealed, so stale nodes stop sealing at once. */
  async advance(next: ClusterKey): Promise<void> {
    await this.kv.put(KEY_MARKER, next.id);
  }
}
