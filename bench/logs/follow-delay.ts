// Delay until `compartment logs --follow` prints a line the app just wrote: a marker per request, timed to its appearance.
import { spawn } from 'node:child_process';
import { nowMs, sleep, httpGet, COMPARTMENT_BIN, type Cleanup } from '../harness/index.js';

/** Each sample: from sending the request that makes the app print a marker to the marker appearing in `logs --follow`. */
export async function followDelays(
  projectDir: string,
  url: string,
  samples: number,
  cleanup: Cleanup,
): Promise<number[]> {
  const child = spawn(
    process.execPath,
    [COMPARTMENT_BIN, 'logs', '--follow', '--service', 'web', '--stream', 'stdout', '--tail', '1'],
    {
      cwd: projectDir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  cleanup.pid(
    'logs --follow',
    () => (child.exitCode === null ? child.pid : null),
    () => child.kill('SIGINT'),
  );
  let out = '';
  const seenAt = new Map<string, number>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    const t = nowMs();
    out = (out + d).slice(-10_000);
    for (const m of out.matchAll(/follow-(\w+)/g)) if (!seenAt.has(m[1]!)) seenAt.set(m[1]!, t);
  });
  const say = (marker: string) => httpGet(`${url}/say?m=follow-${marker}`);
  const waitSeen = async (marker: string, timeoutMs: number) => {
    const deadline = nowMs() + timeoutMs;
    while (!seenAt.has(marker)) {
      if (nowMs() > deadline) return null;
      await sleep(2);
    }
    return seenAt.get(marker)!;
  };
  // Until a first marker shows, the follower may not be attached yet: those do not count.
  for (let i = 0; ; i++) {
    if (i > 50) throw new Error('logs --follow printed none of the warm-up markers');
    await say(`warm${i}`);
    if (await waitSeen(`warm${i}`, 300)) break;
  }
  const delays: number[] = [];
  for (let k = 0; k < samples; k++) {
    await sleep(100);
    const sentAt = nowMs();
    await say(`m${k}`);
    const at = await waitSeen(`m${k}`, 10_000);
    if (at === null) throw new Error(`marker m${k} did not show in logs --follow within 10 s`);
    delays.push(at - sentAt);
  }
  child.kill('SIGINT');
  return delays;
}
