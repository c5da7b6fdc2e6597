// Docker's failures as CompartmentErrors, and the HTTP statuses dockerode reports (404 gone, 304 already so, 409 conflict).
import { errorText, CompartmentError } from '../protocol/index.js';

const CONNECTION_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ENOTSOCK', 'ETIMEDOUT']);

export const statusOf = (e: unknown): number | undefined => (e as { statusCode?: number } | null)?.statusCode;
export const isNotFound = (e: unknown) => statusOf(e) === 404;
export const isNotModified = (e: unknown) => statusOf(e) === 304;
export const isConflict = (e: unknown) => statusOf(e) === 409;

/** The engine did not answer at all (no socket, refused, no permission), as opposed to answering with an error. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

/** Docker's own message: dockerode wraps it as "(HTTP code 400) unexpected - <message> ". */
export function dockerMessage(e: unknown): string {
  const text = errorText(e);
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  const m = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(text);
  return (m ? m[1]! : text).trim();
}

export function dockerUnavailable(socketPath: string, cause: unknown): CompartmentError {
  const why = errorText(cause);
  return new CompartmentError(
    'DOCKER_UNAVAILABLE',
    `no Docker engine answers at ${socketPath} (${why}); start dockerd, or point the node agent at another socket with --docker-socket`,
  );
}

export function buildFailed(message: string): CompartmentError {
  return new CompartmentError('BUILD_FAILED', message);
}

export function startFailed(message: string): CompartmentError {
  return new CompartmentError('START_FAILED', message);
}

/** Connection failures become DOCKER_UNAVAILABLE naming the socket; CompartmentErrors pass; the rest keep Docker's message. */
export function asCompartmentError(
  e: unknown,
  socketPath: string,
  code: 'START_FAILED' | 'BUILD_FAILED' | 'INTERNAL' = 'INTERNAL',
): CompartmentError {
  if (e instanceof CompartmentError) return e;
  if (isConnectionError(e)) return dockerUnavailable(socketPath, e);
  return new CompartmentError(code, `docker: ${dockerMessage(e)}`);
}
