// The value sets of status, stage and health equal the spec's tables, in the protocol and in the machine's regions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { STATUSES, STAGES, HEALTHS, SPEC_FIELDS } from '../../../packages/protocol/index.js';
import { deploymentMachine } from '../deployment.machine.js';

const spec = readFileSync(new URL('../../../../docs/spec/deployments.md', import.meta.url), 'utf8');

/** First column of the first markdown table after `heading`. */
function tableColumn(heading: string): string[] {
  const from = spec.indexOf(heading);
  assert.ok(from >= 0, `spec has a "${heading}" section`);
  const lines = spec.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start + 2, end).map((row) => row.split('|')[1]!.trim());
}

const regionStates = (region: string) => Object.keys(deploymentMachine.root.states[region]!.states);

test('statuses equal the spec table and the status region', () => {
  assert.equal([...STATUSES], tableColumn('### Runtime status'));
  assert.equal(regionStates('status'), [...STATUSES]);
});

test('stages equal the spec table and the stage region', () => {
  assert.equal([...STAGES], tableColumn('### Promotion stages'));
  assert.equal(regionStates('stage'), [...STAGES]);
});

test('health states equal the spec table and the health region', () => {
  assert.equal([...HEALTHS], tableColumn('### Health states'));
  assert.equal(regionStates('health'), [...HEALTHS]);
});

test('the record fields are the spec table', () => {
  assert.equal([...SPEC_FIELDS], tableColumn('## Deployment data'));
});

test('the machine is three parallel regions', () => {
  assert.is(deploymentMachine.root.type, 'parallel');
  assert.equal(Object.keys(deploymentMachine.root.states).sort(), ['health', 'stage', 'status']);
});

test.run();
