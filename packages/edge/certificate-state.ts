// What Caddy's storage holds for each domain: issued or not, by whom, until when (read from the files, not from Caddy).
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificateState {
  domain: string;
  /** `issued`: a certificate is stored; `pending`: none yet (it is issued at the first TLS handshake for the name). */
  state: 'issued' | 'pending';
  /** The issuer's storage key, e.g. `local` (the internal CA) or `acme-v02.api.letsencrypt.org-directory`. */
  issuer?: string;
  notAfter?: string;
}

/** `storageRoot` is Caddy's file_system storage root (`<edge data>/caddy/storage`). */
export function certificateStates(storageRoot: string, domains: readonly string[]): CertificateState[] {
  const base = join(storageRoot, 'certificates');
  let issuers: string[] = [];
  try {
    issuers = readdirSync(base);
  } catch {
    // nothing issued yet
  }
  return domains.map((domain) => {
    for (const issuer of issuers) {
      try {
        const cert = new X509Certificate(readFileSync(join(base, issuer, domain, `${domain}.crt`)));
        return { domain, state: 'issued', issuer, notAfter: new Date(cert.validTo).toISOString() };
      } catch {
        // not from this issuer
      }
    }
    return { domain, state: 'pending' };
  });
}

/** Caddy's internal CA root (for `curl --cacert`), created when the edge first starts with `--tls internal`. */
export function rootCertificatePath(storageRoot: string): string {
  return join(storageRoot, 'pki', 'authorities', 'local', 'root.crt');
}
