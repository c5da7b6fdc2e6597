// Makes autocannon's client count every request it loses and behave like an HTTP/1.1 client on `Connection: close`.
//
// Stock autocannon 8 (lib/httpClient.js) reconnects silently when the server closes a connection that has a
// request waiting on it, leaves that request in its queue (skewing later latencies), and writes its next
// request onto a connection the server announced it would close. A non-retrying client loses such requests,
// so they are counted here, and `Connection: close` is honoured by opening a new connection instead.
import type { Socket } from 'node:net';

export type Lost = (kind: 'socket' | 'closed' | 'timeout', detail: string) => void;

/** The parts of autocannon's internal Client this patch relies on (stable across autocannon 7 and 8). */
interface Client {
  conn: Socket;
  destroyed: boolean;
  pipelinedRequests: { size(): number; clear(): void };
  _connect(): void;
  _doRequest(...args: unknown[]): void;
  _resetConnection(): void;
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): void;
  on(event: 'timeout', listener: () => void): void;
}

export function patchClient(raw: unknown, lost: Lost): void {
  const client = raw as Client;
  let closeAfterResponse = false;
  const connect = client._connect;
  client._connect = function patchedConnect(this: Client) {
    connect.call(this);
    const conn = this.conn;
    // Prepended: autocannon's own listeners reconnect and queue the next request synchronously.
    conn.prependListener('error', (error: NodeJS.ErrnoException) => {
      if (this.destroyed || this.conn !== conn) return;
      const waiting = this.pipelinedRequests.size();
      for (let i = 0; i < waiting; i++) lost('socket', error.code ?? error.message);
      this.pipelinedRequests.clear();
    });
    conn.prependListener('end', () => {
      if (this.destroyed || this.conn !== conn) return;
      const waiting = this.pipelinedRequests.size();
      for (let i = 0; i < waiting; i++) lost('closed', 'EOF');
      this.pipelinedRequests.clear();
    });
  };
  client.on('headers', (info) => {
    if (info.shouldKeepAlive === false) closeAfterResponse = true;
  });
  client.on('timeout', () => lost('timeout', 'no answer'));
  const doRequest = client._doRequest;
  client._doRequest = function patchedDoRequest(this: Client, ...args: unknown[]) {
    if (closeAfterResponse && !this.destroyed) {
      closeAfterResponse = false;
      // The server closes this connection after its answer: the next request goes on a new one.
      this._resetConnection();
      return;
    }
    doRequest.apply(this, args);
  };
}
