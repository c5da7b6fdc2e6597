// Public face of Compartment's one RPC layer: serve() and call() for every subject declared in packages/protocol's RPC.
export { call, gather, type CallOptions } from './rpc.call.js';
export {
  serve,
  serveService,
  answer,
  replyLimit,
  type RpcHandler,
  type OnInternalError,
  type ServeOptions,
  type Endpoint,
} from './rpc.serve.js';
export { ReplyMemo, MAX_MEMO_ENTRIES, type ReplyMemoSource } from './reply-memo.js';
export { encodeReply, decodeReply, decodeBody, errorPayload } from './rpc.codec.js';
export { serveLeader, askLeader } from './leader.rpc.js';
export {
  serveNode,
  deliverRemote,
  stopRemote,
  instanceRemote,
  transitionHistory,
  type NodeRpcHandlers,
  type InstanceRequest,
  type InstanceReply,
} from './node.rpc.js';
