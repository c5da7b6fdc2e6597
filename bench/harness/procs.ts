// Child processes and HTTP probes for the bench: timed command runs, plain app processes, waiting for a URL.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { nowMs, sleep } from './clock.js';

export interface Timed {
  code: number;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
  wallMs: number;
}

/** Runs a command to completion; the wall time is from spawn to exit as this process sees them. */
export function runTimed(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const startedAt = nowMs();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('exit', (code) => {
      const endedAt = nowMs();
      clearTimeout(timer);
      // Output may still be in the pipes: wait for them to close before reporting it.
      child.on('close', () =>
        resolve({ code: code ?? -1, stdout, stderr, startedAt, endedAt, wallMs: endedAt - startedAt }),
      );
    });
  });
}

/** Like runTimed but a non-zero exit is an error carrying the output. */
export async function runOk(
  command: string,
  args: string[],
  options: Parameters<typeof runTimed>[2] = {},
): Promise<Timed> {
  const r = await runTimed(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET on a fresh connection (no agent), so a probe never rides a keep-alive socket of the load. */
export function httpGet(
  url: string,
  timeoutMs = 2_000,
  byName?: { servername: string; host: string },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // HTTPS by host name: the bench measures the edge, not the trust chain (the certificate is the edge's internal CA's).
    const send = url.startsWith('https:') ? httpsRequest : request;
    const tls = url.startsWith('https:')
      ? {
          rejectUnauthorized: false,
          ...(byName ? { servername: byName.servername, headers: { host: byName.host } } : {}),
        }
      : {};
    const req = send(url, { agent: false, timeout: timeoutMs, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `url` until it answers 2xx (and `accept` agrees); resolves with that answer and when it came. */
export async function waitHttp(
  url: string,
  timeoutMs = 15_000,
  everyMs = 10,
  accept: (a: HttpAnswer) => boolean = () => true,
): Promise<HttpAnswer & { at: number }> {
  const deadline = nowMs() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const a = await httpGet(url, 1_000);
      if (a.status >= 200 && a.status < 300 && accept(a)) return { ...a, at: nowMs() };
      last = `${a.status} ${a.body.slice(0, 80)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (nowMs() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms (last: ${last})`);
    await sleep(everyMs);
  }
}

/**
 * How many sockets listen on 127.0.0.1:`port` (or on every IPv4 address). Caddy binds with SO_REUSEPORT, so two
 * Caddys can share an address and split its traffic: more than one means someone else's server answers part
 * of the requests. (Listeners on other loopback addresses, like the edges of `up --nodes`, do not count.)
 */
export function listenersOn(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const addresses = new Set([`0100007F:${hex}`, `00000000:${hex}`]);
  let text = '';
  try {
    text = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return 1;
  }
  let n = 0;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === '0A' && addresses.has(cols[1] ?? '')) n += 1;
  }
  return n;
}
