// `deploy` and `rollback` at a real terminal (a pty from `script`): a live view redrawn in place; plain lines otherwise; JSON lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { Project } from '../harness/project.js';
import { jsonLines, webFiles } from './inspect-project.js';
import { startCli } from './live-cli.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;
const project = new Project(webFiles({ version: 'v1', readyAfterMs: 400 }));
let version = 1;

test.after(() => project.remove());

/** Runs the CLI under a pseudo-terminal, as a person's shell would (`script` allocates it). */
function inTerminal(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const { NO_COLOR: _no, ...base } = process.env;
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: project.dir,
      env: { ...base, TERM: 'xterm-256color', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`timed out:\n${out}`))), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}
const nextVersion = () => project.write(webFiles({ version: `v${++version}`, readyAfterMs: 400 }));

test('at a terminal, deploy draws one line per service and redraws it in place until the URL', async () => {
  await project.up();
  const { code, out } = await inTerminal(['deploy']);
  assert.is(code, 0, out);
  assert.ok(out.includes('\x1b[1F\x1b[2K'), 'moves back up over its row and clears it');
  const frames = out.split('\x1b[1F');
  assert.ok(frames.length > 3, `redrawn ${frames.length} times`);
  assert.ok(
    frames.some((f) => /checking_readiness\s+\d+\.\ds\s.*readiness: \d+ attempts?, last GET \/ready → 503/.test(f)),
    'readiness attempts while it waits',
  );
  const last = frames.at(-1)!;
  assert.match(last, /✓.*web.*active.*\d+\.\ds.*http:\/\/127\.0\.0\.1:\d+/);
  assert.match(last, /1 succeeded, 0 failed/);
  assert.not.match(out, /stage checking_readiness/, 'not the plain line format');
});

test('a failing deploy ends its row with the failure, exit 1', async () => {
  project.write(webFiles({ version: 'bad', neverReady: true, timeoutMs: 500 }));
  const { code, out } = await inTerminal(['deploy']);
  assert.is(code, 1, out);
  assert.match(
    out.split('\x1b[1F').at(-1)!,
    /✗.*web.*checking_readiness.*failed: readiness check timed out after 500 ms/,
  );
});

test('rollback at a terminal uses the same view', async () => {
  nextVersion();
  assert.is((await inTerminal(['deploy'])).code, 0);
  const { code, out } = await inTerminal(['rollback', '--service', 'web']);
  assert.is(code, 0, out);
  assert.match(out, /rolling back from \w+ to \w+/);
  assert.match(out.split('\x1b[1F').at(-1)!, /✓.*web.*active.*http:\/\/127\.0\.0\.1:\d+/);
});

test('NO_COLOR at a terminal, and a pipe, get plain lines: one per change', async () => {
  nextVersion();
  const { code, out } = await inTerminal(['deploy'], { NO_COLOR: '1' });
  assert.is(code, 0, out);
  assert.not.ok(out.includes('\x1b['), 'no escape codes at all');
  assert.match(out, /web\s+\w+\s+stage checking_readiness/);
  assert.match(out, /web\s+\w+\s+succeeded: http:\/\/127\.0\.0\.1:\d+/);
  nextVersion();
  const piped = await startCli(['deploy'], project.dir, { NO_COLOR: '' }).done;
  assert.is(piped.code, 0, piped.stderr);
  assert.not.ok(piped.stdout.includes('\x1b['));
  assert.match(piped.stdout, /web\s+\w+\s+readiness attempt \d+: GET \/ready → 200 OK \(ready\)/);
});

test('--json: one event per line, from the upload to the end', async () => {
  nextVersion();
  const r = await project.cli(['deploy', '--json'], { timeoutMs: 60_000 });
  assert.is(r.code, 0, r.stderr);
  const events = jsonLines(r.stdout);
  const types = events.map((e) => String(e.type));
  assert.is(types[0], 'source');
  assert.is(types[1], 'deploy.accepted');
  assert.is(types.at(-1), 'deploy.finished');
  assert.ok(types.slice(2, -1).every((t) => t === 'deployment.updated') && types.length > 4);
});

test.run();
