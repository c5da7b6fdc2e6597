// An HTTP server whose answers the probe tests script, and a port that refuses connections.
import { createServer, type Server } from 'node:http';
import { freePort } from '../harness/ports.js';

export interface ScriptedServer {
  port: number;
  hits: number;
  /** Status of the next answers; 0 means never answer (the request hangs). */
  status: number;
  close(): Promise<void>;
}

export async function scriptedServer(status = 200): Promise<ScriptedServer> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const state = { hits: 0, status };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.status === 0) return void hanging.add(res);
    res.writeHead(state.status).end(req.url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    get hits() {
      return state.hits;
    },
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  } as ScriptedServer;
}

/** A port nobody listens on (freshly released). */
export const closedPort = () => freePort();
