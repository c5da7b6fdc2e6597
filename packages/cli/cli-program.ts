// The command line: every command and flag, each action loading its module only when it runs (--help stays fast).
import { Command, Option } from 'commander';

type Run = (action: () => Promise<number>) => Promise<void>;

const NATS_HELP =
  'NATS URL (else $COMPARTMENT_NATS_URL, else the cluster `compartment up` started here, else nats://127.0.0.1:4222)';

function common(cmd: Command, withEnv = true): Command {
  if (withEnv) cmd.option('--env <name>', 'environment', 'production');
  return cmd
    .option('--json', 'machine-readable output on stdout')
    .option('--nats <url>', NATS_HELP)
    .option(
      '--nats-creds <file>',
      'NATS credentials file (else $COMPARTMENT_NATS_CREDS, else the operator credentials `up` keeps in .compartment/credentials)',
    );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(run: Run): Command {
  const program = new Command('compartment')
    .description('Zero-downtime deployments: build, start beside the running one, check readiness, switch, drain.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  common(program.command('deploy').description('deploy the services of ./compartment.yaml and follow them until done'))
    .option('--service <name>', 'only this service (repeatable)', collect)
    .option('--force', 'deploy even services whose source, config and variables are unchanged')
    .option('--detach', 'print the created deployment ids and return without waiting')
    .option('--wait-healthy', 'after the switch, wait out the autoRevert window; exit 1 if the deployment was reverted')
    .action((o) => run(async () => (await import('./commands/deploy.command.js')).deployCommand(o)));

  common(program.command('status').description('deployments of an environment: status, stage, health, URL'))
    .option('--service <name>', 'only this service')
    .option('--all', 'history too, not only current and in-flight deployments; with who asked and the git commit')
    .option('--since <duration>', 'only deployments created since then, e.g. 2h, 1d (or an ISO time)')
    .option('--until <duration>', 'only deployments created until then, e.g. 30m (or an ISO time)')
    .action((o) => run(async () => (await import('./commands/status.command.js')).statusCommand(o)));

  common(
    program
      .command('inspect')
      .description('everything about one deployment: stages, readiness, statechart')
      .argument('<id>', 'deployment id'),
    false,
  )
    .option('--watch', 'print its statechart transitions live until it succeeds or fails')
    .option('--chart [format]', 'print its statechart with the current states marked: mermaid (default) or dot')
    .action((id, o) => run(async () => (await import('./commands/inspect.command.js')).inspectCommand(id, o)));

  common(program.command('rollback').description('make the previously active deployment of a service active again'))
    .option('--service <name>', 'the service to roll back (required)')
    .option('--detach', 'return once the rollback is accepted')
    .action((o) => run(async () => (await import('./commands/rollback.command.js')).rollbackCommand(o)));

  common(
    program
      .command('scale')
      .description('run N instances of the active deployment of a service, without a new deployment')
      .argument('<instances>', 'how many'),
  )
    .option('--service <name>', 'the service to scale (required)')
    .action((n, o) => run(async () => (await import('./commands/scale.command.js')).scaleCommand(n, o)));

  common(program.command('logs').description('recent log lines; --follow keeps printing new ones until Ctrl-C'))
    .option('--service <name>', 'only this service')
    .option('--deployment <id>', 'only this deployment')
    .addOption(new Option('--stream <stream>', 'only this stream').choices(['compartment', 'stdout', 'stderr']))
    .option('--tail <n>', 'how many recent lines', '100')
    .option('--since <duration>', 'only lines newer than this, e.g. 10m, 2h (or an ISO time)')
    .option('--follow', 'keep printing new lines')
    .action((o) => run(async () => (await import('./commands/logs.command.js')).logsCommand(o)));

  common(
    program.command('nodes').description('the node agents of the cluster: live or lost, the leader, their load'),
    false,
  ).action((o) => run(async () => (await import('./commands/nodes.command.js')).nodesCommand(o)));

  const env = program.command('env').description('variables stored in the cluster, per environment');
  common(
    env
      .command('set')
      .description('set a variable; `KEY --secret` reads the value from standard input (hidden at a terminal)')
      .argument('<KEY[=VALUE]>'),
  )
    .option('--secret', 'sealed in the cluster, never printed back; without =VALUE it is read from standard input')
    .action((kv, o) => run(async () => (await import('./commands/env.command.js')).envSetCommand(kv, o)));
  common(env.command('unset').description('remove a variable').argument('<KEY>')).action((key, o) =>
    run(async () => (await import('./commands/env.command.js')).envUnsetCommand(key, o)),
  );
  common(env.command('list').description('list variables (secret values hidden)')).action((o) =>
    run(async () => (await import('./commands/env.command.js')).envListCommand(o)),
  );
  common(
    env.command('rotate-key').description('new cluster key: every secret is re-sealed, running workloads keep going'),
    false,
  ).action((o) => run(async () => (await import('./commands/env.command.js')).envRotateKeyCommand(o)));

  program
    .command('up')
    .description('start a local cluster for this directory: nats-server, edge with Caddy, node agent (× --nodes)')
    .option('--detach', 'run it in the background; return once the API answers')
    .option(
      '--nodes <n>',
      'nodes in the local cluster (clustered nats-servers, 3-way replicated state, an edge each on 127.0.0.N)',
    )
    .option('--data-dir <dir>', 'where the cluster keeps its data (default .compartment/)')
    .option('--nats-tls-cert <file>', "serve NATS (clients and routes) with TLS: the servers' certificate")
    .option('--nats-tls-key <file>', "the certificate's private key (with --nats-tls-cert)")
    .option('--nats-tls-ca <file>', 'the CA that signed it; clients verify the servers with it')
    .addOption(new Option('--foreground').hideHelp())
    .action((o) => run(async () => (await import('./commands/up.command.js')).upCommand(o)));

  program
    .command('down')
    .description('stop the local cluster started by `compartment up` here; its data is kept')
    .action(() => run(async () => (await import('./commands/down.command.js')).downCommand()));

  program
    .command('init')
    .description(
      'write a commented compartment.yaml for this directory (from its Dockerfile or package.json); never overwrites',
    )
    .action(() => run(async () => (await import('./init/init.command.js')).initCommand()));

  program.command('node').description('run a node agent (used by `compartment up`; see `compartment node --help`)');
  program.command('edge').description('run an edge: DNS responder and Caddy (used by `compartment up`)');
  program
    .command('dashboard')
    .description(
      'serve the web dashboard: live deployments, stages, logs, statecharts (`up` starts one; see `compartment dashboard --help`)',
    );
  return program;
}
