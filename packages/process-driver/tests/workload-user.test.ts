// The workload user's passwd entry, and the minimal environment builds and workloads start from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseWorkloadEnv, lookupUser, resolveWorkloadUser } from '../workload-user.js';
import { CompartmentError } from '../../protocol/index.js';

const user = { name: 'compartment-run', uid: 995, gid: 994, home: '/var/lib/compartment-run' };

test("nothing of the agent's environment but PATH, LANG, LC_ALL, TZ; HOME and USER are the workload user's", () => {
  const agent = {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    HOME: '/root',
    USER: 'root',
    SHELL: '/bin/bash',
    TMPDIR: '/root/tmp',
    COMPARTMENT_NATS_URL: 'nats://127.0.0.1:4222',
    NATS_CREDS: '/x/agent.creds',
    NATS_URL: 'nats://x',
    DOCKER_HOST: 'unix:///d.sock',
    AWS_SECRET_ACCESS_KEY: 's',
  };
  assert.equal(baseWorkloadEnv(user, agent), {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
  });
  assert.equal(baseWorkloadEnv(null, { HOME: '/home/me', USER: 'me', NATS_URL: 'x' }), {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/home/me',
    USER: 'me',
    LOGNAME: 'me',
  });
});

test('passwd lookup by name or uid; as root a missing or root workload user is refused; not root: none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'workload-user-'));
  const passwd = join(dir, 'passwd');
  writeFileSync(
    passwd,
    'root:x:0:0:root:/root:/bin/bash\ncompartment-run:x:995:994::/var/lib/compartment-run:/usr/sbin/nologin\n',
  );
  assert.equal(lookupUser('compartment-run', passwd), user);
  assert.equal(lookupUser('995', passwd), user);
  assert.is(lookupUser('nobody-here', passwd), null);
  rmSync(dir, { recursive: true, force: true });
  assert.is(resolveWorkloadUser('anything', false), null);
  const missing = (() => {
    try {
      resolveWorkloadUser('no-such-user-xyz', true);
      return null;
    } catch (e) {
      return e;
    }
  })();
  assert.instance(missing, CompartmentError);
  assert.match((missing as Error).message, /workload user "no-such-user-xyz" does not exist: run scripts\/setup/);
  assert.throws(() => resolveWorkloadUser('root', true), /is root: workloads must not run as root/);
});

test.run();
