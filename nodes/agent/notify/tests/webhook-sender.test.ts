// The webhook sender against a real local HTTP receiver: signed bodies, retries with one delivery id, a bounded give-up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook, signature } from '../webhook-sender.js';
import { eventsOf } from '../notify-events.js';
import type { DeploymentRecord } from '../../../../packages/protocol/index.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

async function receiver(statuses: number[]): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(statuses[seen.length - 1] ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/token123`,
    seen,
    close: () => server.close(),
  };
}

const fast = { firstDelayMs: 10, timeoutMs: 2_000 };

test('a receiver that fails twice gets the same signed delivery a third time', async () => {
  const r = await receiver([503, 500, 200]);
  const attempt = await sendWebhook(
    { url: r.url, key: 'k3y', delivery: 'd-1.succeeded', event: 'succeeded', body: '{"a":1}' },
    fast,
  );
  r.close();
  assert.is(attempt, 3);
  assert.is(r.seen.length, 3);
  assert.equal(new Set(r.seen.map((s) => s.headers['x-compartment-delivery'])), new Set(['d-1.succeeded']));
  for (const s of r.seen) {
    assert.is(s.body, '{"a":1}');
    assert.is(
      s.headers['x-compartment-signature'],
      signature('k3y', String(s.headers['x-compartment-timestamp']), s.body),
    );
  }
  assert.is.not(signature('other', '1', '{"a":1}'), signature('k3y', '1', '{"a":1}'));
});

test('a receiver that never answers 2xx: gives up after the attempts, naming only the origin (the path may be a token)', async () => {
  const r = await receiver([500, 500, 500]);
  const error = await sendWebhook(
    { url: r.url, key: 'k', delivery: 'x', event: 'failed', body: '{}' },
    { ...fast, attempts: 3 },
  ).catch((e: Error) => e);
  r.close();
  assert.instance(error, Error);
  assert.match((error as Error).message, /^webhook to http:\/\/127\.0\.0\.1:\d+ failed after 3 attempts: HTTP 500$/);
  assert.not.match((error as Error).message, /token123/);
  assert.is(r.seen.length, 3);
});

const rec = (status: string, promotionStage: string, failureMessage: string | null = null) =>
  ({ status, promotionStage, failureMessage }) as DeploymentRecord;

test('events: a change, never a first sighting', () => {
  assert.equal(eventsOf(null, rec('succeeded', 'active')), []);
  assert.equal(eventsOf(rec('running', 'draining_previous'), rec('succeeded', 'active')), ['succeeded']);
  assert.equal(eventsOf(rec('succeeded', 'active'), rec('succeeded', 'active')), []);
  assert.equal(eventsOf(rec('running', 'checking_readiness'), rec('failed', 'checking_readiness')), ['failed']);
  assert.equal(eventsOf(rec('succeeded', 'active'), rec('succeeded', 'rolled_back')), ['rolled_back']);
  const reverted = rec('succeeded', 'rolled_back', 'automatically reverted: health check failed 3 times in a row');
  assert.equal(
    eventsOf(rec('succeeded', 'active'), reverted),
    ['rolled_back', 'auto_reverted'],
    'an automatic revert is also auto_reverted',
  );
});

test.run();
