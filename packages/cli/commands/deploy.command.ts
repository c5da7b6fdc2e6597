// `compartment deploy`: pack and upload each selected service's source, request the deploy, follow it to the end.
import { resolve } from 'node:path';
import { CompartmentError, type ApiRequestParsed, type GitSource } from '../../protocol/index.js';
import { checkName, envOf, newIdempotencyKey, type CommonFlags } from '../cli-options.js';
import { CLI_CLIENT_NAME, validateRequest } from '../client/api.client.js';
import { Output } from '../output/terminal-output.js';
import { uploadSource, watchUntilTerminal } from '../../../cluster/client/index.js';
import { ProgressReport } from '../progress/progress-report.js';
import { waitRevertWindows } from '../progress/health-window.js';
import { cliRequester, gitSourceOf } from '../source/git-info.js';
import { packSource, type SourceTarball } from '../source/source-tarball.js';
import { INTERRUPTED, abandon, connectClient, interruptSignal, withConnecting } from './command-context.js';
import { loadProjectConfig } from './config-loader.js';

export interface DeployFlags extends CommonFlags {
  service?: string[];
  force?: boolean;
  detach?: boolean;
  waitHealthy?: boolean;
}

const PACK_CONCURRENCY = 4;
const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} kB`);

export async function deployCommand(flags: DeployFlags): Promise<number> {
  // The NATS handshake (TCP, nonce, signature) runs while the sources are read and packed; nothing is sent until
  // the request has been validated. Marked handled at once: a failure surfaces where it is awaited, after packing.
  const connecting = connectClient(flags);
  connecting.catch(() => undefined);
  let prepared: Prepared;
  try {
    prepared = await prepare(flags);
  } catch (error) {
    abandon(connecting);
    throw error;
  }
  const { out, names, packs, config, request } = prepared;
  const environment = request.environment;
  return withConnecting(connecting, async (client) => {
    for (const name of names) {
      const pack = packs.get(name)!;
      const uploaded = await uploadSource(client, pack.digest, pack.bytes);
      out.event({
        type: 'source',
        serviceName: name,
        sourceDigest: pack.digest,
        files: pack.files,
        bytes: pack.bytes.length,
        uploaded,
      });
      const what = uploaded
        ? `uploaded ${pack.files} file${pack.files === 1 ? '' : 's'}, ${kb(pack.bytes.length)}`
        : 'already uploaded';
      out.line(`${name}: source ${pack.digest.slice(0, 19)}… ${what}`);
    }

    const reply = await client.request('deploy', request, 60_000);
    out.event({ type: 'deploy.accepted', environment, deployments: reply.deployments, unchanged: reply.unchanged });
    for (const u of reply.unchanged)
      out.line(`${u.serviceName}: unchanged (deployment ${u.deploymentId} keeps serving; --force redeploys)`);
    for (const d of reply.deployments) out.line(`${d.serviceName}: deployment ${d.id} created`);
    if (flags.detach) return 0;
    if (reply.deployments.length === 0) {
      out.event({
        type: 'deploy.finished',
        ok: true,
        succeeded: [],
        failed: [],
        deployments: [],
        unchanged: reply.unchanged,
      });
      out.line('nothing to deploy: every selected service is unchanged');
      return 0;
    }

    const report = new ProgressReport(out, 'deploy', reply.deployments);
    const interrupt = interruptSignal();
    try {
      const result = await watchUntilTerminal(client, reply.deployments, (e) => report.update(e), interrupt.signal);
      if (interrupt.signal.aborted) {
        out.note('stopped watching; the deployments go on in the cluster (see `compartment status`)');
        return INTERRUPTED;
      }
      const code = report.finish(result, { unchanged: reply.unchanged });
      if (code !== 0 || !flags.waitHealthy) return code;
      return await waitHealthy(
        out,
        client,
        [...result.values()].filter((r) => r !== null),
        (name) => config.services[name]?.autoRevert?.windowMs,
        interrupt.signal,
      );
    } finally {
      interrupt.dispose();
    }
  });
}

interface Prepared {
  out: Output;
  config: ReturnType<typeof loadProjectConfig>;
  names: string[];
  packs: Map<string, SourceTarball>;
  request: ApiRequestParsed<'deploy'>;
}

/** Everything that can fail on bad input, done before the first byte goes to the cluster. */
async function prepare(flags: DeployFlags): Promise<Prepared> {
  const out = new Output(Boolean(flags.json));
  const environment = envOf(flags);
  const wanted = (flags.service ?? []).map((s) => checkName(s, '--service'));
  const projectDir = process.cwd();
  const config = loadProjectConfig(projectDir);
  for (const name of wanted) {
    if (!Object.hasOwn(config.services, name)) {
      const known = Object.keys(config.services).join(', ');
      throw new CompartmentError(
        'SERVICE_NOT_FOUND',
        `--service ${name}: no such service in compartment.yaml (it has: ${known})`,
        '--service',
      );
    }
  }
  const names = wanted.length > 0 ? [...new Set(wanted)] : Object.keys(config.services);

  // A service's tarball and git facts at once (git runs in child processes while this one packs), a few services
  // at a time: a 50-service project does not start 100 git processes together.
  const packed = await mapLimited(names, PACK_CONCURRENCY, (name) => {
    const dir = resolve(projectDir, config.services[name]!.path);
    return Promise.all([packSource(dir, `services.${name}.path`), gitSourceOf(dir)]);
  });
  const packs = new Map<string, SourceTarball>(names.map((name, i) => [name, packed[i]![0]]));
  const commits = new Map<string, GitSource | null>(names.map((name, i) => [name, packed[i]![1]]));
  const request = validateRequest('deploy', {
    environment,
    services: names.map((name) => {
      const git = commits.get(name);
      return { name, config: config.services[name]!, sourceDigest: packs.get(name)!.digest, ...(git ? { git } : {}) };
    }),
    environmentVariables: config.environments[environment]?.variables ?? {},
    notify: config.notify,
    force: Boolean(flags.force),
    idempotencyKey: newIdempotencyKey(),
    requestedBy: cliRequester(CLI_CLIENT_NAME),
  });
  return { out, config, names, packs, request };
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `--wait-healthy`: exit 1 when a deployment was reverted automatically within its window, so CI sees it. */
async function waitHealthy(
  out: Output,
  api: Parameters<typeof waitRevertWindows>[0],
  records: Parameters<typeof waitRevertWindows>[1],
  windowOf: (service: string) => number | undefined,
  signal: AbortSignal,
): Promise<number> {
  const waiting = records.filter((r) => windowOf(r.serviceName) !== undefined);
  for (const r of waiting)
    out.line(`${r.serviceName}: waiting ${windowOf(r.serviceName)} ms (autoRevert window) for ${r.id} to stay healthy`);
  const reverted = await waitRevertWindows(api, waiting, (r) => windowOf(r.serviceName), signal);
  if (signal.aborted) return INTERRUPTED;
  out.event({
    type: 'deploy.window',
    ok: reverted.length === 0,
    reverted: reverted.map((r) => r.id),
    failureMessages: reverted.map((r) => r.failureMessage),
  });
  for (const r of reverted)
    out.line(
      out.paint('red', `${r.serviceName}: deployment ${r.id} was reverted: ${r.failureMessage ?? 'automatically'}`),
    );
  if (reverted.length === 0 && waiting.length > 0)
    out.line(out.paint('green', 'stayed healthy through the autoRevert window'));
  return reverted.length === 0 ? 0 : 1;
}
