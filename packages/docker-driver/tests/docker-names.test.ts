// Image tags, container names and labels: valid for Docker, tied to one node, and readable back into a key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerName, imageTag, keyOfLabels, labelFilter, labelsOf, LABELS, streamOf } from '../docker-names.js';

const key = { env: 'production', service: 'web', deploymentId: 'mabc123xyz' };
// Docker's reference grammar: path components of lowercase alphanumerics joined by separators, then a tag.
const REFERENCE =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*:[\w][\w.-]{0,127}$/;

test('one tag per deployment, under a repository per environment and service', () => {
  assert.is(imageTag(key), 'compartment/production/web:mabc123xyz');
  assert.is(imageTag({ ...key, service: 'api' }), 'compartment/production/api:mabc123xyz');
});

test('names that end in "-" (allowed by Compartment, not by Docker) still make a valid reference', () => {
  const tag = imageTag({ env: 'staging-', service: 'web--', deploymentId: 'mabc123xyz' });
  assert.is(tag, 'compartment/staging/web:mabc123xyz');
  assert.ok(REFERENCE.test(tag));
  assert.ok(REFERENCE.test(imageTag({ env: 'a-b--c', service: 'x1', deploymentId: 'mabc123xyz' })));
});

test('container names are Docker-valid and carry the deployment id', () => {
  const name = containerName(key);
  assert.is(name, 'compartment-production-web-mabc123xyz');
  assert.ok(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name));
});

test('labels name node, environment, service and deployment, and read back into the key', () => {
  const labels = labelsOf('node-1', key);
  assert.equal(labels, {
    [LABELS.node]: 'node-1',
    [LABELS.env]: 'production',
    [LABELS.service]: 'web',
    [LABELS.deployment]: 'mabc123xyz',
  });
  assert.equal(keyOfLabels(labels), key);
  assert.is(keyOfLabels({ [LABELS.env]: 'production', [LABELS.service]: 'web' }), null);
  assert.is(keyOfLabels({ ...labels, [LABELS.deployment]: 'NOT AN ID' }), null);
  assert.is(keyOfLabels(null), null);
});

test('an instance slot above 0 is in the name, a label and its own output stream; slot 0 is the plain key', () => {
  const slotted = { ...key, instance: 'node-2', slot: 3 };
  assert.is(containerName(slotted), 'compartment-production-web-mabc123xyz-node-2-s3');
  assert.is(containerName({ ...key, slot: 0 }), containerName(key));
  assert.is(labelsOf('node-2', slotted)[LABELS.slot], '3');
  assert.not.ok(LABELS.slot in labelsOf('node-1', { ...key, slot: 0 }));
  assert.equal(keyOfLabels(labelsOf('node-2', slotted)), { ...key, slot: 3 });
  assert.equal(
    [streamOf(slotted), streamOf({ ...key, slot: 0 }), streamOf(key)],
    ['mabc123xyz-s3', 'mabc123xyz', 'mabc123xyz'],
  );
});

test('label filters always include the node, then narrow by what is given', () => {
  assert.equal(labelFilter('node-1'), [`${LABELS.node}=node-1`]);
  assert.equal(labelFilter('node-1', { env: 'production', service: 'web' }), [
    `${LABELS.node}=node-1`,
    `${LABELS.env}=production`,
    `${LABELS.service}=web`,
  ]);
  assert.equal(labelFilter('node-1', key).at(-1), `${LABELS.deployment}=mabc123xyz`);
});

test.run();
