// The responder's record of its answers, on a fake clock: when Caddy can no longer hold an answer naming a deployment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnswerLog, PICK_SLACK_MS, UNFOLLOWED_GRACE_MS } from '../answer-log.js';

const REFRESH = 10;

function logAt(start = 1_000) {
  const clock = { t: start };
  return { log: new AnswerLog(() => clock.t), clock };
}

test('until a first SRV query, whatever an earlier responder answered may still be held', () => {
  const { log, clock } = logAt();
  assert.equal(log.retiring(new Set(), REFRESH), [
    { deploymentId: null, heldForMs: UNFOLLOWED_GRACE_MS + REFRESH + PICK_SLACK_MS },
  ]);
  log.query();
  clock.t += 3;
  assert.equal(log.retiring(new Set(), REFRESH), [{ deploymentId: null, heldForMs: REFRESH + PICK_SLACK_MS - 3 }]);
  clock.t += REFRESH + PICK_SLACK_MS;
  assert.equal(log.retiring(new Set(), REFRESH), []);
});

test('an answer is held until one refresh after the next SRV query, which proves its lookup completed', () => {
  const { log, clock } = logAt();
  log.query();
  log.answered('depold');
  clock.t += 40; // no lookup follows for a while: its completion is unproven, bounded only by the grace
  assert.equal(log.retiring(new Set(['depnew']), REFRESH), [
    { deploymentId: 'depold', heldForMs: UNFOLLOWED_GRACE_MS - 40 + REFRESH + PICK_SLACK_MS },
  ]);
  log.query(); // the next lookup: the old answer's lookup had completed when it was sent
  log.answered('depnew');
  clock.t += 4;
  assert.equal(log.retiring(new Set(['depnew']), REFRESH), [
    { deploymentId: 'depold', heldForMs: REFRESH + PICK_SLACK_MS - 4 },
  ]);
  clock.t += REFRESH + PICK_SLACK_MS - 4;
  assert.equal(log.retiring(new Set(['depnew']), REFRESH), [], 'held no longer: and forgotten');
});

test('a deployment answered again is held again; one still routed is never retiring', () => {
  const { log, clock } = logAt();
  log.query();
  log.answered('depa');
  log.query();
  clock.t += 100;
  assert.equal(log.retiring(new Set(['depa']), REFRESH), [], 'routed');
  log.answered('depa');
  clock.t += 1;
  const [held] = log.retiring(new Set(['depb']), REFRESH);
  assert.is(held?.deploymentId, 'depa');
  assert.ok((held?.heldForMs ?? 0) > REFRESH, 'answered since the last query: not proven yet');
});

test('an unfollowed answer is taken as completed after the grace', () => {
  const { log, clock } = logAt();
  log.query();
  log.answered('depold');
  clock.t += UNFOLLOWED_GRACE_MS + REFRESH + PICK_SLACK_MS;
  assert.equal(log.retiring(new Set(), REFRESH), []);
});

test.run();
