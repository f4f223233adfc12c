// Engine memory (src/engine/heap.ts): arrays every thread's loops read and write in place.
// A direct float32 filter from an engine array into an engine array runs in place
// (src/engine/inplace.ts) and gives exactly what the padded-band path gives for ordinary
// arrays — every shape, border, anchor, channel count and thread count — and the engine
// arrays themselves are allocated, reused and released as documented.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  convolve,
  correlate,
  engineArray,
  engineInfo,
  gaussianBlur,
  ndarray,
  releaseEngineArray,
} from '../../src/index.js';
import type { NDArray } from '../../src/core/ndarray.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { setBandRows } from '../../src/engine/bands.js';
import { heapLoops } from '../../src/engine/heap.js';
import { inPlaceCounts } from '../../src/engine/inplace.js';
import { lastPoolRun, releasePoolBuffers, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';
import { mismatch, rng } from '../helpers.js';

let oldCrossover = 0;
before(async () => {
  oldCrossover = setPoolCrossover(0); // the pool even on small images
  await warmPoolAsync(3);
});
after(() => {
  setPoolCrossover(oldCrossover);
  setBandRows(undefined);
});

/** An engine array holding a copy of `a`. */
function toEngine(a: NDArray): NDArray {
  const e = engineArray(a.shape, a.dtype);
  e.data.set(a.data);
  return e;
}

const MODES = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'] as const;

/**
 * An `out` of this kind (float32 unless `dtype` says uint8): none (`fresh`), an ordinary array,
 * an engine array, or an array on a SharedArrayBuffer outside engine memory (`shared`).
 */
function resultArray(
  kind: 'fresh' | 'ordinary' | 'engine' | 'shared',
  shape: readonly number[],
  dtype: 'float32' | 'uint8' = 'float32',
) {
  if (kind === 'fresh') return undefined;
  if (kind === 'engine') return engineArray(shape, dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = dtype === 'uint8' ? 1 : 4;
  const buffer = kind === 'shared' ? new SharedArrayBuffer(n * bytes) : new ArrayBuffer(n * bytes);
  return ndarray(dtype === 'uint8' ? new Uint8Array(buffer) : new Float32Array(buffer), shape);
}

test('in place from engine arrays = the padded-band path on ordinary arrays, bit for bit, any threads', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 37 }),
        c: fc.constantFrom(1, 1, 3, 4),
        kh: fc.constantFrom(1, 2, 3, 3, 3, 4, 5),
        kw: fc.constantFrom(1, 2, 3, 3, 3, 5, 7),
        border: fc.constantFrom(...MODES),
        cval: fc.constantFrom(0, 2.5, -3, -0, 5000),
        shape: fc.constantFrom('same', 'same', 'full', 'valid'),
        anchor: fc.option(fc.tuple(fc.nat(6), fc.nat(6)), { nil: undefined }),
        convolution: fc.boolean(),
        bandRows: fc.integer({ min: 1, max: 9 }),
        seed: fc.integer(),
      }),
      ({ h, w, c, kh, kw, border, cval, shape, anchor, convolution, bandRows, seed }) => {
        if (shape === 'valid' && (h < kh || w < kw)) return;
        const r = rng(seed);
        const img = ndarray(
          Float32Array.from({ length: h * w * c }, () => (r() - 0.3) * 40),
          c === 1 ? [h, w] : [h, w, c],
        );
        const kernel = Array.from({ length: kh }, () => Array.from({ length: kw }, () => r() - 0.4));
        const a =
          anchor && shape === 'same' ? ([anchor[0] % kh, anchor[1] % kw] as [number, number]) : undefined;
        const run = convolution ? convolve : correlate;
        const opts = {
          border,
          cval: border === 'constant' ? cval : 0,
          shape,
          anchor: a,
          method: 'direct' as const,
        };
        setBandRows(bandRows);
        const want = run(img, kernel, { ...opts, backend: 'wasm', threads: 1 });
        const reference = run(img, kernel, { ...opts, backend: 'js' });
        const what = `${h}×${w}×${c} ${kh}×${kw} ${border} ${shape} anchor ${a} bands of ${bandRows}`;
        assert.equal(mismatch(want, reference, { rel: 1e-5, abs: 1e-6 }), null, what);
        const input = toEngine(img);
        try {
          for (const threads of [1, 2, 3]) {
            const out = engineArray(want.shape, 'float32');
            out.data.fill(-123456);
            const before = inPlaceCounts.inPlace + inPlaceCounts.rejected;
            const strips = inPlaceCounts.rowStrips;
            const got = run(input, kernel, { ...opts, backend: 'wasm', threads, out });
            assert.equal(got, out, what);
            assert.deepEqual(Array.from(out.data), Array.from(want.data), `${what}, ${threads} threads`);
            // The caller's bands of an image with interior rows and columns ran in place.
            const interiorRows = shape === 'valid' || h - kh + 1 >= 2 * bandRows + 2;
            if (threads === 1 && interiorRows && w >= kw + 1 && shape !== 'full')
              assert.ok(
                inPlaceCounts.inPlace + inPlaceCounts.rejected > before,
                `${what}: no band ran in place`,
              );
            // The first band (border rows above, image rows below) ran in place too.
            if (threads === 1 && shape === 'same' && !a && kh >= 3 && bandRows >= kh && h >= kh && w >= kw)
              assert.ok(inPlaceCounts.rowStrips > strips, `${what}: no row strip ran`);
            releaseEngineArray(out);
          }
          assert.deepEqual(Array.from(input.data), Array.from(img.data), 'the input is not modified');
        } finally {
          releaseEngineArray(input);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('uint8 3×3 with weights k/D (the integer loop) in place from engine arrays = the reference, bit for bit, any threads', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 45 }),
        c: fc.constantFrom(1, 3, 3, 4),
        D: fc.constantFrom(2, 10, 16, 20, 50),
        border: fc.constantFrom(...MODES),
        cval: fc.constantFrom(0, 7, 255),
        shape: fc.constantFrom('same', 'same', 'full', 'valid'),
        anchor: fc.option(fc.tuple(fc.nat(2), fc.nat(2)), { nil: undefined }),
        convolution: fc.boolean(),
        bandRows: fc.integer({ min: 1, max: 9 }),
        seed: fc.integer(),
      }),
      ({ h, w, c, D, border, cval, shape, anchor, convolution, bandRows, seed }) => {
        if (shape === 'valid' && (h < 3 || w < 3)) return;
        const r = rng(seed);
        const img = ndarray(
          Uint8Array.from({ length: h * w * c }, () =>
            r() < 0.25 ? 255 * (seed & 1) : Math.floor(r() * 256),
          ),
          c === 1 ? [h, w] : [h, w, c],
        );
        // Integers over D with Σ|k|·255 < 2¹⁵ (the integer loop's condition): many exact ties.
        const kernel = Array.from({ length: 3 }, () =>
          Array.from({ length: 3 }, () => Math.round((r() - 0.4) * 8) / D),
        );
        const run = convolution ? convolve : correlate;
        const opts = {
          border,
          cval: border === 'constant' ? cval : 0,
          shape,
          anchor,
          method: 'direct' as const,
        };
        setBandRows(bandRows);
        const want = run(img, kernel, { ...opts, backend: 'js' });
        const what = `${h}×${w}×${c} D ${D} ${border} ${shape} anchor ${anchor} bands of ${bandRows}`;
        const input = toEngine(img);
        try {
          for (const threads of [1, 2, 3]) {
            const out = engineArray(want.shape, 'uint8');
            out.data.fill(77);
            const before = inPlaceCounts.inPlace;
            const strips = inPlaceCounts.rowStrips;
            const got = run(input, kernel, { ...opts, backend: 'wasm', threads, out });
            assert.equal(got, out, what);
            assert.deepEqual(Array.from(out.data), Array.from(want.data), `${what}, ${threads} threads`);
            const interiorRows = shape === 'valid' || h - 2 >= 2 * bandRows + 2;
            if (threads === 1 && interiorRows && w >= 4 && shape !== 'full')
              assert.ok(inPlaceCounts.inPlace > before, `${what}: no band ran in place`);
            // The first band (border rows above, image rows below) ran in place too.
            if (threads === 1 && shape === 'same' && !anchor && bandRows >= 3 && h >= 3 && w >= 3)
              assert.ok(inPlaceCounts.rowStrips > strips, `${what}: no row strip ran`);
            releaseEngineArray(out);
          }
          assert.deepEqual(Array.from(input.data), Array.from(img.data), 'the input is not modified');
        } finally {
          releaseEngineArray(input);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('separable in place from engine arrays = the padded-band path, bit for bit, any threads', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 37 }),
        c: fc.constantFrom(1, 1, 3),
        kh: fc.integer({ min: 1, max: 7 }),
        kw: fc.integer({ min: 1, max: 7 }),
        symmetric: fc.boolean(),
        border: fc.constantFrom(...MODES),
        shape: fc.constantFrom('same', 'same', 'full', 'valid'),
        bandRows: fc.integer({ min: 1, max: 9 }),
        seed: fc.integer(),
      }),
      ({ h, w, c, kh, kw, symmetric, border, shape, bandRows, seed }) => {
        if (shape === 'valid' && (h < kh || w < kw)) return;
        const r = rng(seed);
        const img = ndarray(
          Float32Array.from({ length: h * w * c }, () => r() * 40),
          c === 1 ? [h, w] : [h, w, c],
        );
        // Symmetric factors take the stepped-address loop, others the term-record loop.
        const factor = (n: number) => {
          const v = Array.from({ length: n }, () => r() + 0.1);
          return symmetric ? v.map((x, i) => (i < n / 2 ? x : v[n - 1 - i])) : v;
        };
        const col = factor(kh);
        const row = factor(kw);
        const kernel = col.map((a) => row.map((b) => a * b));
        const opts = { border, shape, method: 'separable' as const };
        setBandRows(bandRows);
        const want = correlate(img, kernel, { ...opts, backend: 'wasm', threads: 1 });
        const what = `${h}×${w}×${c} ${kh}×${kw} ${symmetric ? 'symmetric' : ''} ${border} ${shape} bands of ${bandRows}`;
        const input = toEngine(img);
        try {
          for (const threads of [1, 2, 3]) {
            const out = engineArray(want.shape, 'float32');
            out.data.fill(-123456);
            const before = inPlaceCounts.inPlace + inPlaceCounts.rejected;
            const strips = inPlaceCounts.rowStrips;
            correlate(input, kernel, { ...opts, backend: 'wasm', threads, out });
            assert.deepEqual(Array.from(out.data), Array.from(want.data), `${what}, ${threads} threads`);
            const interiorRows = shape === 'valid' || h - kh + 1 >= 2 * bandRows + 2;
            if (threads === 1 && interiorRows && w >= kw + 1 && border !== 'constant' && shape !== 'full')
              assert.ok(
                inPlaceCounts.inPlace + inPlaceCounts.rejected > before,
                `${what}: no band ran in place`,
              );
            // The first band (border rows above, image rows below) ran in place too.
            if (
              threads === 1 &&
              border !== 'constant' &&
              shape === 'same' &&
              kh >= 3 &&
              bandRows >= kh &&
              h >= kh
            )
              assert.ok(inPlaceCounts.rowStrips > strips, `${what}: no row strip ran`);
            releaseEngineArray(out);
          }
          // gaussianBlur takes the same path (the W3/W4 recipe).
          const blurred = engineArray(img.shape, 'float32');
          gaussianBlur(input, {
            sigma: 1.3,
            border: border === 'constant' ? 'mirror' : border,
            out: blurred,
            threads: 2,
          });
          const ordinary = gaussianBlur(img, {
            sigma: 1.3,
            border: border === 'constant' ? 'mirror' : border,
            threads: 1,
          });
          assert.deepEqual(Array.from(blurred.data), Array.from(ordinary.data), `${what}: gaussianBlur`);
          releaseEngineArray(blurred);
        } finally {
          releaseEngineArray(input);
        }
      },
    ),
    { numRuns: 120 },
  );
  setBandRows(undefined);
});

test('in place: bands the float32 guard rejects are recomputed exactly, as on the padded path', () => {
  setBandRows(4);
  const h = 40;
  const w = 33;
  const r = rng(7);
  // Large values whose differences the kernel takes: f32 sums' error bound (relative to the
  // largest input) exceeds the tolerance of the small outputs, so bands are redone in f64.
  const data = Float32Array.from({ length: h * w }, () => 1e6 + (r() - 0.5));
  const img = ndarray(data, [h, w]);
  const kernel = [
    [0.5, -1, 0.5],
    [1, -1, 0],
    [0, 0.25, -0.25],
  ];
  const want = correlate(img, kernel, { backend: 'wasm', threads: 1, border: 'replicate' });
  assert.equal(
    mismatch(want, correlate(img, kernel, { backend: 'js', border: 'replicate' }), { rel: 1e-5, abs: 0 }),
    null,
  );
  const input = toEngine(img);
  const out = engineArray([h, w], 'float32');
  const rejected = inPlaceCounts.rejected;
  for (const threads of [1, 2]) {
    correlate(input, kernel, { backend: 'wasm', threads, out, border: 'replicate' });
    assert.deepEqual(Array.from(out.data), Array.from(want.data), `${threads} threads`);
  }
  assert.ok(inPlaceCounts.rejected > rejected + 2, 'the guard rejected bands computed in place');
  releaseEngineArray(input);
  releaseEngineArray(out);
  setBandRows(undefined);
});

test('float32 sums that overflow in float32 but not in float64 are recomputed, in place and padded', () => {
  // Rows of 1e38 and 2e38: x + x rounds to Infinity in float32, x + x − x is finite
  // in float64. Each band's first output row stays finite, so a guard that trusted that row
  // alone (f32AcceptableBand without its overflow bound) would let the other rows' ±Infinity through.
  setBandRows(3);
  const [h, w] = [13, 17];
  const cases: Array<{ kernel: number[][]; method: 'direct' | 'separable'; hi: number; rows: number }> = [
    // the 3×3 loop
    {
      kernel: [
        [1, 1, -1],
        [0, 0, 0],
        [0, 0, 0],
      ],
      method: 'direct',
      hi: 2e38,
      rows: 0b001,
    },
    // the taps loop
    { kernel: [[1, 1, -1, 0, 0]], method: 'direct', hi: 2e38, rows: 0b010 },
    // the separable passes: (1, 1, −1)ᵀ(1, 0.5, −0.5)
    {
      kernel: [
        [1, 0.5, -0.5],
        [1, 0.5, -0.5],
        [-1, -0.5, 0.5],
      ],
      method: 'separable',
      hi: 2e38,
      rows: 0b011,
    },
  ];
  for (const { kernel, method, hi, rows } of cases) {
    // row r holds `hi` where bit r mod 3 of `rows` is set, else 1e38
    const img = ndarray(
      Float32Array.from({ length: h * w }, (_, i) => ((rows >> (Math.floor(i / w) % 3)) & 1 ? hi : 1e38)),
      [h, w],
    );
    const ref = correlate(img, kernel, { backend: 'js', border: 'mirror' });
    assert.ok(ref.data.every(Number.isFinite));
    for (const threads of [1, 2]) {
      const opts = { backend: 'wasm' as const, method, threads, border: 'mirror' as const };
      const got = correlate(img, kernel, opts);
      assert.equal(mismatch(got, ref, { rel: 1e-5, abs: 0 }), null, `${method} ${kernel[0].length} wide`);
      const input = toEngine(img);
      const out = engineArray([h, w], 'float32');
      correlate(input, kernel, { ...opts, out });
      assert.deepEqual(Array.from(out.data), Array.from(got.data), `${method}, in place, ${threads} threads`);
      releaseEngineArray(input);
      releaseEngineArray(out);
    }
  }
  setBandRows(undefined);
});

test('in place: a constant border counts cval in the guard, as the padded band does', () => {
  // The padded columns hold cval = −1e6 but only zero weights read them: the padded band's
  // statistics (a negative value, max |x| = 1e6) make the guard redo every band in f64; in place must too.
  setBandRows(3);
  const r = rng(11);
  const img = ndarray(
    Float32Array.from({ length: 30 * 20 }, () => r()),
    [30, 20],
  );
  const kernel = [
    [0, 1 / 3, 0],
    [0, 1 / 3, 0],
    [0, 1 / 3, 0],
  ];
  const opts = { border: 'constant', cval: -1e6, method: 'direct' as const, backend: 'wasm' as const };
  const want = correlate(img, kernel, { ...opts, threads: 1 });
  const input = toEngine(img);
  const out = engineArray([30, 20], 'float32');
  correlate(input, kernel, { ...opts, threads: 1, out });
  assert.deepEqual(Array.from(out.data), Array.from(want.data));
  releaseEngineArray(input);
  releaseEngineArray(out);
  setBandRows(undefined);
});

test('engine arrays mixed with ordinary ones, and `out` = the input, give the ordinary result', () => {
  const r = rng(3);
  const img = ndarray(
    Float32Array.from({ length: 50 * 61 }, () => r() * 10),
    [50, 61],
  );
  const kernel = [
    [0.1, 0.2, 0.3],
    [0.4, -0.5, 0.6],
    [0.7, 0.8, -0.9],
  ];
  const want = correlate(img, kernel, { backend: 'wasm', threads: 1, border: 'wrap' });
  const input = toEngine(img);
  const ordinary = correlate(input, kernel, { border: 'wrap', threads: 2 });
  assert.deepEqual(Array.from(ordinary.data), Array.from(want.data), 'engine input, fresh result');
  const out = engineArray([50, 61], 'float32');
  correlate(img, kernel, { border: 'wrap', threads: 2, out });
  assert.deepEqual(Array.from(out.data), Array.from(want.data), 'ordinary input, engine out');
  correlate(input, kernel, { border: 'wrap', threads: 2, out: input });
  assert.deepEqual(Array.from(input.data), Array.from(want.data), 'out is the input itself');
  releaseEngineArray(input);
  releaseEngineArray(out);
});

/**
 * Runs `run` with every band on the pool's workers (the calling thread claims none) and
 * lastPoolRun cleared, then releases `target` if it is an engine array.
 */
function onWorkers(target: NDArray | undefined, kind: string, run: () => void): void {
  setCallerClaims(false);
  lastPoolRun.bands = 0;
  try {
    run();
  } finally {
    setCallerClaims(true);
    if (target && kind === 'engine') releaseEngineArray(target);
  }
}

test('ordinary float32 arrays on the pool: workers run in place on a staged copy, bit for bit', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 37 }),
        c: fc.constantFrom(1, 1, 3),
        k: fc.constantFrom(1, 3, 3, 5),
        method: fc.constantFrom('direct', 'separable'),
        border: fc.constantFrom(...MODES),
        shape: fc.constantFrom('same', 'same', 'full', 'valid'),
        // `shared`: a SharedArrayBuffer outside engine memory, which workers cannot filter into
        out: fc.constantFrom('fresh', 'ordinary', 'engine', 'shared'),
        bandRows: fc.integer({ min: 1, max: 6 }),
        // the input's data 4 bytes into its buffer: rows land at the other phase modulo 8
        offset: fc.constantFrom(0, 1),
        seed: fc.integer(),
      }),
      ({ h, w, c, k, method, border, shape, out, bandRows, offset, seed }) => {
        if (shape === 'valid' && (h < k || w < k)) return;
        const r = rng(seed);
        const values = new Float32Array(h * w * c + offset).subarray(offset);
        values.forEach((_, i) => (values[i] = (r() - 0.2) * 40));
        const img = ndarray(values, c === 1 ? [h, w] : [h, w, c]);
        const copy = Float32Array.from(img.data);
        const col = Array.from({ length: k }, () => r() + 0.1);
        const row = Array.from({ length: k }, () => r() - 0.3);
        const kernel = col.map((a) => row.map((b) => a * b));
        const opts = { border, cval: 2.5, shape, method, backend: 'wasm' as const }; // cval: constant border only
        setBandRows(bandRows);
        const want = correlate(img, kernel, { ...opts, threads: 1 });
        const what = `${h}×${w}×${c} ${k}×${k} ${method} ${border} ${shape} into ${out}, bands of ${bandRows}, offset ${offset}`;
        for (const threads of [2, 3]) {
          const target = resultArray(out, want.shape);
          target?.data.fill(-123456);
          onWorkers(target, out, () => {
            const got = correlate(img, kernel, { ...opts, threads, out: target });
            assert.deepEqual(Array.from(got.data), Array.from(want.data), `${what}, ${threads} threads`);
          });
          if (lastPoolRun.bands > 1) {
            // (Separable runs with a constant border do not run in place: a pool-owned copy.)
            const inPlace = method === 'direct' || border !== 'constant';
            if (inPlace) assert.equal(lastPoolRun.input, 'engine', `${what}: staged in engine memory`);
            assert.equal(lastPoolRun.workerBands, lastPoolRun.bands, what);
            const interiorRows = shape === 'valid' || h - k + 1 >= 2 * bandRows + 2;
            if (interiorRows && w >= k + 1 && shape !== 'full' && inPlace)
              assert.ok(lastPoolRun.workerInPlace > 0, `${what}: no worker band ran in place`);
          }
        }
        assert.deepEqual(img.data, copy, 'the input is not modified');
      },
    ),
    { numRuns: 120 },
  );
  setBandRows(undefined);
});

test('ordinary uint8 arrays on the pool, the integer 3×3 loop: workers run in place on a staged copy = the reference', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 40 }),
        c: fc.constantFrom(1, 3, 4),
        D: fc.constantFrom(2, 10, 16, 20),
        border: fc.constantFrom(...MODES),
        shape: fc.constantFrom('same', 'same', 'full', 'valid'),
        out: fc.constantFrom('fresh', 'ordinary', 'engine', 'shared'),
        bandRows: fc.integer({ min: 1, max: 6 }),
        // the input's data 1–3 bytes into its buffer
        offset: fc.constantFrom(0, 1, 3),
        seed: fc.integer(),
      }),
      ({ h, w, c, D, border, shape, out, bandRows, offset, seed }) => {
        if (shape === 'valid' && (h < 3 || w < 3)) return;
        const r = rng(seed);
        const values = new Uint8Array(h * w * c + offset).subarray(offset);
        values.forEach((_, i) => (values[i] = r() < 0.2 ? 255 : Math.floor(r() * 256)));
        const img = ndarray(values, c === 1 ? [h, w] : [h, w, c]);
        const copy = Uint8Array.from(img.data);
        // weights k/D: the integer loop, with many exact ties
        const kernel = Array.from({ length: 3 }, () =>
          Array.from({ length: 3 }, () => Math.round((r() - 0.4) * 8) / D),
        );
        const opts = { border, cval: 7, shape, method: 'direct' as const };
        setBandRows(bandRows);
        const want = correlate(img, kernel, { ...opts, backend: 'js' });
        const what = `${h}×${w}×${c} D ${D} ${border} ${shape} into ${out}, bands of ${bandRows}, offset ${offset}`;
        for (const threads of [2, 3]) {
          const target = resultArray(out, want.shape, 'uint8');
          target?.data.fill(77);
          onWorkers(target, out, () => {
            const got = correlate(img, kernel, { ...opts, backend: 'wasm', threads, out: target });
            assert.deepEqual(Array.from(got.data), Array.from(want.data), `${what}, ${threads} threads`);
          });
          if (lastPoolRun.bands > 1) {
            assert.equal(lastPoolRun.input, 'engine', `${what}: staged in engine memory`);
            assert.equal(lastPoolRun.workerBands, lastPoolRun.bands, what);
            if (h >= 3 && w >= 4)
              assert.ok(lastPoolRun.workerInPlace > 0, `${what}: no worker band ran in place`);
          }
        }
        assert.deepEqual(img.data, copy, 'the input is not modified');
      },
    ),
    { numRuns: 80 },
  );
  setBandRows(undefined);
});

test('the ring with the calling thread taking bands too (many more bands than slots) = one thread, bit for bit', () => {
  // More bands than the ring's 8 slots: the calling thread stages, collects, takes bands of its
  // own from the bottom only while the workers have staged bands to go on with, and otherwise
  // waits for a finished band (pool.ts mayClaim).
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 30, max: 70 }),
        w: fc.integer({ min: 3, max: 40 }),
        k: fc.constantFrom(3, 5),
        border: fc.constantFrom(...MODES),
        bandRows: fc.integer({ min: 1, max: 3 }),
        out: fc.constantFrom('fresh', 'ordinary', 'shared'),
        seed: fc.integer(),
      }),
      ({ h, w, k, border, bandRows, out, seed }) => {
        const r = rng(seed);
        const img = ndarray(
          Float32Array.from({ length: h * w }, () => (r() - 0.3) * 9),
          [h, w],
        );
        const kernel = Array.from({ length: k }, () => Array.from({ length: k }, () => r() - 0.4));
        const opts = { border, cval: -1.5, method: 'direct' as const, backend: 'wasm' as const };
        setBandRows(bandRows);
        const want = correlate(img, kernel, { ...opts, threads: 1 });
        for (const threads of [2, 3]) {
          const target = resultArray(out, [h, w]);
          const got = correlate(img, kernel, { ...opts, threads, out: target });
          const what = `${h}×${w} ${k}×${k} ${border} into ${out}, bands of ${bandRows}, ${threads} threads`;
          assert.deepEqual(Array.from(got.data), Array.from(want.data), what);
          assert.equal(lastPoolRun.input, 'engine', what);
          assert.ok(lastPoolRun.bands > 8, what);
        }
      },
    ),
    { numRuns: 40 },
  );
  setBandRows(undefined);
});

test('engineArray: zero-filled, validated, released once, its memory reused', () => {
  releasePoolBuffers(); // the pool's staging blocks kept from earlier runs
  const base = engineInfo().engineMemoryInUse;
  assert.equal(engineInfo().engineMemory, true);
  const a = engineArray([3, 4, 3], 'uint8');
  assert.deepEqual(a.shape, [3, 4, 3]);
  assert.equal(a.dtype, 'uint8');
  assert.ok(a.data instanceof Uint8Array && a.data.length === 36);
  assert.ok(a.data.every((v) => v === 0));
  a.data.fill(9);
  const f = engineArray([5], 'float64');
  assert.ok(f.data instanceof Float64Array && f.data.byteOffset % 64 === 0);
  assert.ok(engineInfo().engineMemoryInUse > base);
  const where = a.data.byteOffset;
  assert.equal(releaseEngineArray(a), true);
  assert.equal(releaseEngineArray(a), false, 'a second release does nothing');
  const b = engineArray([3, 4, 3], 'uint8');
  assert.equal(b.data.byteOffset, where, 'the released block is reused');
  assert.ok(
    b.data.every((v) => v === 0),
    'and zero-filled again',
  );
  assert.equal(releaseEngineArray(a), false, 'a stale handle cannot release the new owner');
  assert.equal(releaseEngineArray(ndarray(new Float32Array(4), [4])), false, 'an ordinary array');
  assert.equal(releaseEngineArray(b), true);
  assert.equal(releaseEngineArray(f), true);
  assert.equal(engineInfo().engineMemoryInUse, base, 'everything returned');
  assert.throws(() => engineArray([0, 3]), /Expected positive integer dimensions for shape/);
  assert.throws(
    () => engineArray([2, 2], 'int8' as 'uint8'),
    /Expected uint8, uint16, float32 or float64 for dtype, got "int8"/,
  );
});

// Every thread instantiates the shared-memory build of the loops on the one engine memory, and
// an instance's data segments are written into that memory when it starts. A thread that starts
// later (a new worker) must not disturb the tables another thread's loops already use: the
// integer uint8 loop lists its exact ties through a lane table there.
test('a thread starting its loops on the engine memory leaves the other threads’ tables intact', () => {
  const loops = heapLoops();
  if (!loops) return assert.fail('engine memory is unavailable in this Node');
  const [h, w, C] = [40, 33, 3];
  const r = rng(11);
  const img = ndarray(
    new Uint8Array(h * w * C).map(() => Math.floor(r() * 256)),
    [h, w, C],
  );
  // W2's weights k/20: exact ties on about 5 % of the outputs
  const kernel = [
    [2, 4, 1],
    [-2, 12, 4],
    [1, -1, -1],
  ].map((row) => row.map((k) => k / 20));
  const want = correlate(img, kernel, { backend: 'js' });
  const input = toEngine(img);
  const out = engineArray(want.shape, 'uint8');
  try {
    const run = () => correlate(input, kernel, { backend: 'wasm', threads: 1, out });
    const before = inPlaceCounts.inPlace;
    run();
    assert.ok(inPlaceCounts.inPlace > before, 'ran in place on this thread’s engine loops');
    assert.deepEqual(out.data, want.data, 'first run');
    // another thread's instance starting on the same memory
    new WebAssembly.Instance(loops.handle.module, { env: { memory: loops.handle.memory } });
    out.data.fill(0);
    run();
    const wrong = out.data.filter((v, i) => v !== want.data[i]).length;
    assert.equal(wrong, 0, `after another instance started: ${wrong} outputs differ`);
  } finally {
    releaseEngineArray(input);
    releaseEngineArray(out);
  }
});
