// From inside a deployed Docker workload: no cluster secrets in its env, no data-dir mount, NATS and Caddy out of reach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { DOCKERFILE, dockerService, withBusybox } from '../docker/docker-apps.js';
import { docker, nodeIdOf, removeDockerObjects } from '../docker/docker-fixture.js';
import { LABELS } from '../../packages/docker-driver/index.js';

/** Runs at container start, as the app: tries each target and writes what happened to /www/report.txt, then serves it. */
const ATTACK_SH = `R=/www/report.txt
echo "uid $(id -u)" > $R
env | sed 's/^/env /' >> $R
sed 's/^/mount /' /proc/mounts >> $R
for f in $PROBE_FILES; do if cat "$f" > /dev/null 2>&1; then echo "file $f ok" >> $R; else echo "file $f fail" >> $R; fi; done
gw=$(ip route | awk '/^default/ {print $3}')
echo "gateway $gw" >> $R
for t in $(echo "$PROBE_TCP" | sed "s/GATEWAY/$gw/g"); do
  out=$(printf 'CONNECT {}\\r\\nPING\\r\\nGET /config/ HTTP/1.0\\r\\n\\r\\n' | timeout 4 nc -w 2 "\${t%:*}" "\${t#*:}" 2>&1 | head -c 300 | tr '\\r\\n' '  ')
  echo "tcp $t $out" >> $R
done
echo ready > /www/ready
exec httpd -f -p "$PORT" -h /www
`;

const project = new Project({});
let nodeId: string | null = null;
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

test('a container reads nothing of the data dir, reaches neither NATS nor Caddy, carries no cluster variables', async () => {
  const ctx = await project.up();
  nodeId = nodeIdOf(project.dir);
  const dataDir = join(project.dir, '.compartment');
  const files = [
    'cluster.json',
    'context.json',
    'edge/caddy/caddy.json',
    'edge/admin/caddy.sock',
    'node/node-id',
    'logs/node.log',
  ].map((f) => join(dataDir, f));
  const gateway = 'GATEWAY'; // the host as the container sees it: the script puts its default route's address here
  const tcp = [
    `127.0.0.1:${ctx.ports.nats}`,
    `${gateway}:${ctx.ports.nats}`,
    `${gateway}:${ctx.ports.routes[0]}`,
    '127.0.0.1:2019',
    `${gateway}:2019`,
  ];
  project.write({
    'compartment.yaml': [
      'services:',
      ...dockerService({
        version: 'v1',
        variables: {
          PROBE_FILES: [...files, '/var/run/docker.sock', '/www/index.html'].join(' '),
          PROBE_TCP: tcp.join(' '),
        },
      }),
      '',
    ].join('\n'),
    'web/Dockerfile': DOCKERFILE,
    'web/start.sh': ATTACK_SH,
    'web/www/index.html': 'prober\n',
  });
  withBusybox(project);
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  const report = await (await fetch(`${web!.routeUrl}/report.txt`)).text();
  if (process.env.SHOW_REPORT) console.log(report);
  const lines = (kind: string) =>
    report
      .split('\n')
      .filter((l) => l.startsWith(`${kind} `))
      .map((l) => l.slice(kind.length + 1));

  assert.equal(
    lines('file').filter((l) => l.endsWith(' ok')),
    ['/www/index.html ok'],
    'only its own files are readable (the control)',
  );
  assert.is(lines('file').length, files.length + 2);
  for (const m of lines('mount'))
    assert.not.ok(
      m.includes('.compartment') || m.includes(project.dir) || m.includes('docker.sock'),
      `no mount of ours: ${m}`,
    );
  assert.match(lines('gateway')[0] ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'the container found the host (its gateway)');
  assert.is(lines('tcp').length, tcp.length);
  for (const t of lines('tcp')) {
    assert.not.match(t, /INFO|PONG|"admin"|HTTP\//, `unreachable: ${t}`);
    assert.match(t, /refused|can't connect|timed out|^\S+ *$/i, `a connect failure: ${t}`);
  }
  const env = lines('env');
  assert.ok(
    env.some((e) => e.startsWith('GREETING=') || e.startsWith('PROBE_TCP=')),
    'the deployment variables are there (control)',
  );
  for (const e of env) {
    assert.not.match(e.split('=')[0]!, /NATS|COMPARTMENT|CREDS|CADDY/i, `no cluster variable: ${e}`);
    assert.not.ok(e.includes('nats://'), `no NATS URL: ${e}`);
  }

  const [container] = await docker.listContainers({ filters: { label: [`${LABELS.deployment}=${web!.id}`] } });
  assert.ok(container, 'the container runs');
  const info = await docker.getContainer(container!.Id).inspect();
  assert.equal(info.Mounts, [], 'no mounts');
  assert.equal(info.HostConfig.CapDrop, ['ALL']);
  assert.ok(info.HostConfig.SecurityOpt?.includes('no-new-privileges'));
  assert.not.ok(info.HostConfig.Privileged);
});

test.run();
