// The commented compartment.yaml `compartment init` writes: one service, every line saying what it does.
import { DEFAULT_CONTAINER_PORT } from '../../protocol/index.js';
import type { Detected } from './init-detect.js';

const HEADER = [
  '# compartment.yaml: what `compartment deploy` builds, starts, checks and routes traffic to.',
  '# Written by `compartment init`; edit freely. Deploy with `compartment up --detach && compartment deploy`.',
  '',
  '# Variables per environment (`--env <name>`, default production); `compartment env set` stores more in the cluster.',
  'environments:',
  '  production:',
  '    variables: {}',
  '',
  'services:',
];

function nodeBuild(d: Extract<Detected, { kind: 'node' }>): string | null {
  const install = d.lockfile ? 'npm ci' : 'npm install';
  if (d.hasBuild) return `${install} && npm run build`;
  if (d.hasDependencies) return `${install} --omit=dev`;
  return null;
}

function nodeService(d: Extract<Detected, { kind: 'node' }>): string[] {
  const build = nodeBuild(d);
  return [
    `  ${d.name}:`,
    '    # web: gets a route (an HTTP port on the edge); use worker for a service without one.',
    '    type: web',
    "    # A process on the node, started in a fresh release directory (package.json's start script).",
    '    runtime: process',
    '    path: .',
    build === null
      ? '    # build: npm ci   # runs once per deployment, before start'
      : `    # Runs once per deployment in the release directory, before start.\n    build: ${JSON.stringify(build)}`,
    `    # ${JSON.stringify(d.start)} from package.json; the app must listen on $PORT.`,
    '    start: npm start',
    '    # Traffic switches to a new deployment only once this answers 2xx; the old one keeps serving until then.',
    '    readiness:',
    '      path: /',
    '      timeoutMs: 30000',
    '    # After the switch, the old deployment gets this long to finish requests in flight.',
    '    drain: { timeoutMs: 30000 }',
  ];
}

function dockerService(d: Extract<Detected, { kind: 'docker' }>): string[] {
  return [
    `  ${d.name}:`,
    '    # web: gets a route (an HTTP port on the edge); use worker for a service without one.',
    '    type: web',
    '    # Built from ./Dockerfile on the node, run as a container.',
    '    runtime: docker',
    '    path: .',
    '    dockerfile: Dockerfile',
    d.port === null
      ? `    # The port the container listens on (no EXPOSE in the Dockerfile: the default).\n    port: ${DEFAULT_CONTAINER_PORT}`
      : `    # The port the container listens on (the Dockerfile's EXPOSE).\n    port: ${d.port}`,
    "    # Traffic switches only once GET / answers 2xx (a TCP check cannot see past Docker's port proxy).",
    '    readiness:',
    '      path: /',
    '      timeoutMs: 60000',
    '    # After the switch, the old deployment gets this long to finish requests in flight.',
    '    drain: { timeoutMs: 30000 }',
  ];
}

export function initTemplate(d: Detected): string {
  return [...HEADER, ...(d.kind === 'docker' ? dockerService(d) : nodeService(d)), ''].join('\n');
}
