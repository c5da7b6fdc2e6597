// Who asked for a deployment and from which commit: what `status --all` and `inspect` show as its audit trail.
import { z } from 'zod';

/** Bounded: these are labels a caller chooses, stored in every record of the deployment. */
export const MAX_AUDIT_LABEL_CHARS = 256;
const Label = z.string().min(1).max(MAX_AUDIT_LABEL_CHARS);

/** The CLI sends its OS user and host and its NATS client name; another client sends what it knows (its name at least). */
export const Requester = z.strictObject({ user: Label.optional(), host: Label.optional(), client: Label.optional() });

/** The git work tree a service's directory was in when it was deployed: HEAD, and whether that directory had uncommitted changes. */
export const GitSource = z.strictObject({
  commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'is not a git commit id'),
  dirty: z.boolean(),
});

export const Audit = z.object({ requestedBy: Requester.nullable(), git: GitSource.nullable() });

export type Requester = z.output<typeof Requester>;
export type GitSource = z.output<typeof GitSource>;
export type Audit = z.output<typeof Audit>;

/** `alice@build-host (compartment-cli)`, or `-` when nobody said. */
export function requesterText(r: Requester | null | undefined): string {
  if (!r) return '-';
  const who = [r.user, r.host].filter(Boolean).join('@');
  if (who && r.client) return `${who} (${r.client})`;
  return who || r.client || '-';
}
