// compartment.yaml's `notify:`: each limit crossed names its field; a valid target gets every event by default.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CompartmentError,
  MAX_NOTIFY_TARGETS,
  MAX_NOTIFY_URL_CHARS,
  NOTIFY_EVENTS,
  parseProjectConfig,
} from '../index.js';

const config = (notify: unknown) => ({ notify, services: { web: { start: 'node s.js' } } });
const target = (o: object = {}) => ({ url: 'https://hooks.example.com/x', secret: 'HOOK_KEY', ...o });

function fieldOf(notify: unknown): string | undefined {
  try {
    parseProjectConfig(config(notify));
  } catch (error) {
    if (error instanceof CompartmentError && error.code === 'CONFIG_INVALID') return error.field;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

test('a target gets every event unless it names some', () => {
  assert.equal(parseProjectConfig(config([target()])).notify[0]!.events, [...NOTIFY_EVENTS]);
  assert.equal(parseProjectConfig(config([target({ events: ['failed'] })])).notify[0]!.events, ['failed']);
  assert.equal(parseProjectConfig({ services: { web: { start: 'x' } } }).notify, []);
});

test('bad targets are refused naming the field', () => {
  assert.is(fieldOf([target({ url: 'ftp://hooks.example.com/x' })]), 'notify.0.url');
  assert.is(fieldOf([target({ url: `https://h.example.com/${'a'.repeat(MAX_NOTIFY_URL_CHARS)}` })]), 'notify.0.url');
  assert.is(fieldOf([target({ events: ['deployed'] })]), 'notify.0.events.0');
  assert.is(fieldOf([target({ events: [] })]), 'notify.0.events');
  assert.is(fieldOf([target({ secret: 'not a name' })]), 'notify.0.secret');
  assert.is(fieldOf([{ url: 'https://h.example.com' }]), 'notify.0.secret');
  assert.is(fieldOf(Array.from({ length: MAX_NOTIFY_TARGETS + 1 }, () => target())), 'notify');
  assert.is(
    parseProjectConfig(config(Array.from({ length: MAX_NOTIFY_TARGETS }, () => target()))).notify.length,
    MAX_NOTIFY_TARGETS,
  );
});

test.run();
