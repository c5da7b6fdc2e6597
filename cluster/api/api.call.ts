// Calls the API from inside the cluster (the dashboard, tests): the same call() the CLI uses.
import { RPC, type ApiReply, type ApiRequest, type ApiVerb } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { call } from '../rpc/index.js';

export function callApi<V extends ApiVerb>(
  conn: ClusterConnection,
  verb: V,
  request: ApiRequest<V>,
  timeoutMs = 60_000,
): Promise<ApiReply<V>> {
  return call(conn.nc, RPC.api[verb], undefined, request, { timeoutMs }) as Promise<ApiReply<V>>;
}
