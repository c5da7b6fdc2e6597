// The dashboard's per-start token: 32 random bytes, base64url; from a 0600 file when one is named, never from the command line.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

export const newToken = () => randomBytes(32).toString('base64url');

/** The token in `file` (written by `up` for each start), or a new one written there (mode 0600) when it holds none. */
export function tokenFromFile(file: string): string {
  let kept = '';
  try {
    kept = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (/^[A-Za-z0-9_-]{32,}$/.test(kept)) return kept;
  const token = newToken();
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** The URL a person opens: the first visit trades the token for a cookie and lands on the clean URL. */
export const tokenUrl = (base: string, token: string) => `${base}/?token=${token}`;
