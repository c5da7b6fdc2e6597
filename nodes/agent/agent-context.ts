// Everything an API handler may use: this node's identity, the stores, the actor host and the deployment index.
import type { DeploymentRecord, Trigger } from '../../packages/protocol/index.js';
import type { DeploymentEvent, DeploymentSpec } from '../../machines/deployment/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import type { DeploymentStore } from '../../cluster/deployments/index.js';
import type { RouteStore } from '../../cluster/routes/index.js';
import type { SourceStore } from '../../cluster/sources/index.js';
import type { VariableStore } from '../../cluster/variables/index.js';
import type { Notifier } from './notify/notifier.js';
import type { KeyRing } from '../../cluster/secrets/index.js';
import type { ActorHost } from './host/actor-host.js';
import type { DeploymentIndex } from './deployment-index.js';
import type { TransitionRing } from './transition-ring.js';
import type { BuildSlots } from './build-slots.js';
import type { KeyLock } from '../../packages/key-lock/index.js';
import type { ClusterView } from './cluster-role/cluster-view.js';
import type { RuntimeAvailability } from './runtime/runtime-availability.js';
import type { RequestMemo } from './api/request-memo.js';

export interface AgentSettings {
  nodeId: string;
  /** Host part of route URLs (the edge's listen address as clients reach it). */
  routeHost: string;
  routePorts: number[];
  /** The edges' HTTPS port, named in the route URLs of services with domains (default 443: no port in the URL). */
  httpsPort?: number;
  /** The address other nodes and the edges dial to reach this node's workloads. */
  workloadHost: string;
  /** Releases kept per service and environment for rollback. */
  keepReleases: number;
  startedAt: string;
  version: string;
  /** Where this agent serves Prometheus metrics, told to the cluster in its heartbeat. */
  metricsUrl?: string;
}

export interface AgentContext {
  settings: AgentSettings;
  /** Webhooks (`notify:`): told of record changes by the index, of node losses by the leader. */
  notifier: Pick<Notifier, 'nodeLost' | 'close'>;
  conn: ClusterConnection;
  deployments: DeploymentStore;
  routes: RouteStore;
  sources: SourceStore;
  variables: VariableStore;
  /** This node's cluster key file (read, and written by a rotation served here). */
  keyRing: KeyRing;
  /** The deployment fingerprint's HMAC key, derived from the current cluster key. */
  fingerprintKey(): Buffer;
  host: ActorHost;
  index: DeploymentIndex;
  /** Transitions of every deployment this agent received lately, for `feed`. */
  transitions: TransitionRing;
  slots: BuildSlots;
  /** A lock per key: deploys and rollbacks of one environment are planned one at a time (also domains, key rotation). */
  planLock: KeyLock;
  /** What keyed deploys and rollbacks answered: a retry gets the first answer. */
  requests: RequestMemo;
  /** The freshest record: the live actor's if hosted here, else the indexed one. */
  recordOf(id: string): DeploymentRecord | null;
  /** Records of an environment (optionally one service), freshest versions. */
  records(filter: { env?: string; service?: string }): DeploymentRecord[];
  /** Delivers an event to a deployment wherever it lives: hosted here, on its owner node, or stored only. */
  deliver(id: string, event: DeploymentEvent): Promise<DeploymentRecord>;
  /** Creates a deployment on the node its spec names (this node hosts it at once; another picks it up from KV). */
  createDeployment(spec: DeploymentSpec, trigger: Trigger): Promise<DeploymentRecord>;
  cluster: ClusterView;
  /** What this node can run right now (advertised in its heartbeat). */
  availability: RuntimeAvailability;
}
