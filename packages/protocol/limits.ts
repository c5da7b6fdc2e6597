// Every size limit Compartment enforces, in one place: the README's "Limits" table lists these same values.

/** A variable value (env set, compartment.yaml `variables`): env list replies must stay well under NATS's 1 MB. */
export const MAX_VARIABLE_VALUE_BYTES = 64 * 1024;
/** failureMessage and a readiness attempt's detail: longer ones are cut and end with TRUNCATED_MARKER. */
export const MAX_MESSAGE_CHARS = 4 * 1024;
/**
 * One log line (workload stdout/stderr, build output, Docker build output): a longer line is split into parts of at
 * most this many bytes (file scanner) or characters (stream splitters), so no splitter buffers without bound.
 */
export const MAX_LOG_LINE = 32 * 1024;
/** `logs --tail N`. */
export const MAX_LOGS_TAIL = 10_000;
/** Services in one deploy request. */
export const MAX_SERVICES_PER_DEPLOY = 100;
/** Instances of one service (`instances` in compartment.yaml): copies spread over distinct nodes. */
export const MAX_INSTANCES = 16;
/** Uploaded source tarball (gzip), default; `compartment node --max-source-mb` and COMPARTMENT_MAX_SOURCE_MB change it. */
export const DEFAULT_MAX_SOURCE_BYTES = 256 * 1024 * 1024;
/** Unpacked size of one source, default; `--max-unpacked-mb` and COMPARTMENT_MAX_UNPACKED_MB change it. */
export const DEFAULT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
/** A build that runs longer is killed (its whole process group) and the deployment fails; per service `buildTimeoutMs`. */
export const DEFAULT_BUILD_TIMEOUT_MS = 30 * 60 * 1000;
/** A release command (migrations) still running after this long is killed and the deployment fails (`releaseTimeoutMs`). */
export const DEFAULT_RELEASE_TIMEOUT_MS = 10 * 60 * 1000;
/** Domains of one service in one environment (`domains:`): each is an on-demand certificate and a DNS name per edge. */
export const MAX_DOMAINS_PER_SERVICE = 20;
/** One domain: DNS's own limit for a name. */
export const MAX_DOMAIN_CHARS = 253;

export const TRUNCATED_MARKER = '… [truncated]';

/** `text` cut to at most `max` characters, ending with the marker when it was cut. */
export function truncateText(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - TRUNCATED_MARKER.length)) + TRUNCATED_MARKER;
}

/**
 * Cuts complete parts of `max` characters off the front of an unfinished line (never inside a surrogate pair);
 * returns them and what is left (shorter than or equal to `max`).
 */
export function splitLongLine(text: string, max = MAX_LOG_LINE): { parts: string[]; rest: string } {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const code = rest.charCodeAt(max - 1);
    const cut = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return { parts, rest };
}

/** UTF-8 length without Buffer (protocol and machines compile without Node types). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Megabytes from an environment variable, or the default when it is unset or not a positive number. */
export function bytesFromMb(value: string | undefined, fallback: number): number {
  const mb = value === undefined ? NaN : Number(value);
  return Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 1024 * 1024) : fallback;
}

/** Deployments one `watch` request follows (a deploy of every service at once is the most a client waits on). */
export const MAX_WATCH_DEPLOYMENTS = MAX_SERVICES_PER_DEPLOY;
/** How long a `watch` request may wait for a change before it is answered empty: under one read attempt of call(). */
export const MAX_WATCH_WAIT_MS = 4_000;
/** Transitions one `watch` reply carries at most (serialized bytes); the rest come with the next request. */
export const MAX_WATCH_TRANSITION_BYTES = 128 * 1024;
/** Records (puts and deletions) one `feed` reply carries at most; the cursor says where the next one goes on. */
export const MAX_FEED_RECORDS = 200;
/** Serialized bytes of the records in one `feed` reply (at least one record is always sent, so a caller moves on). */
export const MAX_FEED_RECORD_BYTES = 256 * 1024;
