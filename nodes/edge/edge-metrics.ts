// The edge's /metrics: Caddy's per-route request, error and latency metrics relabelled from its server name to environment and service.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface RouteOwner {
  environment: string;
  service: string;
}

/** Caddy's families the edge passes on: per server (one per route port) requests, errors, latency, in flight. */
const KEPT =
  /^caddy_http_(requests_total|request_errors_total|request_duration_seconds|requests_in_flight)(_bucket|_sum|_count)?$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}\s+(\S+)$/;
const SERVER = /(^|,)server="r(\d+)"/;

/**
 * Caddy names a server `r<port>` (one per route port); a port belongs to one (environment, service). Samples of
 * ports no route owns (yet) are dropped, as are all other families (Go runtime, admin API).
 */
export function relabelCaddyMetrics(text: string, ownerOf: (port: number) => RouteOwner | null): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      if (KEPT.test(line.split(' ')[2] ?? '')) out.push(line);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m || !KEPT.test(m[1]!)) continue;
    const server = SERVER.exec(m[2]!);
    const owner = server ? ownerOf(Number(server[2])) : null;
    if (!server || !owner) continue;
    const labels = m[2]!.replace(
      SERVER,
      `$1environment="${owner.environment}",service="${owner.service}",port="${server[2]}"`,
    );
    out.push(`${m[1]}{${labels}} ${m[3]}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

export class EdgeMetrics {
  readonly registry = new Registry();
  private readonly caddyUp = new Gauge({
    name: 'compartment_edge_caddy_up',
    help: "1 when Caddy's admin API answered this scrape",
    registers: [this.registry],
  });

  constructor(
    private readonly source: {
      caddyMetrics(): Promise<string>;
      routeCount(): number;
      ownerOf(port: number): RouteOwner | null;
    },
  ) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'compartment_edge_routes',
      help: 'Routes this edge holds in its table',
      registers: [this.registry],
      collect() {
        this.set(source.routeCount());
      },
    });
  }

  async render(): Promise<string> {
    let caddy = '';
    try {
      caddy = relabelCaddyMetrics(await this.source.caddyMetrics(), (port) => this.source.ownerOf(port));
      this.caddyUp.set(1);
    } catch {
      this.caddyUp.set(0);
    }
    return `${await this.registry.metrics()}${caddy}`;
  }
}
