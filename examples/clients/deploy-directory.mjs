#!/usr/bin/env node
// A Compartment client in plain nats.js (no Compartment code): uploads a directory, deploys it, follows it, prints the record.
// Usage: COMPARTMENT_NATS_URL=nats://… COMPARTMENT_NATS_CREDS=.compartment/credentials/cli.creds \
//          node deploy-directory.mjs DIR SERVICE ['{"start":"node server.js","readiness":{"path":"/"}}']
// The steps are those of docs/api.md "Deploying from a client".
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { nkeyAuthenticator } from '@nats-io/nats-core';
import { Objm } from '@nats-io/obj';

const [dir, service, configJson = '{"start":"npm start","readiness":{"path":"/"}}'] = process.argv.slice(2);
if (!dir || !service) {
  console.error('usage: deploy-directory.mjs DIR SERVICE [CONFIG_JSON]');
  process.exit(2);
}

// Credentials: the nkey seed line, and the role's inbox prefix from the "# inbox:" comment.
const creds = readFileSync(process.env.COMPARTMENT_NATS_CREDS, 'utf8');
const seed = creds.match(/^SU[A-Z2-7]+$/m)[0];
const inboxPrefix = creds.match(/^#\s*inbox:\s*(\S+)$/m)?.[1];
const nc = await connect({
  servers: (process.env.COMPARTMENT_NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
  authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
  ...(inboxPrefix ? { inboxPrefix } : {}),
  name: 'deploy-directory.mjs',
});

/** One request: JSON in, the envelope's result out, an error reply thrown with its code. */
async function request(verb, body) {
  const reply = (await nc.request(`compartment.api.${verb}`, JSON.stringify(body), { timeout: 30_000 })).json();
  if (!reply.ok)
    throw Object.assign(new Error(`${reply.error.code}: ${reply.error.message}`), { code: reply.error.code });
  return reply.result;
}

/** deploy's reply may come in several messages (`more: true` on all but the last): join their `deployments`. */
async function deploy(body) {
  const parts = await nc.requestMany('compartment.api.deploy', JSON.stringify(body), {
    strategy: 'stall',
    stall: 30_000,
    maxWait: 120_000,
  });
  const result = { deployments: [], unchanged: [] };
  for await (const msg of parts) {
    const reply = msg.json();
    if (!reply.ok)
      throw Object.assign(new Error(`${reply.error.code}: ${reply.error.message}`), { code: reply.error.code });
    result.deployments.push(...reply.result.deployments);
    result.unchanged = reply.result.unchanged;
    if (!reply.more) break;
  }
  return result;
}

try {
  // 1-3: pack (files at the archive root), name by SHA-256, upload unless the store has it.
  const bytes = execFileSync('tar', ['-czf', '-', '-C', dir, '.'], { maxBuffer: 256 * 1024 * 1024 });
  const digest = `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
  const store = await new Objm(nc).open('compartment_sources');
  const existing = await store.info(digest);
  if (!existing || existing.deleted) await store.putBlob({ name: digest }, new Uint8Array(bytes));
  console.error(`uploaded ${dir} as ${digest}`);

  // 4: deploy, with a key that makes a retry of this same request safe.
  const { deployments, unchanged } = await deploy({
    idempotencyKey: randomBytes(12).toString('base64url'),
    // Recorded in the deployment's audit trail (`status --all`, `inspect`).
    requestedBy: { client: 'deploy-directory.mjs', ...(process.env.USER ? { user: process.env.USER } : {}) },
    services: [{ name: service, config: JSON.parse(configJson), sourceDigest: digest }],
  });
  let record = deployments[0];
  if (!record) {
    // Same source, config and variables as the running deployment: print that one.
    record = (await request('inspect', { id: unchanged[0].deploymentId })).deployment;
  }

  // 5: follow it until it is terminal (asking inspect; the `watch` long poll would also do).
  let seen = '';
  while (record.status !== 'succeeded' && record.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 250));
    record = (await request('inspect', { id: record.id })).deployment;
    const now = `${record.status} ${record.promotionStage} ${record.health}`;
    if (now !== seen) {
      seen = now;
      console.error(now);
    }
  }
  console.log(JSON.stringify(record, null, 2));
  process.exitCode = record.status === 'succeeded' ? 0 : 1;
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
