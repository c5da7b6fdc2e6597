// `instances` in compartment.yaml and `scale`: 1 to MAX_INSTANCES, per service or per environment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { API, CompartmentError, MAX_INSTANCES, instancesFor, parseProjectConfig, parseWith } from '../index.js';
import { failure } from './failure.js';

const config = (instances: unknown) => ({ services: { web: { start: 'node s.js', instances } } });

test('a count or a count per environment; an environment not named, or no instances at all, gets 1', () => {
  const plain = parseProjectConfig(config(3)).services.web!;
  assert.is(instancesFor(plain, 'production'), 3);
  const perEnv = parseProjectConfig(config({ production: 3, staging: 2 })).services.web!;
  assert.equal(
    [instancesFor(perEnv, 'production'), instancesFor(perEnv, 'staging'), instancesFor(perEnv, 'preview')],
    [3, 2, 1],
  );
  assert.is(instancesFor(parseProjectConfig({ services: { web: { start: 'x' } } }).services.web!, 'production'), 1);
});

test(`${MAX_INSTANCES} passes; ${MAX_INSTANCES + 1}, 0 and 1.5 are refused naming services.web.instances`, () => {
  assert.is(instancesFor(parseProjectConfig(config(MAX_INSTANCES)).services.web!, 'production'), MAX_INSTANCES);
  for (const bad of [MAX_INSTANCES + 1, 0, 1.5, { production: MAX_INSTANCES + 1 }]) {
    const e = failure(() => parseProjectConfig(config(bad)));
    assert.is(e.code, 'CONFIG_INVALID');
    assert.match(e.message, /services\.web\.instances/, JSON.stringify(bad));
  }
});

test(`scale takes 1 to ${MAX_INSTANCES}, naming instances otherwise`, () => {
  assert.is(
    parseWith(API.scale.request, { service: 'web', instances: MAX_INSTANCES }, 'INVALID_ARGUMENT').instances,
    MAX_INSTANCES,
  );
  const e = failure(() =>
    parseWith(API.scale.request, { service: 'web', instances: MAX_INSTANCES + 1 }, 'INVALID_ARGUMENT'),
  );
  assert.match(e.message, /instances/);
});

test.run();
