// A process workload's anonymous CONNECT to the cluster's NATS is refused (authenticated NATS, issue 12 Deliver 1);
// without authentication (COMPARTMENT_NATS_AUTH=off) it gets PONG, and this test fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { proberProject, type AttackReport } from './prober-app.js';

const project = new Project(proberProject());
test.after(() => project.remove());

test('an anonymous NATS CONNECT from inside a process workload gets -ERR Authorization Violation', async () => {
  const routeUrl = await project.upAndDeploy();
  const natsPort = project.context().ports.nats;
  const res = await fetch(`${routeUrl}/attack`, { method: 'POST', body: JSON.stringify({ nats: [natsPort] }) });
  const answer = ((await res.json()) as AttackReport).nats[natsPort]!;
  assert.match(answer, /^answered: INFO /, `the probe reached nats-server at all: ${answer}`);
  assert.not.match(answer, /PONG/, 'an anonymous client must not get PONG');
  assert.match(answer, /-ERR 'Authorization Violation'/, answer);
});

test.run();
