// Host names a service is served under (compartment.yaml `domains:`), and the claim that gives each to one route.
import { z } from 'zod';
import { Name } from './names.js';
import { MAX_DOMAINS_PER_SERVICE, MAX_DOMAIN_CHARS } from './limits.js';

/** Lowercase labels of letters, digits and inner hyphens; at least two labels; the last is not all digits (no IPs). */
export const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** One host name; upper case is folded (DNS names are case-insensitive), anything else is refused, not repaired. */
export const Domain = z
  .string()
  .max(MAX_DOMAIN_CHARS, `too long: at most ${MAX_DOMAIN_CHARS} characters`)
  .transform((d) => d.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        DOMAIN_PATTERN,
        'must be a host name like app.example.com (letters, digits, "-" and ".", no wildcard, port or IP address)',
      ),
  );

/** `domains:` of a service: environment → its host names, each listed once. */
export const ServiceDomains = z.record(
  Name,
  z
    .array(Domain)
    .max(MAX_DOMAINS_PER_SERVICE, `too many: at most ${MAX_DOMAINS_PER_SERVICE} domains per service and environment`)
    .superRefine((list, ctx) => {
      list.forEach((d, i) => {
        if (list.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `${d} is listed twice` });
      });
    }),
);
export type ServiceDomains = z.output<typeof ServiceDomains>;

/** Which (environment, service) holds a domain: one route only; KV `create` decides every race. */
export const DomainClaim = z.object({
  domain: Domain,
  environmentName: Name,
  serviceName: Name,
  claimedAt: z.iso.datetime(),
});
export type DomainClaim = z.output<typeof DomainClaim>;

/** `https://<first domain>`, with the port when the HTTPS listener is not 443. */
export function domainUrl(domain: string, httpsPort: number): string {
  return httpsPort === 443 ? `https://${domain}` : `https://${domain}:${httpsPort}`;
}
