// The Deployment record's invariants, checked on every state a test reaches.
import * as assert from 'uvu/assert';
import { DeploymentRecord, isTerminalStatus } from '../../../packages/protocol/index.js';
import { toRecord, type SnapshotLike } from '../deployment.record.js';
import { isServing } from '../deployment.tags.js';

export function assertRecordInvariants(snapshot: SnapshotLike, where: string): void {
  const parsed = DeploymentRecord.safeParse(toRecord(snapshot));
  if (!parsed.success) throw new Error(`${where}: record does not match its schema: ${parsed.error.message}`);
  const r = parsed.data;
  const terminal = isTerminalStatus(r.status);
  assert.is(r.completedAt !== null, terminal, `${where}: completedAt is set exactly when the status is terminal`);
  assert.is(
    snapshot.context.completedAt !== null || !terminal,
    true,
    `${where}: a terminal status has a completion time in context`,
  );
  // Or when it was reverted automatically: rolled_back, saying why.
  const reverted =
    r.promotionStage === 'rolled_back' && r.failureMessage?.startsWith('automatically reverted') === true;
  assert.is(
    r.failureMessage !== null,
    r.status === 'failed' || reverted,
    `${where}: failureMessage is set exactly when failed or auto-reverted`,
  );
  if (r.status === 'failed') assert.ok(r.failureMessage && r.failureMessage.length > 0, `${where}: failure says why`);
  assert.is(r.isActive, isServing(r.state.stage), `${where}: isActive exactly while serving traffic`);
  if (r.isActive)
    assert.ok(r.status !== 'failed' && r.status !== 'queued', `${where}: an active deployment is not failed or queued`);
  if (r.status === 'queued') assert.is(r.promotionStage, 'building', `${where}: queued means waiting for a build slot`);
  if (r.promotionStage === 'rolled_back')
    assert.is(r.isActive, false, `${where}: rolled back deployments serve nothing`);
}
