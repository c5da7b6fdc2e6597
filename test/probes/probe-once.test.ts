// Real-network tests of single readiness attempts: http, tcp and command probes and their details.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeOnce } from '../../packages/probes/index.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { readStat } from '../../packages/process-driver/proc-stat.js';
import { scriptedServer, closedPort, type ScriptedServer } from './probe-fixture.js';

let server: ScriptedServer;
const dir = tempDir('compartment-probe-');
test.before(async () => {
  server = await scriptedServer(200);
});
test.after(async () => {
  await server.close();
  dir.remove();
});

const http = (path: string, attemptTimeoutMs = 2000) => ({ path, attemptTimeoutMs });
const at = (port: number | null) => ({ host: '127.0.0.1', port });

test('http 200 passes with the spec detail and a timestamp', async () => {
  server.status = 200;
  const a = await probeOnce(http('/ready'), at(server.port));
  assert.ok(a.ok);
  assert.is(a.detail, 'GET /ready → 200 OK');
  assert.ok(Math.abs(Date.parse(a.at) - Date.now()) < 60_000);
  assert.type(a.latencyMs, 'number');
  assert.ok(a.latencyMs >= 0);
});

test('any 2xx passes; 503 fails', async () => {
  server.status = 204;
  assert.equal(await probeOnce(http('/ready'), at(server.port)).then((a) => [a.ok, a.detail]), [
    true,
    'GET /ready → 204 No Content',
  ]);
  server.status = 503;
  assert.equal(await probeOnce(http('/ready'), at(server.port)).then((a) => [a.ok, a.detail]), [
    false,
    'GET /ready → 503 Service Unavailable',
  ]);
  server.status = 302;
  assert.not.ok((await probeOnce(http('/ready'), at(server.port))).ok);
});

test('a refused connection and a hanging server fail with their reason', async () => {
  const refused = await probeOnce(http('/ready'), at(await closedPort()));
  assert.equal([refused.ok, refused.detail], [false, 'GET /ready → connect ECONNREFUSED']);
  server.status = 0;
  const hung = await probeOnce(http('/ready', 150), at(server.port));
  assert.equal([hung.ok, hung.detail], [false, 'GET /ready → timed out after 150 ms']);
  server.status = 200;
});

test('tcp: connected or refused', async () => {
  const ok = await probeOnce({ tcp: true, attemptTimeoutMs: 2000 }, at(server.port));
  assert.equal([ok.ok, ok.detail], [true, `tcp 127.0.0.1:${server.port} → connected`]);
  const port = await closedPort();
  const no = await probeOnce({ tcp: true, attemptTimeoutMs: 2000 }, at(port));
  assert.equal([no.ok, no.detail], [false, `tcp 127.0.0.1:${port} → connect ECONNREFUSED`]);
});

test('a workload without a port fails http and tcp probes clearly', async () => {
  const a = await probeOnce(http('/ready'), at(null));
  assert.equal([a.ok, a.detail], [false, 'GET /ready → the workload has no port']);
});

test('command: exit 0 passes, runs in the cwd with the env; exit 1 fails with its last stderr line', async () => {
  writeFileSync(join(dir.path, 'ready.flag'), '');
  const target = { host: '127.0.0.1', port: null, cwd: dir.path, env: { WANT: 'yes' } };
  const ok = await probeOnce({ command: 'test -f ready.flag && test "$WANT" = yes', attemptTimeoutMs: 2000 }, target);
  assert.equal([ok.ok, ok.detail], [true, 'command "test -f ready.flag && test \\"$WANT\\" = yes" → exit 0']);
  const bad = await probeOnce({ command: 'exit 1', attemptTimeoutMs: 2000 }, target);
  assert.equal([bad.ok, bad.detail], [false, 'command "exit 1" → exit 1']);
  const said = await probeOnce(
    { command: 'echo "not yet: warming cache" >&2; exit 2', attemptTimeoutMs: 2000 },
    target,
  );
  assert.is(said.detail, 'command "echo \\"not yet: warming cache\\" >&2; exit 2" → exit 2: not yet: warming cache');
});

test('a command that outlives its attempt timeout is killed with everything it started', async () => {
  const target = { host: '127.0.0.1', port: null, cwd: dir.path };
  const pidFile = join(dir.path, 'bg.pid');
  const a = await probeOnce({ command: `sleep 30 & echo $! > ${pidFile}; wait`, attemptTimeoutMs: 200 }, target);
  assert.equal([a.ok, a.detail.endsWith('→ timed out after 200 ms')], [false, true]);
  const bg = Number(readFileSync(pidFile, 'utf8'));
  await waitFor('the background sleep to die', async () => {
    const s = await readStat(bg);
    return s === null || s.state === 'Z';
  });
});

test.run();
