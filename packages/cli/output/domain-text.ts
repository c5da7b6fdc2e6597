// Human renderings of domains: the table `status` ends with, and the lines `inspect` shows for its service.
import type { DomainInfo } from '../../protocol/index.js';
import { formatTable } from './text-table.js';
import { terminalSafe } from './terminal-safe.js';

/** One edge: `issued (local) until 2026-12-04`; several: each prefixed with its edge id. */
export function certificateText(d: DomainInfo): string {
  if (d.certificates.length === 0) return 'unknown (no edge answered)';
  const one = (c: DomainInfo['certificates'][number]) =>
    c.state === 'issued'
      ? `issued${c.issuer ? ` (${c.issuer})` : ''}${c.notAfter ? ` until ${c.notAfter.slice(0, 10)}` : ''}`
      : 'pending (issued at the first HTTPS visit)';
  if (d.certificates.length === 1) return one(d.certificates[0]!);
  return d.certificates.map((c) => `${c.edgeId}: ${one(c)}`).join('; ');
}

export function domainsTable(domains: readonly DomainInfo[]): string {
  const rows = domains.map((d) =>
    [d.domain, d.serviceName, d.environmentName, d.url ?? '-', certificateText(d)].map((c) => terminalSafe(c)),
  );
  return formatTable(['DOMAIN', 'SERVICE', 'ENV', 'URL', 'CERTIFICATE'], rows);
}

export function domainLines(domains: readonly DomainInfo[]): string[] {
  return domains.map(
    (d) => `${'domain'.padEnd(14)}${terminalSafe(d.domain)}: certificate ${terminalSafe(certificateText(d))}`,
  );
}
