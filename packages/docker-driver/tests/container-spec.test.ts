// The create-container request, exit statuses, and how Docker's errors read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createOptions, publishedPort } from '../container-spec.js';
import { decodeExit } from '../exit-status.js';
import { dockerMessage, isConnectionError, asCompartmentError } from '../docker-errors.js';
import { defaultDockerSocket } from '../docker-client.js';

const plan = {
  name: 'compartment-production-web-mabc123xyz',
  image: 'compartment/production/web:mabc123xyz',
  env: { A: '1' },
  labels: { l: 'v' },
  containerPort: 8080,
};

test('published on the workload host, docker-init, variables plus PORT, labels, a resumable log driver', () => {
  const o = createOptions({ ...plan, publish: { hostIp: '127.0.0.1', hostPort: null } });
  assert.is(o.HostConfig!.Init, true);
  assert.equal(o.Env, ['A=1', 'PORT=8080']);
  assert.equal(o.Labels, { l: 'v' });
  assert.equal(o.ExposedPorts, { '8080/tcp': {} });
  assert.equal(o.HostConfig!.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.is(o.HostConfig!.LogConfig!.Type, 'json-file');
  assert.is(o.HostConfig!.RestartPolicy!.Name, 'no');
  assert.is(o.HostConfig!.Memory, undefined);
});

test('no mounts, no raw sockets or mknod, no privilege gain through setuid binaries', () => {
  const o = createOptions({ ...plan, publish: { hostIp: '127.0.0.1', hostPort: null } });
  assert.equal(o.HostConfig!.CapDrop, ['ALL']);
  for (const cap of ['NET_RAW', 'MKNOD', 'SYS_CHROOT', 'SETFCAP', 'AUDIT_WRITE'])
    assert.not.ok(o.HostConfig!.CapAdd!.includes(cap), cap);
  assert.equal(o.HostConfig!.SecurityOpt, ['no-new-privileges']);
  assert.is(o.HostConfig!.Binds, undefined);
  assert.is(o.HostConfig!.Mounts, undefined);
  assert.is(o.HostConfig!.Privileged, undefined);
});

test('a restart asks for the port it had; limits become bytes and nano-CPUs; a worker publishes nothing', () => {
  const o = createOptions({
    ...plan,
    containerPort: 3000,
    publish: { hostIp: '127.0.0.1', hostPort: 32768 },
    memoryMb: 64,
    cpus: 0.5,
  });
  assert.equal(o.HostConfig!.PortBindings, { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }] });
  assert.is(o.HostConfig!.Memory, 64 * 1024 * 1024);
  assert.is(o.HostConfig!.NanoCpus, 500_000_000);
  const worker = createOptions(plan);
  assert.is(worker.ExposedPorts, undefined);
  assert.is(worker.HostConfig!.PortBindings, undefined);
});

test('the published port is read back from inspect', () => {
  assert.is(publishedPort({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }] }, 8080), 32768);
  assert.is(publishedPort({ '8080/tcp': null }, 8080), null);
  assert.is(publishedPort(undefined, 8080), null);
});

test('exit statuses: 128+n is signal n (docker-init passes it on), others are codes', () => {
  assert.equal(decodeExit(3), { code: 3, signal: null });
  assert.equal(decodeExit(0), { code: 0, signal: null });
  assert.equal(decodeExit(137), { code: null, signal: 'SIGKILL' });
  assert.equal(decodeExit(143), { code: null, signal: 'SIGTERM' });
  assert.equal(decodeExit(255), { code: 255, signal: null });
  assert.equal(decodeExit(null), { code: null, signal: null });
});

test("Docker's own message without dockerode's wrapping; connection failures name the socket", () => {
  const e = Object.assign(
    new Error('(HTTP code 400) unexpected - dockerfile parse error line 2: unknown instruction: FOO '),
    { statusCode: 400 },
  );
  assert.is(dockerMessage(e), 'dockerfile parse error line 2: unknown instruction: FOO');
  assert.is(
    dockerMessage(Object.assign(new Error('x'), { json: { message: 'No such image: a:b' } })),
    'No such image: a:b',
  );
  const refused = Object.assign(new Error('connect ENOENT /nowhere.sock'), { code: 'ENOENT' });
  assert.ok(isConnectionError(refused));
  const c = asCompartmentError(refused, '/nowhere.sock', 'START_FAILED');
  assert.is(c.code, 'DOCKER_UNAVAILABLE');
  assert.match(c.message, /^no Docker engine answers at \/nowhere\.sock \(connect ENOENT/);
  assert.is(asCompartmentError(e, '/s', 'START_FAILED').code, 'START_FAILED');
});

test('the socket: DOCKER_HOST when it is a unix socket, else the default', () => {
  assert.is(defaultDockerSocket({}), '/var/run/docker.sock');
  assert.is(defaultDockerSocket({ DOCKER_HOST: 'unix:///tmp/d.sock' }), '/tmp/d.sock');
  assert.is(defaultDockerSocket({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }), '/var/run/docker.sock');
});

test.run();
