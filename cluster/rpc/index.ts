// Public face of node-to-node requests: to one node (deliver, stop) and to whichever node leads.
export { serveNodeRpc, deliverRemote, stopRemote, type NodeRpcHandlers, type WireEvent } from './node-rpc.js';
export { serveLeaderVerb, askLeader } from './leader-rpc.js';
