// The agents' `watch` and `source.check` for the stand-in API of CLI tests: every record the test saved, in order.
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES, type DeploymentRecord } from '../../packages/protocol/index.js';
import { sleep } from '../harness/wait.js';

type Saved = { id: string; revision: number; record: DeploymentRecord | null };

export class RecordFeed {
  private readonly saved = new Map<string, Saved[]>();

  /** Call with each revision the test wrote (null: the record was deleted). */
  add(id: string, revision: number, record: DeploymentRecord | null): void {
    const list = this.saved.get(id) ?? [];
    list.push({ id, revision, record });
    this.saved.set(id, list);
  }

  /** Answers like an agent: what is newer than each cursor at once, else after `waitMs` nothing. */
  watch = async (body: { deployments: Array<{ id: string; revision?: number }>; waitMs?: number }) => {
    const deadline = Date.now() + (body.waitMs ?? 3_000);
    for (;;) {
      const records = body.deployments.flatMap(({ id, revision = 0 }) =>
        (this.saved.get(id) ?? []).filter((s) => s.revision > revision),
      );
      if (records.length > 0 || Date.now() >= deadline) return { records, transitions: [], journal: true, more: false };
      await sleep(10);
    }
  };

  /** The agent made the store when it started; here the first check does. */
  sourceCheck = (nc: NatsConnection) => async (body: { digest: string }) => {
    const { Objm } = await import('@nats-io/obj');
    const objm = new Objm(nc);
    const store = await objm.open(OBJECT_STORES.sources).catch(() => objm.create(OBJECT_STORES.sources));
    const info = await store.info(body.digest);
    return { present: Boolean(info && !info.deleted) };
  };
}
