// The files `up` keeps in the project's .compartment/: cluster.json (ports chosen once) and context.json (how to reach it).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const STATE_DIR = '.compartment';

export interface ClusterPorts {
  nats: number;
  dns: number;
  caddyAdmin: number;
  /** First and last port of the edge's route range, inclusive. */
  routes: [number, number];
  /** The web dashboard's port; absent in files written before there was one (it is picked then). */
  dashboard?: number;
  /** The edges' shared HTTPS and HTTP ports for domains (absent in files written before domains: picked then). */
  https?: number;
  http?: number;
  /** `up --nodes N`: every member's own ports (member 1 repeats nats, dns and caddyAdmin above). */
  members?: MemberPorts[];
}

/** One member of a local multi-node cluster: its nats-server (client and cluster ports) and its edge. */
export interface MemberPorts {
  nats: number;
  natsCluster: number;
  dns: number;
  caddyAdmin: number;
}

/** Kept across `up`s so route URLs (which name the route ports) stay stable. */
export interface ClusterFile {
  ports: ClusterPorts;
  dataDir: string;
  /** `up --nats-tls-cert/--nats-tls-key/--nats-tls-ca`: kept, so a later `up` serves TLS again. */
  tls?: { cert: string; key: string; ca: string };
}

export interface ChildPids {
  nats: number | null;
  edge: number | null;
  node: number | null;
  dashboard?: number | null;
  /** Members 2..N of `up --nodes N`: `nats-2`, `edge-2`, `node-2`, ... */
  [member: string]: number | null | undefined;
}

/** What clients read to find the local cluster; `pid` is the supervisor, null once it stopped. */
export interface ClusterContext {
  natsUrl: string;
  pid: number | null;
  ports: ClusterPorts;
  dataDir: string;
  projectDir: string;
  children: ChildPids;
  /** Where the dashboard `up` started answers, e.g. http://127.0.0.1:7070. */
  dashboardUrl?: string | null;
  /** The CA that verifies the cluster's NATS servers when `up` serves TLS (the CLI passes it on). */
  tlsCa?: string | null;
  startedAt: string;
  stoppedAt: string | null;
}

export const stateDirOf = (projectDir: string) => join(projectDir, STATE_DIR);
export const clusterFileOf = (projectDir: string) => join(stateDirOf(projectDir), 'cluster.json');
export const contextFileOf = (projectDir: string) => join(stateDirOf(projectDir), 'context.json');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;

function isPorts(v: unknown): v is ClusterPorts {
  const p = v as ClusterPorts | null;
  return (
    !!p &&
    isPort(p.nats) &&
    isPort(p.dns) &&
    isPort(p.caddyAdmin) &&
    Array.isArray(p.routes) &&
    p.routes.length === 2 &&
    p.routes.every(isPort)
  );
}

export function readClusterFile(projectDir: string): ClusterFile | null {
  const v = readJson(clusterFileOf(projectDir)) as ClusterFile | null;
  return v && isPorts(v.ports) && typeof v.dataDir === 'string' ? v : null;
}

export function readContext(projectDir: string): ClusterContext | null {
  const v = readJson(contextFileOf(projectDir)) as ClusterContext | null;
  return v && typeof v.natsUrl === 'string' && isPorts(v.ports) ? v : null;
}

/** Write-then-rename, so a reader never sees half a file. */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}

export function writeClusterFile(projectDir: string, file: ClusterFile): void {
  mkdirSync(stateDirOf(projectDir), { recursive: true });
  writeJson(clusterFileOf(projectDir), file);
}

export function writeContext(projectDir: string, context: ClusterContext): void {
  mkdirSync(stateDirOf(projectDir), { recursive: true });
  writeJson(contextFileOf(projectDir), context);
}

/** `--data-dir`, else the one the last `up` used, else `.compartment/` of the project. */
export function dataDirOf(projectDir: string, flag: string | undefined): string {
  if (flag) return resolve(projectDir, flag);
  return readClusterFile(projectDir)?.dataDir ?? stateDirOf(projectDir);
}
