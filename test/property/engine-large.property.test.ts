// The engine's session-2 speed paths against the plain-TypeScript reference on images large
// enough to take them: outputs of 1 MB and more come from uninitialised memory (every element
// must be written), uint8 3×3 kernels with exact ties recompute them in float64 (bit-identical),
// and the pool gives the single-thread result exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { correlate, gaussianBlur, boxFilter, ndarray, planCorrelate, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { warmPoolAsync } from '../../src/engine/pool.js';
import { simdStatus } from '../../src/engine/simd.js';
import { mulberry32 } from '../../src/core/random.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
let oldCrossover = 0;
before(async () => {
  assert.ok(simdStatus().available, simdStatus().reason);
  oldCrossover = setPoolCrossover(0);
  await warmPoolAsync(2);
});
after(() => setPoolCrossover(oldCrossover));

const rand = mulberry32;

function withinTolerance(got: NDArray, want: NDArray): void {
  assert.deepEqual(got.shape, want.shape);
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) scale = Math.max(scale, Math.abs(want.data[i]));
  for (let i = 0; i < want.data.length; i++) {
    if (!(Math.abs(got.data[i] - want.data[i]) <= 1e-5 * scale))
      assert.fail(`index ${i}: ${got.data[i]} vs ${want.data[i]} (scale ${scale})`);
  }
}

test('1 MB+ outputs (uninitialised allocation): float32 3×3, uint8 RGB 3×3 with decimal weights, Gaussian, box — every element as the reference', () => {
  fc.assert(
    fc.property(fc.integer(), fc.constantFrom(...MODES), (seed, border) => {
      const r = rand(seed);
      const [h, w] = [520 + (seed & 7), 701]; // ≥ 1 MB outputs for float32 gray and uint8 RGB
      const gray = ndarray(
        new Float32Array(h * w).map(() => r() * 2 - 0.5),
        [h, w],
      );
      const rgb = ndarray(
        new Uint8Array(h * w * 3).map(() => Math.floor(r() * 256)),
        [h, w, 3],
      );
      const k1 = [
        [1, 2, 0],
        [-1, 0.5, 3],
        [0, -2, 1],
      ];
      const k2 = [
        [0.1, 0.2, 0.05],
        [-0.1, 0.6, 0.2],
        [0.05, -0.05, -0.05],
      ];
      for (const threads of [1, 2]) {
        const o = { border, backend: 'wasm' as const, threads };
        withinTolerance(correlate(gray, k1, o), correlate(gray, k1, { border, backend: 'js' }));
        assert.deepEqual(correlate(rgb, k2, o).data, correlate(rgb, k2, { border, backend: 'js' }).data);
        withinTolerance(
          gaussianBlur(gray, { sigma: 2, ksize: [0, 0], border, backend: 'wasm', threads }),
          gaussianBlur(gray, { sigma: 2, ksize: [0, 0], border, backend: 'js' }),
        );
        assert.deepEqual(
          boxFilter(rgb, { ksize: [9, 7], border, backend: 'wasm', threads }).data,
          boxFilter(rgb, { ksize: [9, 7], border, backend: 'js' }).data,
        );
      }
    }),
    { numRuns: 3 },
  );
});

test('uint8 certified rounding: decimal weights with ties below 0 and above 255, sparse and 5×5 kernels, rows past 16 lanes', () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(3, 5),
      fc.constantFrom(...MODES),
      (seed, C, k, border) => {
        const r = rand(seed);
        const [h, w] = [7 + (seed & 15), 33 + ((seed >>> 4) & 63)];
        const img = ndarray(
          new Uint8Array(h * w * C).map(() => (r() < 0.3 ? 255 : Math.floor(r() * 256))),
          C === 1 ? [h, w] : [h, w, C],
        );
        // Multiples of 0.05 and 0.1 (many exact .5 ties), some zero taps, sums reaching −250..700.
        const kernel = Array.from({ length: k }, () =>
          Array.from({ length: k }, () =>
            r() < (seed & 1 ? 0.2 : 0) ? 0 : Math.round((r() - 0.35) * 30) / 20,
          ),
        );
        const ref = correlate(img, kernel, { border, backend: 'js' });
        for (const threads of [1, 2]) {
          const got = correlate(img, kernel, { border, backend: 'wasm', threads });
          assert.deepEqual(got.data, ref.data);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('uint8 kernels whose sums could reach 2²¹ stay on plain TypeScript (the rounding trick needs |sum| < 2²²)', () => {
  const img = ndarray(new Uint8Array(20 * 20).fill(255), [20, 20]);
  const kernel = [
    [3000, 0, 3000],
    [0, 3000, 0],
    [0, 0, 0.5],
  ];
  const plan = planCorrelate(img, kernel, { backend: 'wasm', threads: 1 });
  assert.equal(plan.backend, 'js');
  assert.match(plan.reason, /weights too large for the float32 uint8 loop/);
  assert.deepEqual(
    correlate(img, kernel, { backend: 'wasm' }).data,
    correlate(img, kernel, { backend: 'js' }).data,
  );
});
