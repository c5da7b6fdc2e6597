// Drops messages on the request subjects only Compartment servers answer unless they carry a requester's inbox as reply.
import type { Msg, MsgCallback, NatsConnection, SubscriptionOptions } from '@nats-io/nats-core';

/**
 * Any role allowed to create a JetStream consumer or call the JetStream API picks where the server delivers:
 * nats-server 2.9 does not check that subject against the role's permissions. So a stored value (an edge's own
 * heartbeat, say) could reach `compartment.node.<id>.deliver` or `compartment.api.rollback`. Such deliveries
 * have a `$JS.` reply or none; every real request has an `_INBOX…` reply (the client's `request`).
 */
const GUARDED = /^compartment\.(api|node|leader)\.|^compartment\.edge\.state$/;
const fromRequester = (m: Msg) => typeof m.reply === 'string' && m.reply.startsWith('_INBOX');

export function guardRequestSubjects(nc: NatsConnection, onDropped: (subject: string) => void = () => undefined): void {
  const subscribe = nc.subscribe.bind(nc);
  nc.subscribe = (subject: string, opts?: SubscriptionOptions) => {
    const callback = opts?.callback as MsgCallback<Msg> | undefined;
    if (!GUARDED.test(subject) || !callback) return subscribe(subject, opts);
    return subscribe(subject, {
      ...opts,
      callback: (error, msg) => {
        if (!error && !fromRequester(msg)) return onDropped(msg.subject);
        return callback(error, msg);
      },
    });
  };
}
