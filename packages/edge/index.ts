// Public face of the edge: the route table, the DNS responder Caddy resolves routes from, and Caddy itself.
export {
  RouteTable,
  type RouteEntry,
  type RouteUpstream,
  type RouteTableChange,
  type RouteListener,
} from './route-table.js';
export {
  routeName,
  upstreamName,
  deploymentOfUpstreamName,
  portOfRouteName,
  ROUTE_ZONE,
  UPSTREAM_ZONE,
} from './dns-names.js';
export { startDnsResponder, type DnsResponder, type DnsResponderOptions } from './dns-responder.js';
export { AnswerLog, UNFOLLOWED_GRACE_MS, PICK_SLACK_MS, type Retiring } from './answer-log.js';
export {
  buildCaddyConfig,
  routePortRange,
  adminUrlOf,
  serverName,
  EDGE_DEFAULTS,
  type CaddyConfig,
  type EdgeCaddyOptions,
} from './caddy-config.js';
export { caddyAdmin, type CaddyAdmin, type UpstreamStatus } from './caddy-admin.js';
export { startCaddyKeeper, type CaddyKeeper, type CaddyKeeperOptions, type KeeperEvent } from './caddy-keeper.js';
export { HostIndex } from './host-index.js';
export { HOST_ZONE, FALLBACK_NAME, hostOfLookupName } from './dns-names.js';
export { HTTPS_SERVER, HTTP_SERVER, type EdgeHttpsOptions, type EdgeTls } from './caddy-https-config.js';
export { startEdgeAnswerer, type EdgeAnswerer, type EdgeAnswererOptions } from './edge-answerer.js';
export { certificateStates, rootCertificatePath, type CertificateState } from './certificate-state.js';
