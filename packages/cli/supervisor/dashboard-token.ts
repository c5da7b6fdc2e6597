// The dashboard's access token for one `up`: made here, kept in a 0600 file of the data dir that the dashboard reads; never in argv.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const dashboardTokenFile = (dataDir: string) => join(dataDir, 'dashboard.token');

/** A new token for this start (the previous one stops working), written before the dashboard starts. */
export function writeDashboardToken(dataDir: string): string {
  const token = randomBytes(32).toString('base64url');
  const file = dashboardTokenFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, token + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return token;
}

export function readDashboardToken(dataDir: string): string | null {
  try {
    return readFileSync(dashboardTokenFile(dataDir), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** What a person opens: the first visit trades `?token=` for a cookie and lands on `url`. */
export const dashboardLink = (url: string, token: string | null) => (token ? `${url}/?token=${token}` : url);
