// Every size limit Compartment enforces, in one place: the README's "Limits" table lists these same values.

/** A variable value (env set, compartment.yaml `variables`): env list replies must stay well under NATS's 1 MB. */
export const MAX_VARIABLE_VALUE_BYTES = 64 * 1024;
/** failureMessage and a readiness attempt's detail: longer ones are cut and end with TRUNCATED_MARKER. */
export const MAX_MESSAGE_CHARS = 4 * 1024;
/** One log line (workload output, build output): longer lines are split into parts of at most this size. */
export const MAX_LOG_LINE_BYTES = 64 * 1024;
/** `logs --tail N`. */
export const MAX_LOGS_TAIL = 10_000;
/** Services in one deploy request. */
export const MAX_SERVICES_PER_DEPLOY = 100;
/** Uploaded source tarball (gzip), default; `compartment node --max-source-mb` and COMPARTMENT_MAX_SOURCE_MB change it. */
export const DEFAULT_MAX_SOURCE_BYTES = 256 * 1024 * 1024;
/** Unpacked size of one source, default; `--max-unpacked-mb` and COMPARTMENT_MAX_UNPACKED_MB change it. */
export const DEFAULT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
/** A build that runs longer is killed (its whole process group) and the deployment fails; per service `buildTimeoutMs`. */
export const DEFAULT_BUILD_TIMEOUT_MS = 30 * 60 * 1000;

export const TRUNCATED_MARKER = '… [truncated]';

/** `text` cut to at most `max` characters, ending with the marker when it was cut. */
export function truncateText(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - TRUNCATED_MARKER.length)) + TRUNCATED_MARKER;
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
