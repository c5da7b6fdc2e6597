// A keeper in its own Node process, so a test can SIGKILL the "control plane" and watch the data plane outlive it.
import { readFileSync } from 'node:fs';
import { startCaddyKeeper } from '../../packages/edge/index.js';

// Usage: node keeper-process.js <input.json with {config, dataDir}>; prints "ready <caddy pid>" once Caddy answers.

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const keeper = await startCaddyKeeper({ config: input.config, dataDir: input.dataDir });
process.stdout.write(`ready ${keeper.pid()}\n`);
setInterval(() => {}, 60_000);
