// Plans: auto chooses by the cost model and says why; a method never changes the meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import { correlate } from './correlate.js';
import { planConvolve, planCorrelate } from './plan.js';
import { chooseTiling, fftCostMs } from './fft.js';

const square = (k: number) =>
  Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => i - j + 0.5));

test('auto: direct for a 3×3 kernel, fft for a 31×31 kernel, with the modelled times in the reason', () => {
  const img = ndarray(new Float32Array(512 * 512), [512, 512]);
  const small = planCorrelate(img, square(3));
  assert.equal(small.method, 'direct');
  assert.match(
    small.reason,
    /^direct: 512×512×1 output, 3×3 kernel; modelled [\d.]+ ms \(9 taps per output\) vs fft [\d.]+ ms/,
  );
  const big = planConvolve(img, square(31));
  assert.equal(big.method, 'fft');
  assert.ok(big.tiling && big.tiling.n1 >= 31 && big.tiling.n2 >= 31);
  assert.match(big.reason, /^fft: 512×512×1 output, 31×31 kernel; modelled [\d.]+ ms \(\d+×\d+ tiles/);
});

test('a method asked for is used and named; NaN input sends fft to direct (same meaning)', () => {
  const data = new Float64Array(40 * 40).fill(1);
  const img = ndarray(data, [40, 40]);
  const p = planCorrelate(img, square(5), { method: 'fft' });
  assert.equal(p.method, 'fft');
  assert.match(p.reason, /^fft \(asked for\)/);
  data[5] = NaN;
  const q = planCorrelate(img, square(5), { method: 'fft' });
  assert.equal(q.method, 'direct');
  assert.match(q.reason, /^direct instead of fft: the input holds NaN or ±Infinity/);
  const auto = planCorrelate(img, square(15));
  assert.equal(auto.method, 'direct');
  assert.match(auto.reason, /fft not used: the input holds NaN/);
  // NaN reaches exactly the outputs whose window holds it, whichever method was asked for.
  const y = correlate(img, square(5), { method: 'fft' });
  assert.ok(Number.isNaN(y.data[5]) && Number.isNaN(y.data[2 * 40 + 7]));
  assert.ok(!Number.isNaN(y.data[0]) && !Number.isNaN(y.data[3 * 40 + 5]));
  assert.throws(
    () => planCorrelate(img, square(3), { method: 'wavelet' as 'fft' }),
    /Expected one of auto, direct, separable, fft for method, got "wavelet"/,
  );
});

test('fft tiling: the chosen tile is the cheapest candidate and holds the kernel', () => {
  const t = chooseTiling(1080, 1920, 31, 31, 1);
  assert.ok(t && t.n1 >= 31 && t.n2 >= 31);
  for (const [n1, n2] of [
    [64, 64],
    [128, 256],
    [1110, 1950],
  ])
    assert.ok(fftCostMs(1080, 1920, 31, 31, 1, n1, n2).ms >= t.ms);
});

test('fft tiling: none for kernels whose tiles would exceed the buffer limit (direct only)', () => {
  assert.equal(chooseTiling(1, 1, 2100, 2100, 1), undefined);
  assert.ok(chooseTiling(1, 1, 2000, 2000, 1));
});
