// `compartment logs` across services reads like `docker compose logs`: a service/deployment column, colours only at a terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;
const exec = promisify(execFile);
const project = new Project({
  'compartment.yaml': [
    'services:',
    '  web:',
    '    path: ./app',
    '    build: echo "> web@1.0.0 build"; echo "bundling…"',
    '    start: node server.js',
    '  background-worker:',
    '    type: worker',
    '    path: ./app',
    '    start: node server.js',
    '',
  ].join('\n'),
  'app/server.js':
    "console.log('up as ' + process.env.ROLE);\nconsole.error('a warning');\nrequire('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT || 0));\n",
});
let records: DeploymentRecord[] = [];

test.before(async () => {
  await project.up();
  await project.ok(['deploy']);
  records = await project.json<DeploymentRecord[]>(['status']);
});
test.after(() => project.remove());

/** The logs command at a terminal (a pty from `script`), as a person would run it. */
async function atTerminal(env: Record<string, string | undefined>): Promise<string> {
  const command = `${process.execPath} ${BIN} logs --tail 1000`;
  const full: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  const { stdout } = await exec('script', ['-qec', command, '/dev/null'], {
    cwd: project.dir,
    env: full as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
  return stdout;
}

test('without --service every line starts with service/short-id in one aligned column; piped output has no colour', async () => {
  const text = await project.ok(['logs', '--tail', '1000']);
  const lines = text.trim().split('\n');
  const width = 'background-worker/'.length + 6;
  for (const r of records) {
    const prefix = `${r.serviceName}/${r.id.slice(-6)}`.padEnd(width) + ' | ';
    assert.ok(
      lines.some((l) => l.startsWith(prefix) && /\[compartment\] deployment \w+ created/.test(l)),
      `${prefix} in\n${text}`,
    );
    assert.ok(
      lines.some((l) => l.startsWith(prefix) && l.endsWith('[stderr]      a warning')),
      `stderr of ${r.serviceName}`,
    );
  }
  assert.ok(
    lines.every((l) => / \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(compartment|stdout|stderr)\] /.test(l)),
    text,
  );
  assert.not.ok(text.includes('\x1b'), 'no escape sequences when piped');
});

test("with --service the spec's single-service format, no column", async () => {
  const text = await project.ok(['logs', '--service', 'web']);
  for (const l of text.trim().split('\n'))
    assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(compartment|stdout|stderr)\]\s+\S/);
});

test('at a terminal each service and the stderr tag are coloured; NO_COLOR turns it off', async () => {
  const painted = await atTerminal({ NO_COLOR: undefined });
  assert.match(painted, /\x1b\[36m(web|background-worker)\/\w{6}\s*\x1b\[0m \| /);
  assert.match(
    painted,
    /\x1b\[33m(web|background-worker)\/\w{6}\s*\x1b\[0m \| /,
    'the second service has another colour',
  );
  assert.match(painted, /\x1b\[31m\[stderr\]\x1b\[0m/);
  const plain = await atTerminal({ NO_COLOR: '1' });
  assert.match(plain, /web\/\w{6}/);
  assert.not.ok(plain.includes('\x1b['), 'NO_COLOR: no colour at a terminal either');
});

test("--follow of a service's three streams prints a deploy's build output before `build complete`", async () => {
  const follow = spawn(process.execPath, [BIN, 'logs', '--follow', '--service', 'web', '--tail', '1'], {
    cwd: project.dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  follow.stdout.on('data', (d) => (out += d));
  try {
    // --tail 1 prints one old line once the follower has read the stream: from then on it follows.
    await waitFor('the follower ready', () => out.trim().length > 0, 30_000, 20);
    const ready = out.length;
    await project.ok(['deploy', '--service', 'web', '--force']);
    await waitFor(
      'the new deployment succeeded in the followed lines',
      () => out.slice(ready).includes('stage: active — deployment succeeded'),
      30_000,
      20,
    );
    const lines = out.slice(ready).split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const [build, bundling, complete] = [
      at(/\[stdout\]\s+> web@1\.0\.0 build$/),
      at(/\[stdout\]\s+bundling…$/),
      at(/\[compartment\] build complete$/),
    ];
    assert.ok(build >= 0 && bundling > build && complete > bundling, out.slice(ready));
  } finally {
    follow.kill('SIGINT');
  }
});

test.run();
