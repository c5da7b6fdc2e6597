// Nearest-rank percentiles: every reported value is one that was measured.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percentile, ratio, summarize } from '../stats.js';

test('nearest-rank percentiles of unsorted samples', () => {
  const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal([percentile(v, 50), percentile(v, 95), percentile(v, 99), percentile(v, 0)], [5, 10, 10, 1]);
  assert.is(percentile([], 50), null);
});

test('summary of samples, and of none', () => {
  assert.equal(summarize([3, 1, 2]), { n: 3, p50: 2, p95: 3, p99: 3, min: 1, max: 3, mean: 2 });
  assert.equal(summarize([]).p50, null);
});

test('ratio is null when a side is missing or zero', () => {
  assert.equal([ratio(3, 2), ratio(null, 2), ratio(1, 0)], [1.5, null, null]);
});

test.run();
