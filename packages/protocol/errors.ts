// The one registry of error codes: every error that crosses a process boundary carries one of these.
export const ERROR_CODES = {
  INVALID_ARGUMENT: { exitCode: 2, summary: 'a command-line argument or request field is invalid' },
  CONFIG_INVALID: { exitCode: 2, summary: 'compartment.yaml does not match its schema' },
  CONFIG_NOT_FOUND: { exitCode: 2, summary: 'no compartment.yaml in this directory' },
  SERVICE_NOT_FOUND: { exitCode: 2, summary: 'no such service in compartment.yaml or in the cluster' },
  DEPLOYMENT_NOT_FOUND: { exitCode: 1, summary: 'no deployment with that id' },
  SOURCE_NOT_FOUND: { exitCode: 1, summary: 'the uploaded source of a deployment is missing from the object store' },
  ROLLBACK_UNAVAILABLE: { exitCode: 1, summary: 'no previously active deployment to roll back to' },
  CONFLICT: { exitCode: 1, summary: 'the state changed underneath the request; never retried blindly' },
  NOT_LEADER: { exitCode: 1, summary: 'this node does not hold the leader lease (followers retry at the leader)' },
  DOMAIN_TAKEN: { exitCode: 2, summary: 'a domain in the request is held by another route (one route per domain)' },
  TOO_LARGE: { exitCode: 2, summary: 'a request, value or reply is over its documented size limit' },
  PERMISSION_DENIED: { exitCode: 1, summary: 'the credentials in use may not do this' },
  NO_NODE_AVAILABLE: { exitCode: 1, summary: 'no live node offers what the deployment needs' },
  BUILD_FAILED: { exitCode: 1, summary: "the service's build command or image build failed" },
  START_FAILED: { exitCode: 1, summary: 'the workload could not be started' },
  EDGE_UNAVAILABLE: { exitCode: 1, summary: "the edge's Caddy or DNS responder does not answer" },
  DOCKER_UNAVAILABLE: { exitCode: 1, summary: 'no Docker engine answers' },
  CLUSTER_UNAVAILABLE: { exitCode: 1, summary: 'no Compartment node answers' },
  TIMEOUT: { exitCode: 1, summary: 'the operation did not finish in time' },
  INTERNAL: { exitCode: 1, summary: 'an unexpected error inside Compartment' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending field, when one field is to blame. */
  field?: string;
}

/** Marks every CompartmentError, whichever copy of this module made it (the bundled CLI loads `up` from dist/). */
const BRAND = Symbol.for('compartment.error');

export class CompartmentError extends Error {
  override readonly name = 'CompartmentError';
  readonly [BRAND] = true;

  /** `instanceof` holds across copies of this class: a bundle and the compiled modules it loads each have one. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toPayload(): ErrorPayload {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static fromPayload(p: ErrorPayload): CompartmentError {
    return new CompartmentError(p.code, p.message, p.field);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function exitCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].exitCode;
}

/** The text of anything thrown: an Error's message, a string as is, anything else as JSON. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return JSON.stringify(error) ?? 'unknown error';
}
