// Platform log lines derived from record changes read like the spec's example.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../machines/deployment/tests/graph.js';
import { withReadiness, workload, previous, T1 } from '../../../machines/deployment/tests/fixtures.js';
import { toRecord } from '../../../machines/deployment/index.js';
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { platformLines } from '../platform-log.js';

const done = (id: string, output: object = {}) => ({ type: `xstate.done.actor.${id}`, output: { at: T1, ...output } });

test('a deploy logs the spec example sequence of platform events', async () => {
  const events = [
    { type: 'slot.granted', at: T1 },
    done('build'),
    done('startCandidate', { workload }),
    { type: 'readiness.attempt', at: T1, ok: true, detail: 'GET /ready → 200 OK', latencyMs: 1 },
    done('switchRoute', { previous }),
    done('drainPrevious', { drained: true }),
  ];
  const lines: string[] = [];
  let before: DeploymentRecord | null = null;
  const spec = withReadiness();
  for (let i = 0; i <= events.length; i++) {
    const r = await replay({ spec, events: events.slice(0, i) });
    const after = toRecord(r.actor.getSnapshot());
    lines.push(...platformLines(before, after));
    before = after;
    r.actor.stop();
  }
  assert.equal(lines, [
    `deployment ${spec.id} created for service web`,
    'waiting for a build slot',
    'stage: building',
    'stage: starting_candidate',
    'stage: checking_readiness',
    'GET /ready → 200 OK',
    'stage: switching_route',
    'stage: draining_previous',
    'stage: active — deployment succeeded',
  ]);
});

test.run();
