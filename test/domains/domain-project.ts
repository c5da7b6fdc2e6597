// A project with two web services served under domains, and where its edge keeps certificates.
import { join } from 'node:path';
import { WEB_APP } from '../e2e/apps.js';

export interface DomainServices {
  web: string[];
  api: string[];
}

export function domainYaml(d: DomainServices): string {
  const service = (name: string, domains: string[]) => [
    `  ${name}:`,
    `    path: ./${name}`,
    '    start: node server.js',
    '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 15000 }',
    '    drain: { timeoutMs: 15000 }',
    '    stop: { graceMs: 5000 }',
    ...(domains.length ? ['    domains:', `      production: [${domains.join(', ')}]`] : []),
  ];
  return ['services:', ...service('web', d.web), ...service('api', d.api), ''].join('\n');
}

export function domainProject(d: DomainServices): Record<string, string> {
  return {
    'compartment.yaml': domainYaml(d),
    'web/server.js': WEB_APP,
    'web/version.txt': 'web-v1',
    'api/server.js': WEB_APP,
    'api/version.txt': 'api-v1',
  };
}

/** The first edge's Caddy storage under a project `up` runs. */
export const storageOf = (projectDir: string) => join(projectDir, '.compartment', 'edge', 'caddy', 'storage');
export const rootOf = (projectDir: string) => join(storageOf(projectDir), 'pki', 'authorities', 'local', 'root.crt');
export const certFileOf = (projectDir: string, domain: string) =>
  join(storageOf(projectDir), 'certificates', 'local', domain, `${domain}.crt`);
