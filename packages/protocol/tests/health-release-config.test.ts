// `health`, `autoRevert` and `release` in compartment.yaml: defaults, bounds, and what is refused naming the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseProjectConfig } from '../index.js';
import { failure } from './failure.js';

const web = (extra: Record<string, unknown>) => ({ services: { web: { start: 'node s.js', ...extra } } });
const refused = (extra: Record<string, unknown>, field: RegExp) => {
  const e = failure(() => parseProjectConfig(web(extra)));
  assert.is(e.code, 'CONFIG_INVALID');
  assert.match(e.message, field, JSON.stringify(extra));
};

test('health: defaults every 5 s, 2 s per probe, 3 failures, 1 pass; the kind may be left to the readiness check', () => {
  const h = parseProjectConfig(web({ health: {} })).services.web!.health!;
  assert.equal(h, { intervalMs: 5_000, timeoutMs: 2_000, failureThreshold: 3, successThreshold: 1 });
  assert.is(
    parseProjectConfig(web({ health: { path: '/health', intervalMs: 100 } })).services.web!.health!.path,
    '/health',
  );
});

test('health: bounds and at most one kind are enforced, naming the field', () => {
  refused({ health: { intervalMs: 99 } }, /services\.web\.health\.intervalMs/);
  refused({ health: { intervalMs: 3_600_001 } }, /services\.web\.health\.intervalMs/);
  refused({ health: { timeoutMs: 60_001 } }, /services\.web\.health\.timeoutMs/);
  refused({ health: { failureThreshold: 0 } }, /services\.web\.health\.failureThreshold/);
  refused({ health: { successThreshold: 101 } }, /services\.web\.health\.successThreshold/);
  refused({ health: { path: '/a b' } }, /services\.web\.health\.path/);
  refused({ health: { path: '/h', tcp: true } }, /at most one of path, tcp or command/);
});

test('autoRevert: off unless given; windowMs 1 s to 24 h', () => {
  assert.is(parseProjectConfig(web({})).services.web!.autoRevert, undefined);
  assert.equal(parseProjectConfig(web({ autoRevert: { windowMs: 300_000 } })).services.web!.autoRevert, {
    windowMs: 300_000,
  });
  refused({ autoRevert: { windowMs: 999 } }, /services\.web\.autoRevert\.windowMs/);
  refused({ autoRevert: { windowMs: 24 * 3_600_000 + 1 } }, /services\.web\.autoRevert\.windowMs/);
});

test('autoRevert.keepPrevious: a boolean beside windowMs, refused otherwise naming the field', () => {
  const keep = parseProjectConfig(web({ autoRevert: { windowMs: 60_000, keepPrevious: true } })).services.web!;
  assert.equal(keep.autoRevert, { windowMs: 60_000, keepPrevious: true });
  refused({ autoRevert: { windowMs: 60_000, keepPrevious: 'yes' } }, /services\.web\.autoRevert\.keepPrevious/);
  refused({ autoRevert: { keepPrevious: true } }, /services\.web\.autoRevert\.windowMs/);
});

test('release: a command up to 4,096 characters, a timeout 1 s to 24 h, for either runtime', () => {
  assert.is(parseProjectConfig(web({ release: 'npm run migrate' })).services.web!.release, 'npm run migrate');
  refused({ release: 'x'.repeat(4_097) }, /services\.web\.release/);
  refused({ release: 'x', releaseTimeoutMs: 999 }, /services\.web\.releaseTimeoutMs/);
  const docker = { release: 'npm run migrate', runtime: 'docker', start: undefined };
  assert.is(parseProjectConfig(web(docker)).services.web!.release, 'npm run migrate');
});

test.run();
