// The git facts a deploy records, from a real git: HEAD, dirty only for changes inside the service's directory, null outside a work tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitSource, Requester, requesterText } from '../../../protocol/index.js';
import { cliRequester, gitSourceOf } from '../git-info.js';

const root = mkdtempSync(join(tmpdir(), 'git-info-'));
const git = (...args: string[]) =>
  execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  }).trim();
test.after(() => rmSync(root, { recursive: true, force: true }));

test('outside a work tree: null', async () => {
  const plain = mkdtempSync(join(tmpdir(), 'no-git-'));
  assert.is(await gitSourceOf(plain), null);
  rmSync(plain, { recursive: true });
});

test('HEAD of the work tree; dirty only when the service directory itself has changes (untracked files too)', async () => {
  mkdirSync(join(root, 'web'));
  mkdirSync(join(root, 'worker'));
  writeFileSync(join(root, 'web/a.js'), '1');
  writeFileSync(join(root, 'worker/b.js'), '1');
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'first');
  const head = git('rev-parse', 'HEAD');
  assert.equal(await gitSourceOf(join(root, 'web')), { commit: head, dirty: false });
  writeFileSync(join(root, 'worker/b.js'), '2');
  assert.equal(await gitSourceOf(join(root, 'web')), { commit: head, dirty: false }, 'a change in another service');
  assert.equal(await gitSourceOf(join(root, 'worker')), { commit: head, dirty: true });
  writeFileSync(join(root, 'web/new.js'), 'x');
  assert.equal(await gitSourceOf(join(root, 'web')), { commit: head, dirty: true }, 'an untracked file');
  assert.ok(GitSource.safeParse(await gitSourceOf(join(root, 'web'))).success);
});

test('a linked work tree (.git is a file) and a GIT_DIR outside the directory are work trees too', async () => {
  const head = git('rev-parse', 'HEAD');
  const linked = join(tmpdir(), `git-info-linked-${process.pid}`);
  git('worktree', 'add', '-q', '--detach', linked, head);
  try {
    assert.equal(await gitSourceOf(join(linked, 'web')), { commit: head, dirty: false });
    const plain = mkdtempSync(join(tmpdir(), 'no-git-'));
    const viaEnv = await gitSourceOf(plain, { ...process.env, GIT_DIR: join(root, '.git') });
    assert.is(viaEnv?.commit, head);
    rmSync(plain, { recursive: true });
  } finally {
    git('worktree', 'remove', '--force', linked);
  }
});

test('the requester: OS user, host and client name, valid for the request schema', () => {
  const r = cliRequester('compartment-cli');
  assert.ok(Requester.safeParse(r).success);
  assert.is(r.host, hostname());
  assert.is(requesterText(r), `${r.user}@${hostname()} (compartment-cli)`);
  assert.is(requesterText({ client: 'bot' }), 'bot');
  assert.is(requesterText(null), '-');
  assert.not.ok(Requester.safeParse({ user: 'x'.repeat(300) }).success, 'labels are bounded');
});

test.run();
