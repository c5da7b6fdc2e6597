// The node agent's Prometheus metrics: its deployments by state, deploy/stage/switch durations, readiness, restarts, log lines.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  isTerminalStatus,
  type DeploymentRecord,
  type LogStream,
  type TransitionReport,
} from '../../packages/protocol/index.js';
import type { OutputSink } from './runtime/workload-runtime.js';

const SVC = ['environment', 'service'] as const;
/** Seconds: a switch takes milliseconds, a build can take many minutes. */
const BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const secondsBetween = (a: string, b: string) => Math.max(0, (Date.parse(b) - Date.parse(a)) / 1000);

export class AgentMetrics {
  readonly registry = new Registry();
  private records: () => DeploymentRecord[] = () => [];
  /** Per deployment: readiness attempts counted so far and whether it was seen unfinished (its durations are ours to count). */
  private readonly seen = new Map<string, { attempts: number; live: boolean }>();
  private readonly deploys = new Counter({
    name: 'compartment_deploys_total',
    help: 'Deployments hosted here that finished, by outcome',
    labelNames: [...SVC, 'status', 'trigger'],
    registers: [this.registry],
  });
  private readonly deployDuration = new Histogram({
    name: 'compartment_deploy_duration_seconds',
    help: 'From created to succeeded or failed',
    labelNames: [...SVC, 'status'],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly stageDuration = new Histogram({
    name: 'compartment_stage_duration_seconds',
    help: 'Time spent in each promotion stage of a finished deployment',
    labelNames: [...SVC, 'stage'],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly switchDuration = new Histogram({
    name: 'compartment_switch_duration_seconds',
    help: 'The switching_route stage: from the route write to every live edge confirming it',
    labelNames: [...SVC],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly readinessAttempts = new Counter({
    name: 'compartment_readiness_attempts_total',
    help: 'Readiness probe attempts',
    labelNames: [...SVC],
    registers: [this.registry],
  });
  private readonly readinessFailures = new Counter({
    name: 'compartment_readiness_failures_total',
    help: 'Readiness probe attempts that did not pass',
    labelNames: [...SVC],
    registers: [this.registry],
  });
  private readonly restarts = new Counter({
    name: 'compartment_workload_restarts_total',
    help: 'Workloads that exited while serving and were restarted',
    labelNames: [...SVC],
    registers: [this.registry],
  });
  private readonly logLines = new Counter({
    name: 'compartment_log_lines_total',
    help: 'Log lines this agent published, by stream',
    labelNames: ['stream'],
    registers: [this.registry],
  });

  constructor(readonly nodeId: string) {
    collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    new Gauge({
      name: 'compartment_deployments',
      help: 'Deployments hosted on this node, by environment, service, status, stage and health',
      labelNames: [...SVC, 'status', 'stage', 'health', 'active'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const r of metrics.records()) {
          if (r.nodeId !== metrics.nodeId) continue;
          this.inc({
            environment: r.environmentName,
            service: r.serviceName,
            status: r.status,
            stage: r.promotionStage,
            health: r.health,
            active: String(r.isActive),
          });
        }
      },
    });
  }

  /** Where the deployments gauge reads from (the agent's records, once it has them). */
  attach(records: () => DeploymentRecord[]): void {
    this.records = records;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Every change of a record hosted here (the platform log hook sees each one, with its lines). */
  recordChanged(r: DeploymentRecord, platformLines: number): void {
    this.lines('compartment', platformLines);
    const labels = { environment: r.environmentName, service: r.serviceName };
    const before = this.seen.get(r.id);
    // A record first seen already finished (restored at start) was counted by whoever ran it.
    const state = before ?? { attempts: r.readiness.attempts, live: !isTerminalStatus(r.status) };
    if (!before && state.live && r.readiness.attempts > 0) state.attempts = 0;
    const fresh = r.readiness.attempts - state.attempts;
    if (fresh > 0) {
      this.readinessAttempts.inc(labels, fresh);
      const failed = r.readiness.recent.slice(-fresh).filter((a) => !a.ok).length;
      if (failed > 0) this.readinessFailures.inc(labels, failed);
      state.attempts = r.readiness.attempts;
    }
    if (state.live && isTerminalStatus(r.status) && r.completedAt) {
      state.live = false;
      this.deploys.inc({ ...labels, status: r.status, trigger: r.trigger });
      this.deployDuration.observe({ ...labels, status: r.status }, secondsBetween(r.createdAt, r.completedAt));
      this.observeStages(r, labels);
    }
    this.seen.set(r.id, state);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
  }

  /** A statechart transition: `workload.exited` while serving is a crash the supervisor restarts. */
  transition(report: TransitionReport, record: DeploymentRecord | null): void {
    if (report.event === 'workload.exited' && record)
      this.restarts.inc({ environment: record.environmentName, service: record.serviceName });
  }

  lines(stream: LogStream, n: number): void {
    if (n > 0) this.logLines.inc({ stream }, n);
  }

  /** The output sink, counting what passes through it. */
  wrapSink(sink: OutputSink): OutputSink {
    return {
      output: (spec, stream, lines) => (this.lines(stream, lines.length), sink.output(spec, stream, lines)),
      event: (spec, text) => (this.lines('compartment', 1), sink.event(spec, text)),
    };
  }

  /** Each stage lasts from its first entry to the next stage's first entry (the last one, `active`, is still going). */
  private observeStages(r: DeploymentRecord, labels: { environment: string; service: string }): void {
    const firsts = r.stages.filter((s, i) => i === 0 || r.stages[i - 1]!.stage !== s.stage);
    for (let i = 0; i + 1 < firsts.length; i++) {
      const seconds = secondsBetween(firsts[i]!.at, firsts[i + 1]!.at);
      this.stageDuration.observe({ ...labels, stage: firsts[i]!.stage }, seconds);
      if (firsts[i]!.stage === 'switching_route') this.switchDuration.observe(labels, seconds);
    }
  }
}
