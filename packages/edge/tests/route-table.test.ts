// Unit tests of the route table: revisions, validation and change notification.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompartmentError } from '../../protocol/index.js';
import { RouteTable, type RouteTableChange } from '../route-table.js';

const up = (port: number) => [{ host: '127.0.0.1', port }];

test('set, get, all and delete, with one notification per real change', () => {
  const table = new RouteTable();
  const changes: RouteTableChange[] = [];
  table.onChange((c) => changes.push(c));
  assert.ok(table.set({ port: 8101, deploymentId: 'aaaaaa', upstreams: up(3000), revision: 1 }));
  assert.ok(table.set({ port: 8100, deploymentId: 'bbbbbb', upstreams: up(3001), revision: 4 }));
  assert.equal(
    table.all().map((e) => e.port),
    [8100, 8101],
  );
  assert.is(table.get(8101)?.deploymentId, 'aaaaaa');
  assert.ok(
    table.set({ port: 8101, deploymentId: 'aaaaaa', upstreams: up(3000), revision: 1 }),
    'replaying the same write is fine',
  );
  assert.is(changes.length, 2, 'a replay notifies nobody');
  assert.ok(table.delete(8101));
  assert.is(table.get(8101), undefined);
  assert.equal(changes[2].current, null);
  assert.is(changes[2].previous?.deploymentId, 'aaaaaa');
  assert.is(table.size, 1);
});

test('an older revision never overwrites a newer one', () => {
  const table = new RouteTable();
  table.set({ port: 8100, deploymentId: 'newer1', upstreams: up(3000), revision: 5 });
  assert.not.ok(table.set({ port: 8100, deploymentId: 'older1', upstreams: up(3001), revision: 4 }));
  assert.is(table.get(8100)?.deploymentId, 'newer1');
  assert.not.ok(table.delete(8100, 3), 'a stale delete is ignored too');
  assert.ok(table.get(8100));
  assert.ok(table.delete(8100, 6));
});

test('bad routes are refused with INVALID_ARGUMENT naming the field, and change nothing', () => {
  const table = new RouteTable();
  const cases: Array<[unknown, string]> = [
    [{ port: 0, deploymentId: 'aaaaaa', upstreams: [], revision: 1 }, 'port'],
    [{ port: 8100, deploymentId: 'Not An Id', upstreams: [], revision: 1 }, 'deploymentId'],
    [
      { port: 8100, deploymentId: 'aaaaaa', upstreams: [{ host: 'localhost', port: 1 }], revision: 1 },
      'upstreams.0.host',
    ],
    [
      { port: 8100, deploymentId: 'aaaaaa', upstreams: [{ host: '::1', port: 70000 }], revision: 1 },
      'upstreams.0.port',
    ],
    [{ port: 8100, deploymentId: null, upstreams: up(1), revision: 1 }, 'upstreams'],
    [{ port: 8100, deploymentId: 'aaaaaa', upstreams: [], revision: -1 }, 'revision'],
  ];
  for (const [entry, field] of cases) {
    try {
      table.set(entry as never);
      assert.unreachable(`accepted a bad ${field}`);
    } catch (error) {
      assert.instance(error, CompartmentError);
      assert.is((error as CompartmentError).code, 'INVALID_ARGUMENT');
      assert.is((error as CompartmentError).field, field);
    }
  }
  assert.is(table.size, 0);
});

test('entries are frozen copies: mutating the input later changes nothing', () => {
  const table = new RouteTable();
  const upstreams = up(3000);
  table.set({ port: 8100, deploymentId: 'aaaaaa', upstreams, revision: 1 });
  upstreams[0].port = 9999;
  assert.is(table.get(8100)?.upstreams[0].port, 3000);
  assert.ok(Object.isFrozen(table.get(8100)));
});

test('a throwing listener does not stop the others', async () => {
  const table = new RouteTable();
  let seen = 0;
  const thrown: unknown[] = [];
  const onUncaught = (e: unknown) => thrown.push(e);
  process.on('uncaughtException', onUncaught);
  table.onChange(() => {
    throw new Error('listener bug');
  });
  const off = table.onChange(() => seen++);
  table.set({ port: 8100, deploymentId: 'aaaaaa', upstreams: [], revision: 1 });
  off();
  table.set({ port: 8100, deploymentId: 'aaaaaa', upstreams: [], revision: 2 });
  await sleep(10);
  process.off('uncaughtException', onUncaught);
  assert.is(seen, 1, 'called once, then unsubscribed');
  assert.is(thrown.length, 2, 'the bug still surfaces');
});

test.run();
