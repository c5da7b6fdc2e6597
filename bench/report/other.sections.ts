// Sections 2 and 5–8 of the report: deploy overhead, control plane, actor density, log ingest, Docker and node loss.
import type { OverheadData, ControlPlaneData, DensityData, LogIngestData, FailoverData } from '../scenarios/index.js';
import { ms, num, table, x } from './markdown.js';

export function overheadSection(d: OverheadData): string {
  const c = d.compartment;
  const p = d.pm2;
  const phases = Object.entries(c.phasesP50Ms).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  const total = phases.reduce((n, [, v]) => n + (v ?? 0), 0);
  return [
    `${d.deploys} deploys of a new version each, no load, no build step; the app is ready when it listens (probed every 10 ms). The app reports its own time to ready (process start → listening); overhead = wall time − that. Under PM2 the worker's time to ready includes PM2's own worker wrapper, which is why it is longer there. PM2 reloads code already on disk; \`compartment deploy\` first packs the source and uploads it to the cluster.`,
    '',
    table(
      ['', 'wall p50', 'wall p95', 'app ready p50', 'overhead p50', 'overhead p95'],
      [
        [
          '`compartment deploy`',
          ms(c.wallMs.p50),
          ms(c.wallMs.p95),
          ms(c.appReadyMs.p50),
          `**${ms(c.overheadMs.p50)}**`,
          ms(c.overheadMs.p95),
        ],
        [
          '`pm2 reload` (same app)',
          ms(p.wallMs.p50),
          ms(p.wallMs.p95),
          ms(p.appReadyMs.p50),
          ms(p.overheadMs.p50),
          ms(p.overheadMs.p95),
        ],
      ],
    ),
    '',
    `Compartment over PM2: wall time ${x(d.wallRatio)}, overhead ${x(d.overheadRatio)}. For scale, on this machine in the same run: starting Node and exiting takes ${ms(d.floors?.nodeStartMs.p50)} p50; \`compartment --help\` (Node plus loading the CLI bundle with its V8 code cache) ${ms(d.floors?.cliHelpMs.p50)}. In the first part, \`deploy\` opens its NATS connection while it packs the sources, so the handshake costs no time of its own.`,
    '',
    'Where a deploy’s wall time goes (p50 of each part; the parts’ p50s need not add up to the wall p50):',
    '',
    table(
      ['part', 'p50', 'share'],
      phases.map(([k, v]) => [k, ms(v), total ? `${Math.round(((v ?? 0) / total) * 100)}%` : '–']),
    ),
  ].join('\n');
}

export function controlPlaneSection(d: ControlPlaneData): string {
  const row = (name: string, s: ControlPlaneData['environment']) => [
    name,
    s.replyRecords,
    num(s.replyBytes),
    num(s.rps),
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p99),
    s.errors,
  ];
  return [
    `${num(d.records)} deployment records in the KV bucket (${d.services} services × ${d.records / d.services}: copies of a real replaced deployment: history, as a busy project accumulates it), held by the node agent's index; plain \`status\` shows each service's newest. Requests straight over NATS request/reply from one client, ${d.concurrency} in flight at a time.`,
    '',
    table(
      ['request', 'deployments in reply', 'reply bytes', 'req/s', 'p50', 'p99', 'errors'],
      [
        row('status of the environment, table rows (what `compartment status` asks)', d.environment),
        ...(d.environmentFull
          ? [row('status of the environment, whole records (what `compartment status --json` asks)', d.environmentFull)]
          : []),
        row('status of one service, table rows', d.service),
      ],
    ),
    '',
    `\`compartment status\` from the shell (a new Node process, connect, request, print): p50 ${ms(d.cli.wallMs.p50)}, p95 ${ms(d.cli.wallMs.p95)} over ${d.cli.runs} runs.`,
    ...(d.authCost ? ['', authCostText(d.authCost)] : []),
  ].join('\n');
}

/** The with/without-auth rows: same run, interleaved rounds, the operator role's connection against NATS without users. */
function authCostText(a: NonNullable<ControlPlaneData['authCost']>): string {
  const row = (name: string, s: typeof a.withAuth) => [
    name,
    num(s.rps),
    s.rpsRounds.map(num).join(', '),
    s.p99Ms.map(ms).join(', '),
    ms(s.cliWallMs.p50),
  ];
  return [
    `Cost of NATS authentication (nkey users with subject permissions, as \`up\` runs it) on \`status\` of one service, ${a.concurrency} in flight, ${a.withAuth.rpsRounds.length} interleaved rounds of ${a.secondsPerRound} s against two clusters seeded alike: ${a.rpsCostPercent}% fewer req/s with auth.`,
    '',
    table(
      ['cluster', 'req/s (median)', 'req/s per round', 'p99 per round', '`compartment status` p50'],
      [row('with auth (operator role)', a.withAuth), row('without auth', a.withoutAuth)],
    ),
  ].join('\n');
}

export function densitySection(d: DensityData): string {
  return [
    `${num(d.actors)} deployment actors, each of its own service, driven to active by the node agent's real effect wiring over instant fakes (no processes, no routes), hosted by the real ActorHost that persists every transition to a real nats-server. Memory after forced GC, against the same process before the first actor.${d.create.awakeActors !== undefined ? ` Serving with nothing in flight, a deployment sleeps: the host keeps its record and its running supervision and drops the XState actor, which an event for the deployment wakes from its stored snapshot (awake at the end: ${num(d.create.awakeActors)} after creating, ${num(d.restore.awakeActors ?? 0)} after restoring).` : ''}`,
    '',
    table(
      ['', 'heap growth', 'RSS growth', 'time'],
      [
        [
          'create and host all',
          `${d.growth.afterCreate.heapUsedMb} MB (${d.growth.heapKbPerActor} kB per deployment)`,
          `${d.growth.afterCreate.rssMb} MB`,
          `${ms(d.create.activeMs)} until all active`,
        ],
        [
          'restore all after a restart (new process)',
          `${d.growth.afterRestore.heapUsedMb} MB`,
          `${d.growth.afterRestore.rssMb} MB`,
          `${ms(d.restore.restoreMs)} (listing the bucket: ${ms(d.restore.listMs)})`,
        ],
      ],
    ),
    '',
    d.growth.bareHeapKbPerActor
      ? `The same actors started bare and kept awake (XState alone: no host, no store, no record copies) take ${d.growth.bareHeapKbPerActor} kB of heap each.`
      : '',
  ].join('\n');
}

export function logsSection(d: LogIngestData): string {
  return [
    `The app writes ${num(d.lines)} numbered lines of ${d.lineBytes} bytes to stdout at once (its own write took ${ms(d.appWriteMs)}); every line is looked for in the log stream.`,
    '',
    table(
      [
        'lines/s into the stream',
        'arrived',
        'missing',
        'duplicated',
        'request → last line stored',
        '`logs --follow` delay p50',
        'p95',
      ],
      [
        [
          `**${num(d.linesPerSecond)}**`,
          num(d.count.unique),
          num(d.count.missing),
          num(d.count.duplicates),
          ms(d.ingestMs),
          ms(d.follow.delayMs.p50),
          ms(d.follow.delayMs.p95),
        ],
      ],
    ),
    '',
    `The follow delay is from sending the request that makes the app print a marker to the marker appearing on \`compartment logs --follow\`'s stdout (${d.follow.samples} samples).`,
  ].join('\n');
}

export function failoverSection(d: FailoverData): string {
  const row = (r: FailoverData['killed'], what: string) => [
    what,
    `${r.node}${r.wasLeader ? ' (leader)' : ''}`,
    `**${ms(r.servingAgainMs)}**`,
    num(r.failedProbes),
    `${r.serving.id === r.previousId ? 'the same deployment' : `new deployment ${r.serving.id}`} on ${r.serving.nodeId}${r.serving.trigger ? ` (${r.serving.trigger})` : ''}`,
    num(r.unansweredApiRequests),
  ];
  return [
    `A local cluster of ${d.nodes} nodes (\`up --nodes ${d.nodes}\`); the node hosting the service is lost and a prober asks the route every 10 ms for an answer from a new workload.`,
    '',
    table(
      [
        'what happened to the node',
        'node',
        'serving again after',
        'failed probes',
        'served by',
        'API requests unanswered afterwards',
      ],
      [
        row(d.killed, 'agent and workload SIGKILLed (`up` restarts the agent)'),
        row(
          d.frozen,
          "agent frozen (SIGSTOP, and `up`'s supervisor with it), workload SIGKILLed: the cluster must notice and re-place",
        ),
      ],
    ),
    '',
    'The last column counts `status` requests (2 s timeout each) that got no answer before one did, right after the service served again.' +
      (d.frozen.unansweredApiRequests > 0
        ? ' The API is a NATS queue group, and a frozen agent keeps its subscription until the server gives up on its connection: a share of requests goes to it and waits.'
        : ''),
  ].join('\n');
}
