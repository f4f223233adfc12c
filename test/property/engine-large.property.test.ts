// The engine's session-2 speed paths against the plain-TypeScript reference on images large
// enough to take them: outputs of 1 MB and more come from uninitialised memory (every element
// must be written), uint8 3×3 kernels with exact ties recompute them in float64 (bit-identical),
// and the pool gives the single-thread result exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  correlate,
  engineInfo,
  gaussianBlur,
  boxFilter,
  ndarray,
  planCorrelate,
  workersReady,
  type NDArray,
} from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { simdStatus } from '../../src/engine/simd.js';
import { integerLoopChoices } from '../../src/engine/direct.js';
import { mulberry32 } from '../../src/core/random.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
let oldCrossover = 0;
before(async () => {
  assert.ok(simdStatus().available, simdStatus().reason);
  oldCrossover = setPoolCrossover(0);
  // (the public way to wait for the pool: it yields, as workers under tsx load through this
  // thread's event loop)
  assert.equal(await workersReady(2), 1, 'the pool worker loaded');
  assert.equal(engineInfo().workersLoaded, 1);
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

test('the integer uint8 3×3 loop with each quotient (one 16-bit multiply for D = 20, u32 products for D = 16) gives the reference bit for bit', () => {
  const w2 = [
    [0.1, 0.2, 0.05],
    [-0.1, 0.6, 0.2],
    [0.05, -0.05, -0.05],
  ];
  const over16 = [
    [1 / 16, -3 / 16, 2 / 16],
    [5 / 16, 6 / 16, -1 / 16],
    [2 / 16, 3 / 16, 1 / 16],
  ];
  fc.assert(
    fc.property(
      fc.integer(),
      fc.constantFrom(...MODES),
      fc.integer({ min: 1, max: 3 }),
      (seed, border, C) => {
        const r = rand(seed);
        const [h, w] = [3 + (seed & 63), 17 + ((seed >>> 6) & 63)];
        const img = ndarray(
          new Uint8Array(h * w * C).map(() => (r() < 0.2 ? 255 * (seed & 1) : Math.floor(r() * 256))),
          C === 1 ? [h, w] : [h, w, C],
        );
        for (const [kernel, quotient] of [
          [w2, 'q15'],
          [over16, 'u32'],
        ] as const) {
          const before = integerLoopChoices[quotient];
          const got = correlate(img, kernel, { border, backend: 'wasm', threads: 1 });
          assert.ok(integerLoopChoices[quotient] > before, `${quotient} loop ran`);
          assert.deepEqual(got.data, correlate(img, kernel, { border, backend: 'js' }).data);
        }
      },
    ),
    { numRuns: 40 },
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

test('float32 3×3: the tolerance guard sees every element a band reads — halo rows from the next band, cval halo columns, NaN and ±Infinity there', () => {
  // 4000 columns: bands of 32 output rows (1 MB of band + output), so 96 rows make 3 bands.
  // Each image is zero inside a band and holds its only large values where the band reads
  // them as halo; the kernels cancel there (f32 sums 0 or ±1.5e-5 against the reference's
  // ~1e-14), so a guard blind to the halo would keep a band's f32 sums — far outside the
  // tolerance — where the exact recompute must give the reference bit for bit.
  const [h, w] = [96, 4000];
  const v = Math.fround(1000.1);
  const same = (img: NDArray, kernel: number[][], opts: object) => {
    const ref = correlate(img, kernel, { ...opts, backend: 'js' });
    for (const threads of [1, 2]) {
      const got = correlate(img, kernel, { ...opts, backend: 'wasm', threads });
      assert.deepEqual(
        Array.from(got.data, (x) => x + 0),
        Array.from(ref.data, (x) => x + 0),
        `${JSON.stringify(opts)}, ${threads} threads`,
      );
    }
    assert.equal(planCorrelate(img, kernel, { ...opts, backend: 'wasm', threads: 1 }).backend, 'wasm');
  };
  fc.assert(
    fc.property(
      fc.constantFrom<BorderMode>('mirror', 'replicate', 'symmetric'),
      fc.constantFrom(v, NaN, Infinity, -Infinity),
      fc.nat({ max: w - 1 }),
      (border, bad, col) => {
        // Rows 0–31 (band 0) zero, row 32 on: band 0 reads row 32 only as its bottom halo row.
        const data = new Float32Array(h * w);
        if (Number.isFinite(bad)) data.fill(bad, 32 * w);
        else data[32 * w + col] = bad; // under the zero taps of band 0's last output row
        const kernel = Number.isFinite(bad)
          ? [
              [0, 0, 0],
              [0, 0, 0],
              [0.3, -0.1, -0.2],
            ]
          : [
              [0.3, -0.1, -0.2],
              [0, 0, 0],
              [0, 0, 0],
            ];
        same(ndarray(data, [h, w]), kernel, { border });
      },
    ),
    { numRuns: 8 },
  );
  // Band 1 (output rows 32–63) reads image rows 31–64 only: its one large input is the
  // constant border's cval, in the halo columns (a guard skipping them accepts band 1's
  // f32 sums); on the left one the kernel's first column cancels. (Bands 0 and 2 also read cval rows with non-zero weights: outputs of
  // 0.3·cval keep their f32 sums within tolerance, so only band 1 must be exact.)
  const img = ndarray(new Float32Array(h * w), [h, w]);
  const kernel = [
    [0.3, 0, 0],
    [-0.1, 0, 0],
    [-0.2, 0, 0],
  ];
  const ref = correlate(img, kernel, { border: 'constant', cval: v, backend: 'js' });
  assert.ok(
    ref.data[40 * w] !== 0 && Math.abs(ref.data[40 * w]) < 1e-12,
    'the reference cancels at column 0',
  );
  for (const threads of [1, 2]) {
    const got = correlate(img, kernel, { border: 'constant', cval: v, backend: 'wasm', threads });
    withinTolerance(got, ref);
    assert.deepEqual(
      got.data.subarray(32 * w, 64 * w),
      ref.data.subarray(32 * w, 64 * w),
      `${threads} threads`,
    );
  }
});
