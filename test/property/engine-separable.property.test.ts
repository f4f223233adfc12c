// The WASM separable passes against the plain-TypeScript separable loops (the reference for
// that method): bit-identical for float64, uint8 and uint16, within the float32 tolerance for
// float32; every thread count bit-identical to one thread. Kernels are outer products with
// symmetric, antisymmetric and arbitrary factors (the passes pair taps like the reference) and
// up to 31 taps (more than one 12-term chunk).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { boxFilter, correlate, gaussianBlur, ndarray, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { LinearOptions } from '../../src/linear/correlate.js';
import { linearSpec } from '../../src/linear/correlate.js';
import { planLinear } from '../../src/linear/plan.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { setSymmetricLoop } from '../../src/engine/separable.js';
import { warmPoolAsync } from '../../src/engine/pool.js';
import { sharedCopy, withinFloat32Tolerance } from '../helpers.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
type D = 'uint8' | 'uint16' | 'float32' | 'float64';
const CTOR = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

let old = 0;
before(async () => {
  old = setPoolCrossover(0);
  assert.equal(await warmPoolAsync(3), 2);
});
after(() => setPoolCrossover(old));

function rand(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1-D taps of length n in one of the shapes the reference pairs differently. */
function taps(n: number, shape: string, r: () => number): number[] {
  const t = Array.from({ length: n }, () => Math.round((r() - 0.3) * 16) / 8);
  if (shape === 'symmetric') for (let j = 0; j < n >> 1; j++) t[n - 1 - j] = t[j];
  if (shape === 'antisymmetric') {
    for (let j = 0; j < n >> 1; j++) t[n - 1 - j] = -t[j];
    if (n % 2) t[n >> 1] = 0;
  }
  if (shape === 'gaussian') {
    const s = n / 5 + 0.3;
    for (let j = 0; j < n; j++) t[j] = Math.exp(-(((j - (n - 1) / 2) / s) ** 2) / 2);
  }
  if (!t.some((v) => v !== 0)) t[0] = 1;
  return t;
}

test('WASM separable equals the plain-TypeScript separable method, every dtype, border and thread count', () => {
  let onWasm = 0;
  const runs = 60;
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 25 }),
        w: fc.integer({ min: 1, max: 40 }),
        channels: fc.constantFrom(1, 1, 3),
        kh: fc.integer({ min: 2, max: 31 }),
        kw: fc.integer({ min: 2, max: 31 }),
        colShape: fc.constantFrom('symmetric', 'antisymmetric', 'any', 'gaussian'),
        rowShape: fc.constantFrom('symmetric', 'antisymmetric', 'any', 'gaussian'),
        dtype: fc.constantFrom<D>('uint8', 'uint16', 'float32', 'float64'),
        mode: fc.constantFrom(...MODES),
        cval: fc.constantFrom(0, 3, 0.5),
        seed: fc.integer(),
      }),
      (c) => {
        const r = rand(c.seed);
        const col = taps(c.kh, c.colShape, r);
        const row = taps(c.kw, c.rowShape, r);
        const kernel = col.map((a) => row.map((b) => a * b));
        const n = c.h * c.w * c.channels;
        const max = c.dtype === 'uint8' ? 256 : c.dtype === 'uint16' ? 65536 : 0;
        const data = new CTOR[c.dtype](n).map(() => (max ? Math.floor(r() * max) : (r() - 0.5) * 100));
        const img = ndarray(data, c.channels === 1 ? [c.h, c.w] : [c.h, c.w, c.channels]);
        const opts: LinearOptions = { border: c.mode, cval: c.cval, method: 'separable' };
        const ref = correlate(img, kernel, { ...opts, backend: 'js' });
        const one = correlate(img, kernel, { ...opts, backend: 'wasm', threads: 1 });
        const plan = planLinear(img, linearSpec(img, kernel, opts, false), { ...opts, backend: 'wasm' });
        if (plan.backend === 'wasm') onWasm++;
        if (c.dtype === 'float32') withinFloat32Tolerance(one, ref);
        else assert.deepEqual(one.data, ref.data, plan.reason);
        for (const threads of [2, 3]) {
          const many = correlate(img, kernel, { ...opts, backend: 'wasm', threads });
          assert.deepEqual(Array.from(many.data), Array.from(one.data), `${threads} threads`);
        }
        // A shared input is padded at its own address phase (BandSource.phase/strideFor).
        const shared = correlate(sharedCopy(img, c.seed), kernel, { ...opts, backend: 'wasm', threads: 2 });
        assert.deepEqual(Array.from(shared.data), Array.from(one.data), 'shared input');
      },
    ),
    { numRuns: runs },
  );
  assert.ok(onWasm > runs / 2, `only ${onWasm} of ${runs} cases ran on WASM`);
});

test('gaussianBlur and boxFilter (W3–W5 recipes) on WASM equal plain TypeScript', () => {
  const r = rand(7);
  const f32 = ndarray(
    Float32Array.from({ length: 61 * 83 }, () => r()),
    [61, 83],
  );
  const u8 = ndarray(
    Uint8Array.from({ length: 47 * 59 * 3 }, () => Math.floor(r() * 256)),
    [47, 59, 3],
  );
  const f64 = ndarray(Float64Array.from(f32.data), [61, 83]);
  for (const threads of [1, 2]) {
    for (const sigma of [2, 5]) {
      withinFloat32Tolerance(
        gaussianBlur(f32, { sigma, ksize: [0, 0], backend: 'wasm', threads }),
        gaussianBlur(f32, { sigma, ksize: [0, 0], backend: 'js' }),
      );
      assert.deepEqual(
        gaussianBlur(f64, { sigma, backend: 'wasm', threads }).data,
        gaussianBlur(f64, { sigma, backend: 'js' }).data,
      );
      assert.deepEqual(
        gaussianBlur(u8, { sigma, backend: 'wasm', threads }).data,
        gaussianBlur(u8, { sigma, backend: 'js' }).data,
      );
    }
    for (const k of [45, 4, 7] as const) {
      let plan = '';
      const got = boxFilter(u8, { ksize: [k, k], backend: 'wasm', threads, onPlan: (p) => (plan = p) });
      assert.match(plan, /WebAssembly SIMD running sums/);
      assert.deepEqual(got.data, boxFilter(u8, { ksize: [k, k], backend: 'js' }).data);
    }
  }
});

/**
 * Taps that are symmetric (or antisymmetric) except one tap one unit in the last place off
 * (of float32 for the float32 path, of float64 for the float64 path) must not be paired:
 * w·(x_a + x_b) with the wrong weight is off by one ulp of a weight. On an impulse every
 * output is a single product, exact in both paths (weights k/8, one nudged by an ulp, times
 * a power of two), so the separable result must equal the unpaired direct sums exactly —
 * and symmetric kernels too, so the pairing is checked both ways.
 */
test('WASM separable pairs taps only when they are equal or opposite to the last bit', () => {
  let onWasm = 0;
  fc.assert(
    fc.property(
      fc.record({
        kw: fc.integer({ min: 3, max: 19 }),
        kh: fc.integer({ min: 1, max: 9 }),
        shape: fc.constantFrom('symmetric', 'antisymmetric'),
        nudge: fc.option(fc.nat(), { nil: undefined }),
        up: fc.boolean(),
        transpose: fc.boolean(),
        dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
        mode: fc.constantFrom(...MODES),
        threads: fc.constantFrom(1, 2, 3),
        seed: fc.integer(),
      }),
      (c) => {
        const r = rand(c.seed);
        // row: k/8 weights, symmetric or antisymmetric, the largest |w| a unique 2 (the centre,
        // or the two ends) so that `separate` finds exact factors; then one other tap nudged
        const row = taps(c.kw, c.shape, r).map((v) => v || 0.125);
        if (c.kw % 2) row[c.kw >> 1] = 2;
        else [row[0], row[c.kw - 1]] = [2, c.shape === 'symmetric' ? 2 : -2];
        const others = row.flatMap((v, j) => (Math.abs(v) < 2 ? [j] : []));
        if (c.nudge !== undefined && others.length) {
          const j = others[c.nudge % others.length];
          const ulp = 2 ** (Math.floor(Math.log2(Math.abs(row[j]))) - (c.dtype === 'float32' ? 23 : 52));
          row[j] += c.up ? ulp : -ulp;
        }
        // column: powers of two (products with the row stay exact), symmetric
        const col = Array.from({ length: c.kh }, (_, i) => 2 ** -Math.min(i, c.kh - 1 - i));
        const [ky, kx] = c.transpose ? [row, col] : [col, row];
        const kernel = ky.map((a) => kx.map((b) => a * b));
        const [h, w] = [2 * ky.length + 5, 2 * kx.length + 7];
        const data = new CTOR[c.dtype](h * w);
        data[(h >> 1) * w + (w >> 1)] = 1;
        const img = ndarray(data, [h, w]);
        const opts: LinearOptions = { border: c.mode, method: 'separable' };
        const plan = planLinear(img, linearSpec(img, kernel, opts, false), { ...opts, backend: 'wasm' });
        if (plan.backend === 'wasm') onWasm++;
        const direct = correlate(img, kernel, { border: c.mode, method: 'direct', backend: 'js' });
        const ref = correlate(img, kernel, { ...opts, backend: 'js' });
        const got = correlate(img, kernel, { ...opts, backend: 'wasm', threads: c.threads });
        // (+0 and −0 alike: a paired w·(0 − 0) and a sum of products w·0 may differ in sign)
        const values = (a: NDArray) => Array.from(a.data, (v) => v + 0);
        assert.deepEqual(values(ref), values(direct), 'plain-TypeScript separable');
        assert.deepEqual(values(got), values(direct), plan.reason);
      },
    ),
    { numRuns: 80 },
  );
  assert.ok(onWasm > 60, `only ${onWasm} of 80 cases ran on WASM`);
});

test('symmetric kernels: the stepped-address loop gives exactly the values of the general term loop', () => {
  let symmetric = 0;
  try {
    fc.assert(
      fc.property(
        fc.record({
          h: fc.integer({ min: 1, max: 40 }),
          w: fc.integer({ min: 1, max: 75 }),
          channels: fc.constantFrom(1, 3),
          rx: fc.integer({ min: 1, max: 12 }),
          ry: fc.integer({ min: 1, max: 12 }),
          even: fc.boolean(),
          mode: fc.constantFrom(...MODES),
          threads: fc.constantFrom(1, 2),
          seed: fc.integer(),
        }),
        (c) => {
          const r = rand(c.seed);
          // a whole symmetric kernel of 2·radius + 1 (or 2·radius) taps per axis
          const sym = (radius: number) => {
            const half = Array.from({ length: radius }, () => r() + 0.05);
            return c.even
              ? [...half, ...half.slice().reverse()]
              : [...half, r() + 0.5, ...half.slice().reverse()];
          };
          const col = sym(c.ry);
          const row = sym(c.rx);
          const kernel = col.map((a) => row.map((b) => a * b));
          const n = c.h * c.w * c.channels;
          const img = ndarray(
            new Float32Array(n).map(() => (r() - 0.3) * 50),
            c.channels === 1 ? [c.h, c.w] : [c.h, c.w, c.channels],
          );
          const opts: LinearOptions = {
            border: c.mode,
            method: 'separable',
            backend: 'wasm',
            threads: c.threads,
          };
          const spec = linearSpec(img, kernel, opts, false);
          if (planLinear(img, spec, opts).backend === 'wasm') symmetric++;
          setSymmetricLoop(true);
          const stepped = correlate(img, kernel, opts);
          setSymmetricLoop(false);
          const general = correlate(img, kernel, opts);
          assert.deepEqual(Array.from(stepped.data), Array.from(general.data));
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    setSymmetricLoop(true);
  }
  assert.ok(symmetric > 30, `only ${symmetric} of 60 cases ran on WASM`);
});
