// Server-sent events: one open response per browser tab, named events with JSON data, a heartbeat so proxies keep it open.
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Resolves when the browser goes away (or the server closes it). */
  readonly closed: Promise<void>;
  close(): void;
}

export function openEventStream(req: IncomingMessage, res: ServerResponse): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Tells EventSource how soon to reconnect after the server went away (a restart of `up`).
  res.write('retry: 1000\n\n');
  let open = true;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    resolveClosed();
  };
  req.on('close', end);
  res.on('close', end);
  return {
    closed,
    send: (event, data) => {
      if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close: () => {
      end();
      res.end();
    },
  };
}

/** Every open stream of one kind, so the server can reach them all and close them on shutdown. */
export class StreamSet {
  private readonly streams = new Set<EventStream>();

  add(stream: EventStream): void {
    this.streams.add(stream);
    void stream.closed.then(() => this.streams.delete(stream));
  }

  broadcast(event: string, data: unknown): void {
    for (const s of this.streams) s.send(event, data);
  }

  get size(): number {
    return this.streams.size;
  }

  closeAll(): void {
    for (const s of this.streams) s.close();
    this.streams.clear();
  }
}
