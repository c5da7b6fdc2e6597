// `compartment node --inspect ws://…`: XState inspection events reach a Stately-compatible WebSocket inspector, secrets masked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';
import { freePort, freePortRange } from '../harness/ports.js';
import { Project } from '../harness/project.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { SECRET, jsonLines, workerFiles } from './inspect-project.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;

/** The WebSocket server @statelyai/inspect itself uses (its dependency `ws`, which ships no types). */
interface Socket {
  on(event: 'message', fn: (data: Buffer) => void): void;
  terminate(): void;
}
interface SocketServer {
  on(event: 'connection', fn: (socket: Socket) => void): void;
  clients: Set<Socket>;
  close(): void;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (o: { port: number; host: string }) => SocketServer;
};
const project = new Project(workerFiles());
const nodeData = tempDir('inspect-node-');
let nats: NatsServer | null = null;
let agent: ChildProcess | null = null;
let agentLog = '';
let inspector: SocketServer | null = null;
const received: StatelyInspectionEvent[] = [];
const raw: string[] = [];

async function stopAgent(): Promise<void> {
  if (!agent || agent.exitCode !== null) return;
  const exited = new Promise((r) => agent!.once('exit', r));
  agent.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (agent.exitCode === null) agent.kill('SIGKILL');
}
process.once('exit', () => agent?.kill('SIGKILL'));

test.after(async () => {
  await stopAgent();
  // The stand-in inspector: drop whatever is still connected, then stop listening.
  for (const c of inspector?.clients ?? []) c.terminate();
  inspector?.close();
  await nats?.dispose();
  nodeData.remove();
  await project.remove();
});

test('a node started with --inspect forwards every actor event to the inspector', async () => {
  const wsPort = await freePort();
  // What the Stately inspector's bridge does: accept the node's connection and read one JSON event per message.
  inspector = new WebSocketServer({ port: wsPort, host: '127.0.0.1' });
  inspector.on('connection', (socket) =>
    socket.on('message', (data) => {
      raw.push(data.toString('utf8'));
      received.push(JSON.parse(data.toString('utf8')) as StatelyInspectionEvent);
    }),
  );
  nats = await startNatsServer('inspect-forward');
  const routes = await freePortRange(2);
  agent = spawn(
    process.execPath,
    [
      BIN,
      'node',
      '--nats',
      nats.url,
      '--data-dir',
      join(nodeData.path, 'node'),
      '--route-ports',
      `${routes[0]}-${routes[1]}`,
      '--inspect',
      `ws://127.0.0.1:${wsPort}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  agent.stdout!.on('data', (d) => (agentLog += d));
  agent.stderr!.on('data', (d) => (agentLog += d));
  await waitFor('the node agent is ready', () => agentLog.includes('node agent ready'), 30_000);

  const out = await project.cli(['deploy', '--json', '--nats', nats.url], { timeoutMs: 60_000 });
  assert.is(out.code, 0, out.stdout + out.stderr + agentLog);
  const finished = jsonLines(out.stdout).find((l) => l.type === 'deploy.finished') as {
    deployments: DeploymentRecord[];
  };
  const id = finished.deployments[0]!.id;

  const rootSnapshots = () =>
    received.filter(
      (e): e is Extract<StatelyInspectionEvent, { type: '@xstate.snapshot' }> =>
        e.type === '@xstate.snapshot' &&
        (e.snapshot as { context?: { spec?: { id?: string } } }).context?.spec?.id === id,
    );
  await waitFor(
    'the inspector saw the deployment go active',
    () =>
      rootSnapshots().some((e) =>
        JSON.stringify((e.snapshot as unknown as { value: unknown }).value).includes('"serving"'),
      ),
    15_000,
  );
  const values = rootSnapshots().map((e) => JSON.stringify((e.snapshot as unknown as { value: unknown }).value));
  assert.ok(values[0]!.includes('"queued"'), 'first snapshot: queued for a build slot');
  assert.ok(
    received.some((e) => e.type === '@xstate.actor' && e.definition !== undefined),
    'actors are registered with their machine definition',
  );
  assert.ok(
    received.some(
      (e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'xstate.done.actor.startCandidate',
    ),
    'effect results arrive as events',
  );
});

test('variable values never leave for the inspector (context and init event are masked)', () => {
  assert.ok(raw.length > 10, `${raw.length} events received`);
  assert.ok(
    raw.some((r) => r.includes('"API_TOKEN":"***"')),
    'the variable is there, its value masked',
  );
  assert.not.ok(
    raw.some((r) => r.includes(SECRET)),
    'the secret value appears in no event',
  );
});

test('a bad --inspect URL is refused at start', async () => {
  const bad = spawn(
    process.execPath,
    [
      BIN,
      'node',
      '--nats',
      nats!.url,
      '--data-dir',
      join(nodeData.path, 'x'),
      '--route-ports',
      '1-2',
      '--inspect',
      'http://nope',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  bad.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => bad.once('exit', r));
  assert.is(code, 1);
  assert.match(err, /expected a ws:\/\/ or wss:\/\/ URL/);
});

test.run();
