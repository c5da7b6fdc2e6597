// Checks the flags commands share (--env, --service, ids, durations) so bad input fails before anything is sent.
import { randomBytes } from 'node:crypto';
import {
  CompartmentError,
  DEFAULT_ENVIRONMENT,
  DeploymentId,
  LogsRequest,
  Name,
  VariableName,
} from '../protocol/index.js';

export interface CommonFlags {
  env?: string;
  json?: boolean;
  nats?: string;
  /** A credentials FILE; else $COMPARTMENT_NATS_CREDS, else the local cluster's operator credentials. */
  natsCreds?: string;
}

function check(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  value: string,
  field: string,
): string {
  const result = schema.safeParse(value);
  if (result.success) return value;
  const why = result.error?.issues[0]?.message ?? 'is invalid';
  throw new CompartmentError('INVALID_ARGUMENT', `${field} ${JSON.stringify(value)}: ${why}`, field);
}

export const checkName = (value: string, field: string) => check(Name, value, field);
export const checkVariableName = (value: string, field: string) => check(VariableName, value, field);
export const checkDeploymentId = (value: string, field: string) => check(DeploymentId, value, field);

/** `--env`, defaulting to production, validated with the protocol's name rule. */
export function envOf(flags: CommonFlags): string {
  return checkName(flags.env ?? DEFAULT_ENVIRONMENT, '--env');
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or an ISO time; returns an ISO time. */
export function sinceToIso(value: string, now = Date.now()): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const t = Date.parse(trimmed);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === trimmed) {
    const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] ?? 0), 0);
    return new Date(now - ms).toISOString();
  }
  throw new CompartmentError(
    'INVALID_ARGUMENT',
    `--since ${JSON.stringify(value)}: expected a duration like 10m, 2h, 1d or an ISO time`,
    '--since',
  );
}

/** `--tail N`: a whole number of lines. */
export function tailOf(value: string | undefined, fallback = 100): number {
  if (value === undefined) return fallback;
  const max = LogsRequest.shape.tail.unwrap().maxValue ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `--tail ${JSON.stringify(value)}: expected a whole number of lines (0 to ${max})`,
      '--tail',
    );
  }
  return Number(value);
}

/** One per command that changes something: the cluster answers a retry of that request with its first answer. */
export const newIdempotencyKey = (): string => randomBytes(16).toString('base64url');
