// An edge restarted while NATS is unreachable answers from the routes it last knew, then catches up when NATS returns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';

const project = new Project(webProject({ version: 'one' }));
let nats = 0;
test.after(async () => {
  if (nats) process.kill(nats, 'SIGCONT');
  await project.remove();
});

const body = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => (r.ok ? r.text() : null),
    () => null,
  );

test('NATS frozen, the edge killed and restarted: the route still answers; after NATS returns a deploy switches through it', async () => {
  const url = await project.upAndDeploy();
  assert.match((await body(url)) ?? '', /^version=one /);
  const children = project.context().children;
  nats = children.nats!;
  process.kill(nats, 'SIGSTOP');
  const edge = children.edge!;
  process.kill(edge, 'SIGKILL');
  await project.restarted('edge', edge);
  const served = await waitFor(
    'the route answering through the restarted edge, NATS still frozen',
    () => body(url),
    15_000,
    50,
  );
  assert.match(served, /^version=one /);
  assert.match(project.log('edge'), /answering from the routes this edge last knew/);

  process.kill(nats, 'SIGCONT');
  nats = 0;
  project.write(webProject({ version: 'two' }));
  await project.ok(['deploy'], { timeoutMs: 120_000 });
  assert.match(
    await waitFor(
      'the new version through the edge',
      async () => ((await body(url))?.startsWith('version=two') ? body(url) : null),
      15_000,
    ),
    /^version=two /,
  );
});

test.run();
