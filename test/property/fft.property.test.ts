// The FFT plan against the direct plan (the reference path), and the FFT transform identities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convolve, correlate, ndarray, planFFT2, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { DType } from '../../src/core/dtypes.js';
import { type LinearOptions, type OutputShape, linearSpec } from '../../src/linear/correlate.js';
import { fftErrorBound, runLinearFft } from '../../src/linear/fft.js';
import { nextFastSize } from '../../src/fft/sizes.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const RUNS = { numRuns: 120 };
const CTOR = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

const value = fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true });
const dims = fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }));

/**
 * DESIGN.md's float tolerance (float64 ~1e-11 relative, float32 1e-5 of the largest output)
 * plus the documented FFT bound B (src/linear/fft.ts), which only matters where the kernel
 * cancels and the outputs are far smaller than max|x|·Σ|h|.
 */
function assertClose(got: NDArray, want: NDArray, bound = 0) {
  assert.deepEqual(got.shape, want.shape);
  assert.equal(got.dtype, want.dtype);
  if (want.dtype === 'uint8' || want.dtype === 'uint16') {
    assert.deepEqual(Array.from(got.data), Array.from(want.data));
    return;
  }
  let scale = 0;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  const tol = (want.dtype === 'float32' ? 1e-5 * scale : 1e-11 * (1 + scale)) + bound;
  for (let i = 0; i < want.data.length; i++)
    assert.ok(Math.abs(got.data[i] - want.data[i]) <= tol, `[${i}] ${got.data[i]} vs ${want.data[i]}`);
}

const caseArb = fc.record({
  size: dims,
  channels: fc.constantFrom(0, 1, 3),
  ksize: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
  seed: fc.array(value, { minLength: 23 * 23 * 3 + 81, maxLength: 23 * 23 * 3 + 81 }),
  mode: fc.constantFrom(...MODES),
  cval: fc.double({ min: -5, max: 5, noNaN: true }),
  shape: fc.constantFrom<OutputShape>('same', 'full', 'valid'),
  anchor: fc.option(fc.tuple(fc.nat(), fc.nat())),
  dtype: fc.constantFrom<DType>('float64', 'float32', 'uint8', 'uint16'),
  outDtype: fc.option(fc.constantFrom<DType>('float64', 'float32', 'uint8')),
  conv: fc.boolean(),
});

/** B for an image and kernel, with the largest tile any plan could use. */
function boundFor(image: NDArray, kernel: number[][], cval: number) {
  let maxAbs = Math.abs(cval);
  for (const v of image.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const l1 = kernel.flat().reduce((a, v) => a + Math.abs(v), 0);
  const [h, w] = image.shape.length === 1 ? [1, image.shape[0]] : image.shape;
  const n1 = nextFastSize(h + 2 * kernel.length);
  const n2 = nextFastSize(w + 2 * kernel[0].length);
  return fftErrorBound(maxAbs, l1, n1, n2);
}

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const [h, w] = c.size;
  const n = h * w * Math.max(1, c.channels);
  const isInt = c.dtype === 'uint8' || c.dtype === 'uint16';
  const data = CTOR[c.dtype].from(c.seed.slice(0, n).map((v) => (isInt ? Math.abs(Math.round(v * 5)) : v)));
  const shape = c.channels === 0 ? [h, w] : [h, w, c.channels];
  const kernel = Array.from({ length: c.ksize[0] }, (_, i) =>
    Array.from({ length: c.ksize[1] }, (_, j) => c.seed[n + i * 9 + j] / 10),
  );
  return { image: ndarray(data, shape), kernel };
}

test('fft = direct for random sizes (primes included), borders, shapes, anchors, channels and dtypes', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const { image, kernel } = build(c);
      const [kh, kw] = c.ksize;
      if (c.shape === 'valid' && (kh > c.size[0] || kw > c.size[1])) return;
      const opts: LinearOptions = {
        border: c.mode,
        cval: c.cval,
        shape: c.shape,
        anchor: c.anchor ? [c.anchor[0] % kh, c.anchor[1] % kw] : undefined,
        dtype: c.outDtype ?? undefined,
      };
      const f = c.conv ? convolve : correlate;
      assertClose(
        f(image, kernel, { ...opts, method: 'fft' }),
        f(image, kernel, { ...opts, method: 'direct' }),
        boundFor(image, kernel, c.cval),
      );
    }),
    RUNS,
  );
});

test('fft = direct with forced small tiles (many tiles, odd tile counts, two tiles per transform)', () => {
  fc.assert(
    fc.property(caseArb, fc.nat(), fc.nat(), (c, t1, t2) => {
      const { image, kernel } = build({ ...c, dtype: 'float64', outDtype: null });
      const [kh, kw] = c.ksize;
      if (c.shape === 'valid' && (kh > c.size[0] || kw > c.size[1])) return;
      const opts: LinearOptions = { border: c.mode, cval: c.cval, shape: c.shape };
      const spec = linearSpec(image, kernel, opts, c.conv);
      const tiling = { n1: nextFastSize(kh + (t1 % 6)), n2: nextFastSize(kw + (t2 % 6)) };
      const f = c.conv ? convolve : correlate;
      assertClose(
        runLinearFft(image, spec, { tiling }),
        f(image, kernel, { ...opts, method: 'direct' }),
        boundFor(image, kernel, c.cval),
      );
    }),
    RUNS,
  );
});

test('fft = direct for 1-D signals (lengths up to 97, kernels up to 31 taps)', () => {
  fc.assert(
    fc.property(
      fc.array(value, { minLength: 1, maxLength: 97 }),
      fc.array(value, { minLength: 1, maxLength: 31 }),
      fc.constantFrom(...MODES),
      fc.constantFrom<OutputShape>('same', 'full', 'valid'),
      fc.nat(),
      (x, h, mode, shape, a) => {
        if (shape === 'valid' && h.length > x.length) return;
        const img = ndarray(Float64Array.from(x), [x.length]);
        const opts: LinearOptions = { border: mode, shape, anchor: a % h.length };
        assertClose(
          convolve(img, h, { ...opts, method: 'fft' }),
          convolve(img, h, { ...opts, method: 'direct' }),
          boundFor(img, [h], 0),
        );
      },
    ),
    RUNS,
  );
});

test('sign clamp: non-negative images and kernels never come back negative', () => {
  fc.assert(
    fc.property(
      dims,
      fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 529, maxLength: 529 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 25, maxLength: 25 }),
      fc.constantFrom(...MODES),
      ([h, w], xs, ks, mode) => {
        // Mostly zeros, so that exact results are 0 where FFT rounding would leave ±tiny values.
        const x = Float64Array.from(xs.slice(0, h * w), (v, i) => (i % 7 === 0 ? v : 0));
        const img = ndarray(x, [h, w]);
        const kernel = [
          ks.slice(0, 5),
          ks.slice(5, 10),
          ks.slice(10, 15),
          ks.slice(15, 20),
          ks.slice(20, 25),
        ];
        const got = correlate(img, kernel, { border: mode, method: 'fft' });
        for (const v of got.data) assert.ok(v >= 0, `negative value ${v}`);
        assertClose(got, correlate(img, kernel, { border: mode, method: 'direct' }));
      },
    ),
    RUNS,
  );
});

test('integer images with dyadic kernels: fft is bit-identical to direct (exact .5 ties round alike)', () => {
  fc.assert(
    fc.property(
      dims,
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 529, maxLength: 529 }),
      fc.array(fc.integer({ min: -64, max: 64 }), { minLength: 9, maxLength: 9 }),
      fc.constantFrom(...MODES),
      fc.constantFrom<DType>('uint8', 'float64'),
      ([h, w], xs, ks, mode, dtype) => {
        const img = ndarray(Uint8Array.from(xs.slice(0, h * w)), [h, w]);
        const kernel = [ks.slice(0, 3), ks.slice(3, 6), ks.slice(6, 9)].map((r) => r.map((v) => v / 32));
        const fft = correlate(img, kernel, { border: mode, method: 'fft', dtype });
        const direct = correlate(img, kernel, { border: mode, method: 'direct', dtype });
        assert.deepEqual(
          Array.from(fft.data, (v) => v + 0),
          Array.from(direct.data, (v) => v + 0),
        );
      },
    ),
    RUNS,
  );
});

test('premultiplied alpha: fft = direct for RGBA images with transparent areas', () => {
  fc.assert(
    fc.property(
      dims,
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 529 * 4, maxLength: 529 * 4 }),
      fc.constantFrom(...MODES),
      ([h, w], xs, mode) => {
        // Alpha 0 on a block, so the filtered alpha is exactly 0 there.
        const data = Uint8Array.from(xs.slice(0, h * w * 4), (v, i) =>
          i % 4 === 3 && i < 2 * w * 4 ? 0 : v,
        );
        const img = ndarray(data, [h, w, 4], { alpha: true });
        const k = [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ].map((r) => r.map((v) => v / 16));
        assertClose(
          correlate(img, k, { border: mode, method: 'fft' }),
          correlate(img, k, { border: mode, method: 'direct' }),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test('fft transforms: round trip and Parseval for random sizes (primes included)', () => {
  fc.assert(
    fc.property(dims, fc.array(value, { minLength: 529, maxLength: 529 }), ([h, w], xs) => {
      // Squares of values below 1e-100 underflow, which is not what Parseval is about.
      const x = Float64Array.from(xs.slice(0, h * w), (v) => (Math.abs(v) < 1e-100 ? 0 : v));
      const p = planFFT2(h, w);
      const hr = new Float64Array(p.halfLength);
      const hi = new Float64Array(p.halfLength);
      p.realForward(x, hr, hi);
      const back = new Float64Array(h * w);
      p.realInverse(hr, hi, back);
      let energy = 0;
      for (const v of x) energy += v * v;
      const scale = Math.sqrt(energy / (h * w)) + 1e-300;
      for (let i = 0; i < h * w; i++) assert.ok(Math.abs(back[i] - x[i]) <= 1e-12 * scale * Math.sqrt(h * w));
      // Parseval with the half spectrum: the columns 1..⌈w/2⌉−1 stand for two bins each.
      const half = (w >> 1) + 1;
      let spectral = 0;
      for (let r = 0; r < h; r++)
        for (let k = 0; k < half; k++) {
          const twice = k > 0 && 2 * k !== w;
          spectral += (twice ? 2 : 1) * (hr[r * half + k] ** 2 + hi[r * half + k] ** 2);
        }
      assert.ok(Math.abs(spectral / (h * w) - energy) <= 1e-11 * (energy + 1e-300));
    }),
    RUNS,
  );
});
