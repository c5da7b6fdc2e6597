// Asks `status` every 100 ms from its own thread, so a busy fuzzer in the main thread cannot distort the waits it measures.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '@nats-io/transport-node';
import { RPC } from '../../packages/protocol/index.js';
import { call } from '../../cluster/rpc/index.js';
import { credentialsOptions } from '../../cluster/connection/index.js';

const nc = await connect({
  servers: workerData.natsUrl as string,
  name: 'status-asker',
  ...credentialsOptions(workerData.credsFile as string),
});
let running = true;
let asked = 0;
let longest = 0;
const failures: string[] = [];
parentPort!.on('message', () => (running = false));
while (running) {
  const started = Date.now();
  try {
    await call(nc, RPC.api.status, undefined, {}, { timeoutMs: 1_000 });
  } catch (error) {
    failures.push(`${(error as Error).message} after ${Date.now() - started} ms`);
  }
  longest = Math.max(longest, Date.now() - started);
  asked++;
  await sleep(100);
}
await nc.close();
parentPort!.postMessage({ asked, longest, failures });
