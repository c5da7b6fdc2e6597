// The text of a Compartment credentials file (an nkey seed plus the role's inbox prefix), or a standard NATS .creds file.

/** What a process presents to NATS: an nkey seed (our files) or a JWT creds file (decentralized auth). */
export type ParsedCredentials =
  | { kind: 'nkey'; seed: string; role: string | null; inboxPrefix: string | null }
  | { kind: 'jwt'; text: string };

export const CREDENTIALS_FILE_MODE = 0o600;

/** Every role's replies arrive under its own inbox prefix, so one role cannot read another's replies. */
export const inboxPrefixOf = (role: string) => `_INBOX_${role.replace(/[^A-Za-z0-9]/g, '_')}`;

export function formatCredentials(role: string, seed: string): string {
  return [
    `# Compartment NATS credentials, role "${role}": an nkey seed. Keep it private (0600); pass the FILE with --nats-creds.`,
    `# role: ${role}`,
    `# inbox: ${inboxPrefixOf(role)}`,
    seed,
    '',
  ].join('\n');
}

/** Throws on a file that holds neither a user seed nor a user JWT. */
export function parseCredentials(text: string): ParsedCredentials {
  if (text.includes('-----BEGIN NATS USER JWT-----')) return { kind: 'jwt', text };
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const seed = lines.find((l) => /^SU[A-Z2-7]{50,}$/.test(l));
  if (!seed) throw new Error('not a credentials file: no user nkey seed (SU...) and no NATS user JWT');
  const comment = (name: string) =>
    lines.map((l) => new RegExp(`^#\\s*${name}:\\s*(\\S+)$`).exec(l)?.[1]).find(Boolean) ?? null;
  return { kind: 'nkey', seed, role: comment('role'), inboxPrefix: comment('inbox') };
}
