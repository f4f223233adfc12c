import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeRow } from '../core/cast.js';
import { ndarray } from '../core/ndarray.js';
import { correlate } from './correlate.js';
import { boxFilter } from '../filters/box.js';
import { planLinear } from './plan.js';
import { linearSpec } from './correlate.js';
import { gaussianKernel } from '../kernels/gaussian.js';
import { sobelKernel } from '../kernels/derivatives.js';
import { laplacianKernel } from '../kernels/derivatives.js';

/** round-half-even(S / N) by integer arithmetic only. */
function exactMean(S: number, N: number): number {
  const q = Math.floor(S / N);
  const r = S - q * N;
  if (2 * r < N) return q;
  if (2 * r > N) return q + 1;
  return q % 2 === 0 ? q : q + 1;
}

test('box integer outputs: float64 S / N then round-half-even = the exact rounded mean, for every window sum', () => {
  // every window sum S of N uint8 values (0 ≤ S ≤ 255·N), for every window area up to 128 and 45×45;
  // and every sum of N uint16 values for N ≤ 9 (the stored result saturates to the type's range)
  const cases: [number, number, 'uint8' | 'uint16'][] = [];
  for (let n = 1; n <= 128; n++) cases.push([n, 255, 'uint8']);
  cases.push([45 * 45, 255, 'uint8'], [31 * 17, 255, 'uint8']);
  for (let n = 1; n <= 9; n++) cases.push([n, 65535, 'uint16']);
  for (const [n, max, dtype] of cases) {
    const count = max * n + 1;
    const acc = new Float64Array(count);
    for (let s = 0; s < count; s++) acc[s] = s / n;
    const out = dtype === 'uint8' ? new Uint8Array(count) : new Uint16Array(count);
    storeRow(acc, count, out, 0, 1, dtype, 'half-even');
    for (let s = 0; s < count; s++)
      if (out[s] !== exactMean(s, n)) assert.fail(`N=${n} S=${s}: ${out[s]} vs ${exactMean(s, n)}`);
  }
});

test('box on uint8 at .5 ties: the exact mean rounds half to even', () => {
  // 2×3 window over a 2×3 image with wrap: every window holds all six values, sum 9, mean 1.5 → 2
  const x = ndarray(Uint8Array.from([1, 2, 1, 2, 1, 2]), [2, 3]);
  assert.deepEqual(Array.from(boxFilter(x, { ksize: [3, 2], border: 'wrap' }).data), [2, 2, 2, 2, 2, 2]);
  // 2×1 windows (anchor column 1: x[n−1] + x[n]) of [3 4 2 3], replicate: 6, 7, 6, 5 → 3, 3.5→4, 3, 2.5→2
  const y = boxFilter(ndarray(Uint8Array.from([3, 4, 2, 3]), [1, 4]), { ksize: [2, 1], border: 'replicate' });
  assert.deepEqual(Array.from(y.data), [3, 4, 3, 2]);
});

test('plan: auto = separable for a 5×5 Gaussian, direct for 3×3 Sobel, the Laplacian and 1-D kernels', () => {
  const x = ndarray(new Float32Array(64 * 64), [64, 64]);
  const reason = (k: Parameters<typeof correlate>[1]) => planLinear(x, linearSpec(x, k, {}, false)).reason;
  assert.match(
    reason(gaussianKernel({ sigma: 1, ksize: 5 })),
    /^separable: 64×64×1 output, 5×5 kernel; modelled [\d.]+ ms \(rank 1: 5 \+ 5 taps in two 1-D passes\) vs direct/,
  );
  assert.match(
    reason(sobelKernel({ dx: 1, dy: 0 })),
    /^direct: .*3×3 kernel; .* vs separable [\d.]+ ms \(rank 1: 3 \+ 3 taps/,
  );
  assert.match(reason(laplacianKernel(5)), /^direct: .*separable not used: the kernel is not rank 1/);
  assert.match(
    reason([1, 2, 3, 4, 5, 6, 7]),
    /^direct: .*separable not used: a 1-D kernel is already one pass/,
  );
  assert.throws(
    () => correlate(x, laplacianKernel(3), { method: 'separable' }),
    /not rank 1.*for method, got "separable"/,
  );
});
