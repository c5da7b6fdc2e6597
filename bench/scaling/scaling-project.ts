// A project of n copies of the bench app as services svc-00…, for measuring how a deploy's cost grows with services.
import { appFiles } from '../apps/index.js';

export const serviceName = (i: number) => `svc-${String(i).padStart(2, '0')}`;

export function scalingFiles(services: number, version: string): Record<string, string> {
  const yaml = ['services:'];
  const files: Record<string, string> = {};
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    yaml.push(
      `  ${name}:`,
      `    path: ./${name}`,
      '    start: node server.js',
      '    readiness: { path: /ready, intervalMs: 10, timeoutMs: 60000 }',
      '    drain: { timeoutMs: 15000 }',
    );
    for (const [file, text] of Object.entries(appFiles(version))) files[`${name}/${file}`] = text;
  }
  files['compartment.yaml'] = `${yaml.join('\n')}\n`;
  return files;
}
