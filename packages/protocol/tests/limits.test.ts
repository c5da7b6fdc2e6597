// Each documented input limit crossed by one: the error names the field, and the value at the limit still passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  API,
  CompartmentError,
  MAX_DOMAINS_PER_SERVICE,
  MAX_LOGS_TAIL,
  MAX_SERVICES_PER_DEPLOY,
  MAX_VARIABLE_VALUE_BYTES,
  TRUNCATED_MARKER,
  parseProjectConfig,
  parseWith,
  truncateText,
} from '../index.js';
import { failure } from './failure.js';

const config = (web: object, environments: object = {}) => ({
  environments,
  services: { web: { start: 'node s.js', ...web } },
});
const atLimit = 'x'.repeat(MAX_VARIABLE_VALUE_BYTES);
const overLimit = `${atLimit}y`;
const digest = `sha256-${'a'.repeat(64)}`;

test('readiness path "/health check" is rejected naming services.web.readiness.path; /ready?x=1 passes', () => {
  for (const path of ['/health check', 'health', '/a\tb', '/a#b', '/\u0000']) {
    const e = failure(() => parseProjectConfig(config({ readiness: { path } })));
    assert.is(e.code, 'CONFIG_INVALID');
    assert.is(e.field, 'services.web.readiness.path', path);
    assert.match(e.message, 'URL path');
  }
  assert.is(
    parseProjectConfig(config({ readiness: { path: '/ready?x=1' } })).services.web!.readiness!.path,
    '/ready?x=1',
  );
});

test('a variable value over 64 KiB in compartment.yaml names its field (service and environment)', () => {
  assert.is(
    parseProjectConfig(config({ variables: { BIG: atLimit } })).services.web!.variables.BIG!.length,
    MAX_VARIABLE_VALUE_BYTES,
  );
  const e = failure(() => parseProjectConfig(config({ variables: { BIG: overLimit } })));
  assert.equal([e.code, e.field], ['CONFIG_INVALID', 'services.web.variables.BIG']);
  assert.match(e.message, 'too large');
  const env = failure(() => parseProjectConfig(config({}, { staging: { variables: { BIG: overLimit } } })));
  assert.is(env.field, 'environments.staging.variables.BIG');
  // Bytes, not characters: 22,000 three-byte characters are over 64 KiB.
  assert.ok(
    failure(() => parseProjectConfig(config({ variables: { U: '€'.repeat(22_000) } }))).message.includes('too large'),
  );
});

test('env.set with a value over 64 KiB is TOO_LARGE naming value', () => {
  assert.is(parseWith(API['env.set'].request, { name: 'BIG', value: atLimit }).value.length, MAX_VARIABLE_VALUE_BYTES);
  const e = failure(() => parseWith(API['env.set'].request, { name: 'BIG', value: overLimit }, 'INVALID_ARGUMENT'));
  assert.equal([e.code, e.field], ['TOO_LARGE', 'value']);
});

test(`a deploy of more than ${MAX_SERVICES_PER_DEPLOY} services is TOO_LARGE naming services`, () => {
  const services = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `s${i}`, config: { start: 'x' }, sourceDigest: digest }));
  assert.is(
    parseWith(API.deploy.request, { services: services(MAX_SERVICES_PER_DEPLOY) }).services.length,
    MAX_SERVICES_PER_DEPLOY,
  );
  const e = failure(() =>
    parseWith(API.deploy.request, { services: services(MAX_SERVICES_PER_DEPLOY + 1) }, 'INVALID_ARGUMENT'),
  );
  assert.equal([e.code, e.field], ['TOO_LARGE', 'services']);
});

test(`logs --tail over ${MAX_LOGS_TAIL} is refused naming tail`, () => {
  assert.is(parseWith(API.logs.request, { tail: MAX_LOGS_TAIL }).tail, MAX_LOGS_TAIL);
  const e = failure(() => parseWith(API.logs.request, { tail: MAX_LOGS_TAIL + 1 }, 'INVALID_ARGUMENT'));
  assert.is(e.field, 'tail');
  assert.match(e.message, `at most ${MAX_LOGS_TAIL}`);
});

test('a build timeout is per service and bounded', () => {
  assert.is(parseProjectConfig(config({ buildTimeoutMs: 5_000 })).services.web!.buildTimeoutMs, 5_000);
  assert.is(failure(() => parseProjectConfig(config({ buildTimeoutMs: 10 }))).field, 'services.web.buildTimeoutMs');
});

test('truncateText keeps short text and cuts long text to the limit with the marker', () => {
  assert.is(truncateText('short', 100), 'short');
  const cut = truncateText('y'.repeat(500), 100);
  assert.is(cut.length, 100);
  assert.ok(cut.endsWith(TRUNCATED_MARKER));
});

test('domains: at most 20 per service and environment, valid host names only, folded to lower case, not on workers', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.example.com`);
  assert.is(
    parseProjectConfig(config({ domains: { production: names(MAX_DOMAINS_PER_SERVICE) } })).services.web!.domains!
      .production!.length,
    MAX_DOMAINS_PER_SERVICE,
  );
  const over = failure(() =>
    parseProjectConfig(config({ domains: { production: names(MAX_DOMAINS_PER_SERVICE + 1) } })),
  );
  assert.equal([over.code, over.field], ['CONFIG_INVALID', 'services.web.domains.production']);
  for (const bad of [
    'localhost',
    '*.example.com',
    'app.example.com:443',
    '10.0.0.1',
    'a_b.example.com',
    '-a.example.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}com`,
  ]) {
    const e = failure(() => parseProjectConfig(config({ domains: { production: [bad] } })));
    assert.equal([e.code, e.field], ['CONFIG_INVALID', 'services.web.domains.production.0'], bad);
  }
  assert.equal(parseProjectConfig(config({ domains: { staging: ['App.Example.COM'] } })).services.web!.domains, {
    staging: ['app.example.com'],
  });
  const twice = failure(() =>
    parseProjectConfig(config({ domains: { production: ['a.example.com', 'a.example.com'] } })),
  );
  assert.is(twice.field, 'services.web.domains.production.1');
  const worker = failure(() =>
    parseProjectConfig(config({ type: 'worker', domains: { production: ['a.example.com'] } })),
  );
  assert.is(worker.field, 'services.web.domains');
});

test.run();
