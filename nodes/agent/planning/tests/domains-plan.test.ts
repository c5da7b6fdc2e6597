// Pure tests of a deploy's domain plan: free names are claimed, held ones refused, moves within one deploy allowed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planDomains, type ClaimView } from '../domains.plan.js';

const held = (entries: Array<[string, string, string, number]>) =>
  new Map<string, ClaimView>(
    entries.map(([d, env, service, revision]) => [d, { environmentName: env, serviceName: service, revision }]),
  );

test('free names are claimed, own names kept, a name held elsewhere is refused with its position and holder', () => {
  const plan = planDomains(
    'production',
    [{ index: 0, serviceName: 'api', domains: ['api.x.com', 'web.x.com', 'new.x.com'] }],
    held([
      ['api.x.com', 'production', 'api', 3],
      ['web.x.com', 'production', 'web', 4],
    ]),
  );
  assert.equal(plan.taken, [{ index: 0, position: 1, domain: 'web.x.com', holder: 'production/web' }]);
  assert.equal(plan.claim, [{ domain: 'new.x.com', serviceName: 'api', from: null }]);
  assert.equal(plan.release, []);
});

test('a name one service of the deploy gives up and another takes moves (taken over by revision); names given up are released', () => {
  const plan = planDomains(
    'production',
    [
      { index: 0, serviceName: 'web', domains: ['web.x.com'] },
      { index: 1, serviceName: 'api', domains: ['api.x.com', 'www.x.com'] },
    ],
    held([
      ['web.x.com', 'production', 'web', 1],
      ['www.x.com', 'production', 'web', 2],
      ['old.x.com', 'production', 'api', 3],
      ['api.x.com', 'production', 'api', 4],
    ]),
  );
  assert.equal(plan.taken, []);
  assert.equal(plan.claim, [{ domain: 'www.x.com', serviceName: 'api', from: 2 }]);
  assert.equal(plan.release, [{ domain: 'old.x.com', revision: 3 }]);
});

test('the same service in another environment holds the name: refused (one route per domain)', () => {
  const plan = planDomains(
    'staging',
    [{ index: 0, serviceName: 'web', domains: ['web.x.com'] }],
    held([['web.x.com', 'production', 'web', 1]]),
  );
  assert.equal(
    plan.taken.map((t) => t.holder),
    ['production/web'],
  );
});

test.run();
