// Every failure before switching_route leaves the previous deployment alone: no switch, no drain, nothing stopped but the candidate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { edgePaths, replay } from './graph.js';
import { withReadiness, withoutReadiness } from './fixtures.js';
import { toRecord } from '../deployment.record.js';

const PRE_SWITCH = ['building', 'starting_candidate', 'checking_readiness'];

test('failures before switching_route never touch the previous deployment', async () => {
  const stagesSeen = new Set<string>();
  for (const spec of [withReadiness(), withoutReadiness()]) {
    for (const path of edgePaths(spec)) {
      const r = await replay(path);
      const record = toRecord(r.actor.getSnapshot());
      if (record.status === 'failed' && PRE_SWITCH.includes(record.promotionStage)) {
        stagesSeen.add(record.promotionStage);
        const calls = r.effects.promotionCalls();
        const effects = calls.map((c) => c.effect);
        assert.not.ok(effects.includes('switchRoute'), `${path.name}: switched the route`);
        assert.not.ok(effects.includes('drainPrevious'), `${path.name}: drained the previous`);
        for (const call of calls) {
          assert.is(call.deploymentId, spec.id, `${path.name}: ${call.effect} acted on another deployment`);
          assert.is(call.touches, null, `${path.name}: ${call.effect} touched ${call.touches}`);
        }
      }
      r.actor.stop();
    }
  }
  assert.equal([...stagesSeen].sort(), [...PRE_SWITCH].sort(), 'a failure was seen in every pre-switch stage');
});

test.run();
