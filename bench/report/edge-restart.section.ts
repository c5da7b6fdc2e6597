// Section 9 of the report: how soon an edge serving domains answers HTTPS again after a restart, and that no certificate was re-issued.
import type { EdgeRestartData } from '../scenarios/index.js';
import { ms, table } from './markdown.js';

export function edgeRestartSection(d: EdgeRestartData): string {
  const row = (what: string, s: EdgeRestartData['edgeProcessMs']) => [what, s.n, ms(s.p50), ms(s.p95), ms(s.max)];
  return [
    `${d.restarts} times: the edge process SIGKILLed (\`up\` starts a new one, which adopts the running Caddy without a reload), then Caddy itself SIGKILLed (the edge starts a new one, which loads the stored certificate). Measured with HTTPS requests by host name every 5 ms. While the edge process is down, Caddy cannot resolve the per-host names (its DNS responder is gone); a new edge (bundled into one file, so it loads fast) answers from the routes it last knew (kept on disk, trusted while its heartbeat is recent) before it reaches NATS, so HTTPS serves again as soon as it has started.`,
    '',
    table(
      ['restart', 'n', 'p50', 'p95', 'max'],
      [
        row('edge process: new process started → first HTTPS 200', d.edgeProcessMs),
        row('edge process: killed → first HTTPS 200', d.edgeKillToServedMs),
        row('Caddy: killed → first HTTPS 200', d.caddyKillToServedMs),
      ],
    ),
    '',
    `Certificates obtained over the whole run: **${d.issued}** (1 = issued once at the first visit, reused after every restart).`,
  ].join('\n');
}
