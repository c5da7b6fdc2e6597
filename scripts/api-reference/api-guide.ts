// The hand-written part of docs/api.md (connecting, envelopes, chunks, uploading a source, following a deployment), filled with the protocol's names.

export interface GuideValues {
  cliInbox: string;
  service: string;
  sources: string;
  logs: string;
  logSubject: string;
  maxWatchWait: number;
  maxFeedRecords: number;
  maxReply: string;
  maxSource: string;
  maxUnpacked: string;
  chunked: string;
}

export const GUIDE = (v: GuideValues) => `
# Compartment's NATS API

Everything the \`compartment\` CLI does, any NATS client can do: the CLI is a thin client of this API. Each
request and reply below has a JSON Schema (draft 2020-12) in [docs/api/](api/), generated from the zod schemas
both sides validate with (\`packages/protocol\`); a test fails when these files are stale.
[examples/clients/deploy-directory.mjs](../examples/clients/deploy-directory.mjs) deploys a directory, follows it
to the end and prints the record in about 100 lines of plain nats.js.

## Connecting

- NATS is authenticated. \`compartment up\` writes one credentials file per role in
  \`.compartment/credentials/\`; a client uses \`cli.creds\` (every API verb, source uploads, following the log
  stream; it answers nothing, and reads no record bucket: records and transitions come through the API). The file holds an nkey seed (the line starting \`SU\`): connect with nats.js's
  \`nkeyAuthenticator(seed)\`. A standard NATS JWT \`.creds\` file works too (\`credsAuthenticator\`).
- Replies to a role arrive under its own inbox prefix, written in the file as \`# inbox: …\`; for the cli role
  connect with \`inboxPrefix: "${v.cliInbox}"\`, or every request is refused (a permissions violation on
  \`_INBOX.>\`).
- Discovery: the node agents register the NATS service \`${v.service}\`; \`$SRV.PING\`, \`$SRV.INFO.${v.service}\`
  and \`$SRV.STATS.${v.service}\` list it and its endpoints (one per \`compartment.api.*\` subject).

## Requests and replies

- A request is a JSON object on the subject (an empty payload is \`{}\`). Any node agent answers (a queue group);
  deploy and rollback are forwarded to the leader. Requests are validated strictly: an unknown or invalid field is
  refused with \`INVALID_ARGUMENT\` (or \`TOO_LARGE\`) and \`error.field\` naming it, and nothing is created.
- A reply is \`{"ok": true, "result": …}\` or \`{"ok": false, "error": {"code", "message", "field"?}}\`. Replies are
  plain objects: accept fields you do not know, later versions add optional ones.
- Read-only subjects may be asked again when no answer comes (a node that froze holding the request). For deploy and
  rollback send an \`idempotencyKey\` (8–64 of \`A-Z a-z 0-9 _ -\`) and reuse it on a retry: the leader returns the
  first request's result instead of deploying twice.

## Chunked replies

One message is at most ${v.maxReply} (or the connection's \`max_payload\`, when smaller). A reply that does not fit is
sent as several envelopes on the same reply subject, each with part of one array field and \`"more": true\` on all but
the last; concatenate the arrays in order. This applies to ${v.chunked}. With nats.js use
\`nc.requestMany(subject, body, { strategy: "stall", stall: 5000, maxWait: 20000 })\` and stop at the first message
without \`more\`. Anything still too large is a \`TOO_LARGE\` error reply (ask for less, e.g. a smaller \`tail\`).

## Deploying from a client: upload the source, then deploy

1. **Pack** the service's directory as a gzipped tar with its files at the archive root (\`tar -czf - -C DIR .\`).
   The node refuses archives over ${v.maxSource} gzipped or ${v.maxUnpacked} unpacked (and links leaving the
   release, devices, absolute paths). The CLI also drops what \`.compartmentignore\` lists and makes the bytes
   deterministic, so an unchanged directory gets the same digest; a client need not.
2. **Name** it \`sha256-\` followed by the lowercase hex SHA-256 of the gzipped bytes.
3. **Upload**: request \`compartment.api.source.check\` with \`{ digest }\`; when the reply says \`present: false\`, put
   the bytes into the JetStream object store \`${v.sources}\` under that name (nats.js:
   \`new Objm(nc).open("${v.sources}")\`, then \`putBlob({ name: digest }, bytes)\`). The node agents create that store
   with the cluster's settings; a client never creates it. Objects are content-addressed and never replaced or
   deleted by a client.
4. **Deploy**: request \`compartment.api.deploy\` with \`services: [{ name, config, sourceDigest }]\` where \`config\` is
   the service's block of \`compartment.yaml\` as JSON (at least \`start\` for a process service). The reply lists
   the created deployments (\`queued\`) and the services left \`unchanged\` (same source, config and variables; send
   \`force: true\` to deploy them anyway). Send \`requestedBy: { client: "<your client's name>" }\` (and \`user\`,
   \`host\` when you know them) and, for a directory in git, \`services[].git: { commit, dirty }\`: each created
   deployment records them as \`audit\` (shown by \`status --all\` and \`inspect\`; NATS does not tell a responder
   who sent a request, so what is not sent is recorded as unknown).
5. **Follow** each deployment until its \`status\` is \`succeeded\` or \`failed\`: ask \`compartment.api.inspect\` now
   and then, or loop on \`compartment.api.watch\`, a long poll: send each deployment's \`id\` with the \`revision\` of
   its record you last saw (0 at first); the reply carries every newer record at once, or nothing after \`waitMs\`
   (at most ${v.maxWatchWait} ms). With \`transitions: { after }\` (one deployment; \`after\` is the last
   transition's \`{ nodeId, seq }\` or null) it also carries the statechart transitions
   ([transition-report.schema.json](api/transition-report.schema.json)) from the hosting node's journal; \`more: true\`
   means ask again at once. How records are stored is not part of the API. Its log lines are on the JetStream stream
   \`${v.logs}\`, subject \`${v.logSubject}\` (\`<stream>\` is \`compartment\`, \`stdout\` or \`stderr\`), each message a
   batch of one deployment's lines on one stream ([log-batch.schema.json](api/log-batch.schema.json)); or ask
   \`compartment.api.logs\`.
6. **Follow everything** (what the dashboard does): loop on \`compartment.api.feed\` with \`since\`, the KV revision
   you have seen everything up to (0 at first: the current state). The reply carries each deployment whose record
   changed after it, at its newest revision (\`record: null\` once deleted), oldest first, at most
   ${v.maxFeedRecords} per reply; pass its \`cursor\` as the next \`since\`, at once while \`more\` is true. \`gap: true\`
   means the answering agent no longer knows every deletion after your \`since\` (it restarted): read again from
   \`since: 0\` and drop what that state does not hold. With \`transitions: { after }\` (null at first, then the
   reply's \`transitionCursor\`) it also carries the transitions that agent received; another agent answering sees a
   cursor it cannot place and sends its reports of the 2 s before it again (drop repeats by \`nodeId\`, \`id\`,
   \`seq\`); \`transitionGap: true\` says some may be missing: a deployment's journal still has them (step 5).
`;
