// Calls the API from inside the cluster (the dashboard): the same envelope the CLI reads, errors as CompartmentErrors.
import { API, CompartmentError, replyEnvelope, subjects, type ApiReply, type ApiRequestParsed, type ApiVerb } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

export async function callApi<V extends ApiVerb>(conn: ClusterConnection, verb: V, request: ApiRequestParsed<V>, timeoutMs = 60_000): Promise<ApiReply<V>> {
  const msg = await conn.nc.request(subjects.api(verb), JSON.stringify(request), { timeout: timeoutMs });
  const envelope = replyEnvelope(API[verb].reply).parse(msg.json());
  if (!envelope.ok) throw new CompartmentError(envelope.error.code, envelope.error.message, envelope.error.field);
  return envelope.result as ApiReply<V>;
}
