// Unit tests of the CLI's pure parts: flag parsing, envelopes, progress lines, server command lines, tarball determinism.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompartmentError, exitCodeOf } from '../../packages/protocol/index.js';
import { sinceToIso, tailOf, envOf } from '../../packages/cli/cli-options.js';
import { describeChange } from '../../packages/cli/progress/progress-report.js';
import { formatTable } from '../../packages/cli/output/text-table.js';
import { listSourceFiles, packSource, resolveNatsUrl, serverArgs } from '../../packages/cli/index.js';
import { tempDir } from '../harness/tmp.js';
import { advance, makeRecord } from '../harness/records.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof CompartmentError ? error.code : `not a CompartmentError: ${error}`;
  }
  return undefined;
};

test('--since takes durations (also compound) and ISO times; anything else is INVALID_ARGUMENT', () => {
  const now = Date.parse('2026-04-24T12:00:00Z');
  assert.is(sinceToIso('10m', now), '2026-04-24T11:50:00.000Z');
  assert.is(sinceToIso('2h', now), '2026-04-24T10:00:00.000Z');
  assert.is(sinceToIso('1h30m', now), '2026-04-24T10:30:00.000Z');
  assert.is(sinceToIso('2026-04-24T09:00:00Z', now), '2026-04-24T09:00:00.000Z');
  assert.is(
    codeOf(() => sinceToIso('10 minutes', now)),
    'INVALID_ARGUMENT',
  );
  assert.is(
    codeOf(() => sinceToIso('m', now)),
    'INVALID_ARGUMENT',
  );
});

test('--tail and --env are checked before anything is sent', () => {
  assert.is(tailOf('25'), 25);
  assert.is(tailOf(undefined), 100);
  assert.is(
    codeOf(() => tailOf('-1')),
    'INVALID_ARGUMENT',
  );
  assert.is(envOf({}), 'production');
  assert.is(
    codeOf(() => envOf({ env: 'Staging' })),
    'INVALID_ARGUMENT',
  );
});

test('error codes carry their exit codes (envelopes are tested in cluster/rpc/tests/rpc-codec.test.ts)', () => {
  assert.is(exitCodeOf('CONFIG_INVALID'), 2);
});

test('progress lines: stage changes, readiness attempts with the last detail, the URL or the failure', () => {
  const r0 = makeRecord();
  assert.equal(describeChange(undefined, r0), ['queued, stage building']);
  const r1 = advance(r0, { status: 'running', promotionStage: 'checking_readiness' });
  assert.equal(describeChange(r0, r1), ['stage checking_readiness']);
  const r2 = advance(r1, {
    readiness: { attempts: 3, recent: [{ at: r1.updatedAt, ok: false, detail: 'GET /ready → 503', latencyMs: 2 }] },
  });
  assert.equal(describeChange(r1, r2), ['readiness attempt 3: GET /ready → 503 (not ready)']);
  const r3 = advance(r2, {
    status: 'succeeded',
    promotionStage: 'active',
    health: 'healthy',
    routeUrl: 'http://127.0.0.1:8100',
  });
  assert.equal(describeChange(r2, r3), ['stage active', 'health healthy', 'succeeded: http://127.0.0.1:8100']);
  const f = advance(r1, { status: 'failed', failureMessage: 'readiness timed out after 30000 ms' });
  assert.equal(describeChange(r1, f), ['failed: readiness timed out after 30000 ms']);
});

test('tables pad every column but the last', () => {
  assert.is(
    formatTable(
      ['A', 'LONGER'],
      [
        ['xyz', '1'],
        ['q', '22'],
      ],
    ),
    'A    LONGER\nxyz  1\nq    22',
  );
});

test('the servers `up` runs get exactly these command lines', () => {
  const ports = {
    nats: 4222,
    dns: 5353,
    caddyAdmin: 2019,
    routes: [8100, 8199] as [number, number],
    https: 8443,
    http: 8080,
  };
  const input = { bin: '/x/bin/compartment.js', natsUrl: 'nats://127.0.0.1:4222', dataDir: '/p/.compartment', ports };
  assert.equal(serverArgs('nats', input), {
    command: 'nats-server',
    args: ['-js', '-sd', '/p/.compartment/nats', '-a', '127.0.0.1', '-p', '4222'],
  });
  assert.equal(serverArgs('edge', input).args, [
    '/x/bin/compartment.js',
    'edge',
    '--nats',
    'nats://127.0.0.1:4222',
    '--data-dir',
    '/p/.compartment/edge',
    '--dns-port',
    '5353',
    '--route-ports',
    '8100-8199',
    '--listen-host',
    '127.0.0.1',
    '--https-port',
    '8443',
    '--http-port',
    '8080',
    '--tls',
    'internal',
  ]);
  assert.equal(serverArgs('node', input).args, [
    '/x/bin/compartment.js',
    'node',
    '--nats',
    'nats://127.0.0.1:4222',
    '--data-dir',
    '/p/.compartment/node',
    '--route-ports',
    '8100-8199',
    '--route-host',
    '127.0.0.1',
    '--https-port',
    '8443',
    '--edge-external',
    '--cluster-key',
    '/p/.compartment/cluster.key',
  ]);
  // A three-node cluster: member 2's nats-server joins the others' cluster ports; its edge listens on 127.0.0.2.
  const members = [1, 2, 3].map((i) => ({
    nats: 4221 + i,
    natsCluster: 6221 + i,
    dns: 5352 + i,
    caddyAdmin: 2018 + i,
  }));
  const three = { ...input, ports: { ...input.ports, members }, member: 2 };
  assert.equal(serverArgs('nats', three).args, [
    '-js',
    '-sd',
    '/p/.compartment/nats-2',
    '-a',
    '127.0.0.1',
    '-p',
    '4223',
    '-n',
    'nats-2',
    '--cluster_name',
    'compartment',
    '--cluster',
    'nats://127.0.0.1:6223',
    '--routes',
    'nats://127.0.0.1:6222,nats://127.0.0.1:6223,nats://127.0.0.1:6224',
  ]);
  assert.ok(serverArgs('edge', three).args.join(' ').includes('--listen-host 127.0.0.2 --name edge-2 --replicas 3'));
  assert.ok(
    serverArgs('node', three)
      .args.join(' ')
      .endsWith('--edge-external --name node-2 --replicas 3 --cluster-key /p/.compartment/cluster.key'),
    'every member reads the one key file',
  );
});

test('NATS URL: --nats, then COMPARTMENT_NATS_URL, then .compartment/context.json, then the default', () => {
  const dir = tempDir('cli-url-');
  try {
    assert.equal(resolveNatsUrl(undefined, {}, dir.path), { url: 'nats://127.0.0.1:4222', source: 'default' });
    mkdirSync(join(dir.path, '.compartment'));
    const ports = { nats: 4999, dns: 1, caddyAdmin: 2, routes: [3, 4] };
    writeFileSync(
      join(dir.path, '.compartment/context.json'),
      JSON.stringify({ natsUrl: 'nats://127.0.0.1:4999', pid: 1, ports }),
    );
    assert.equal(resolveNatsUrl(undefined, {}, dir.path), { url: 'nats://127.0.0.1:4999', source: 'context' });
    assert.equal(resolveNatsUrl(undefined, { COMPARTMENT_NATS_URL: 'nats://e:1' }, dir.path).url, 'nats://e:1');
    assert.equal(resolveNatsUrl('nats://f:2', { COMPARTMENT_NATS_URL: 'nats://e:1' }, dir.path).url, 'nats://f:2');
  } finally {
    dir.remove();
  }
});

function sourceTree(root: string): void {
  mkdirSync(join(root, 'src/lib'), { recursive: true });
  mkdirSync(join(root, 'node_modules/dep'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(root, 'build'), { recursive: true });
  mkdirSync(join(root, 'empty'), { recursive: true });
  writeFileSync(join(root, 'server.js'), 'console.log("hi")\n');
  writeFileSync(join(root, 'src/lib/a.js'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src/b.js'), 'export const b = 2;\n');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  symlinkSync('server.js', join(root, 'main.js'));
  writeFileSync(join(root, 'node_modules/dep/index.js'), 'x');
  writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, 'build/out.js'), 'built');
  writeFileSync(join(root, 'debug.log'), 'noise');
  writeFileSync(join(root, '.compartmentignore'), 'build/\n*.log\n');
}

test('source listing: sorted, parents first, default ignores and .compartmentignore honoured', () => {
  const dir = tempDir('cli-src-');
  try {
    sourceTree(dir.path);
    assert.equal(listSourceFiles(dir.path), [
      '.compartmentignore',
      'empty',
      'main.js',
      'run.sh',
      'server.js',
      'src',
      'src/b.js',
      'src/lib',
      'src/lib/a.js',
    ]);
    writeFileSync(join(dir.path, '.compartmentignore'), '!node_modules\nnode_modules/dep/*.md\n');
    assert.ok(
      listSourceFiles(dir.path).includes('node_modules/dep/index.js'),
      'a negation re-includes a default-ignored folder',
    );
  } finally {
    dir.remove();
  }
});

test('tarballs are deterministic: same content ⇒ same bytes whatever the times; content or mode changes the digest', async () => {
  const a = tempDir('cli-tar-a-');
  const b = tempDir('cli-tar-b-');
  try {
    sourceTree(a.path);
    sourceTree(b.path);
    utimesSync(join(b.path, 'server.js'), new Date('2001-01-01'), new Date('2001-01-01'));
    chmodSync(join(b.path, 'src/b.js'), 0o664); // group-write is normalised away
    const pa = await packSource(a.path);
    const pb = await packSource(b.path);
    assert.match(pa.digest, /^sha256-[0-9a-f]{64}$/);
    assert.is(pa.digest, pb.digest);
    assert.ok(Buffer.from(pa.bytes).equals(Buffer.from(pb.bytes)));

    writeFileSync(join(b.path, 'debug2.log'), 'ignored noise');
    writeFileSync(join(b.path, 'node_modules/dep/more.js'), 'ignored');
    assert.is((await packSource(b.path)).digest, pa.digest, 'ignored files do not count');

    writeFileSync(join(b.path, 'src/b.js'), 'export const b = 3;\n');
    const changed = await packSource(b.path);
    assert.is.not(changed.digest, pa.digest);

    writeFileSync(join(b.path, 'src/b.js'), 'export const b = 2;\n');
    assert.is((await packSource(b.path)).digest, pa.digest, 'reverting the change restores the digest');
    chmodSync(join(b.path, 'run.sh'), 0o644);
    assert.is.not((await packSource(b.path)).digest, pa.digest, 'the executable bit is content');
  } finally {
    a.remove();
    b.remove();
  }
});

test('a missing source directory is CONFIG_INVALID naming the field', async () => {
  try {
    await packSource('/nonexistent/dir', 'services.web.path');
    assert.unreachable();
  } catch (error) {
    assert.is((error as CompartmentError).code, 'CONFIG_INVALID');
    assert.is((error as CompartmentError).field, 'services.web.path');
  }
});

test('--help stays fast: the entry, program and error mapping load no NATS client, tar or protocol eagerly', () => {
  const cliDir = fileURLToPath(new URL('../../../packages/cli/', import.meta.url));
  for (const file of ['main.ts', 'run-cli.ts', 'cli-program.ts']) {
    const text = readFileSync(join(cliDir, file), 'utf8');
    const eager = [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    for (const spec of eager)
      assert.ok(
        spec === 'commander' || spec === './cli-program.js' || spec === './run-cli.js',
        `${file} eagerly imports ${spec}`,
      );
  }
});

test('an empty source directory packs into a small, deterministic archive instead of failing', async () => {
  const dir = tempDir('compartment-empty-');
  try {
    const a = await packSource(dir.path);
    const b = await packSource(dir.path);
    assert.is(a.files, 0);
    assert.is(a.digest, b.digest);
    assert.ok(a.bytes.length > 0 && a.bytes.length < 200);
  } finally {
    dir.remove();
  }
});

test.run();
