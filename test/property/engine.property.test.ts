// Every engine plan against the plain-TypeScript reference: WASM × threads 1/2/3 × dtypes ×
// borders × shapes × anchors, on random images (odd sizes, 1-pixel images, kernels larger
// than the image). float64 and uint8 must be bit-identical; float32 within DESIGN.md's
// tolerance (1e-5 of the largest magnitude); every thread count bit-identical to one thread.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { correlate, convolve, ndarray, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { LinearOptions, OutputShape } from '../../src/linear/correlate.js';
import { linearSpec } from '../../src/linear/correlate.js';
import { planLinear } from '../../src/linear/plan.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';
import { disableSimd, simdStatus } from '../../src/engine/simd.js';
import { sharedCopy } from '../helpers.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const RUNS = { numRuns: 60 };
type D = 'uint8' | 'uint16' | 'float32' | 'float64';
const CTOR = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

let oldCrossover = 0;
before(async () => {
  assert.ok(simdStatus().available, `WebAssembly SIMD must be available under Node: ${simdStatus().reason}`);
  oldCrossover = setPoolCrossover(0); // pool even for tiny images
  assert.equal(await warmPoolAsync(3), 2, 'two pool workers start');
});
after(() => {
  setPoolCrossover(oldCrossover);
  setCallerClaims(true);
});

const caseArb = fc
  .record({
    h: fc.integer({ min: 1, max: 23 }),
    w: fc.integer({ min: 1, max: 37 }),
    channels: fc.constantFrom(1, 1, 2, 3, 4),
    kh: fc.integer({ min: 1, max: 7 }),
    kw: fc.integer({ min: 1, max: 7 }),
    dtype: fc.constantFrom<D>('uint8', 'uint8', 'uint16', 'float32', 'float64'),
    mode: fc.constantFrom(...MODES),
    cval: fc.constantFrom(0, 1, 7, 0.5, -3.25, 300),
    shape: fc.constantFrom<OutputShape>('same', 'same', 'full', 'valid'),
    anchorSeed: fc.tuple(fc.nat(), fc.nat()),
    seed: fc.integer(),
    weights: fc.constantFrom('random', 'dyadic', 'integer', 'tenths', 'sparse'),
    op: fc.constantFrom('correlate', 'convolve'),
    // uint8 in, float32 out (derivative filters' default for integer images)
    floatOut: fc.boolean(),
  })
  .filter((c) => c.shape !== 'valid' || (c.kh <= c.h && c.kw <= c.w));

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

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): { img: NDArray; kernel: number[][]; opts: LinearOptions } {
  const r = rand(c.seed);
  const n = c.h * c.w * c.channels;
  const data = new CTOR[c.dtype](n);
  for (let i = 0; i < n; i++)
    data[i] =
      c.dtype === 'uint8'
        ? Math.floor(r() * 256)
        : c.dtype === 'uint16'
          ? Math.floor(r() * 65536)
          : (r() - 0.5) * 200;
  const shape = c.channels === 1 ? [c.h, c.w] : [c.h, c.w, c.channels];
  const weight = () => {
    switch (c.weights) {
      case 'dyadic':
        return Math.round((r() - 0.5) * 32) / 16;
      case 'integer':
        return Math.round((r() - 0.5) * 10);
      case 'tenths':
        return Math.round((r() - 0.5) * 20) / 10;
      case 'sparse':
        return r() < 0.6 ? 0 : r() - 0.3;
      default:
        return r() * 2 - 0.9;
    }
  };
  const kernel = Array.from({ length: c.kh }, () => Array.from({ length: c.kw }, weight));
  const opts: LinearOptions = {
    border: c.mode,
    cval: c.dtype === 'uint8' && c.cval === 300 ? 300 : c.cval,
    shape: c.shape,
    anchor: [c.anchorSeed[0] % c.kh, c.anchorSeed[1] % c.kw],
    dtype: c.dtype === 'uint8' && c.floatOut ? 'float32' : undefined,
  };
  return { img: ndarray(data, shape), kernel, opts };
}

function run(c: Case, img: NDArray, kernel: number[][], opts: LinearOptions) {
  return (c.op === 'correlate' ? correlate : convolve)(img, kernel, opts);
}

function assertWithinTolerance(got: NDArray, want: NDArray) {
  assert.deepEqual(got.shape, want.shape);
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) scale = Math.max(scale, Math.abs(want.data[i]));
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i];
    const w = want.data[i];
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `index ${i}: ${g} vs NaN`);
    else if (!Number.isFinite(w)) assert.equal(g, w, `index ${i}`);
    else assert.ok(Math.abs(g - w) <= 1e-5 * scale, `index ${i}: ${g} vs ${w} (scale ${scale})`);
  }
}

test('WASM plans equal the plain-TypeScript reference for every dtype, border, shape, anchor and thread count', () => {
  let wasmRuns = 0;
  fc.assert(
    fc.property(caseArb, (c) => {
      const { img, kernel, opts } = build(c);
      const ref = run(c, img, kernel, { ...opts, backend: 'js' });
      const one = run(c, img, kernel, { ...opts, backend: 'wasm', threads: 1 });
      const spec = linearSpec(img, kernel, opts, c.op === 'convolve');
      const plan = planLinear(img, spec, { backend: 'wasm', threads: 1 });
      if (plan.backend === 'wasm') wasmRuns++;
      if (ref.dtype === 'float32') assertWithinTolerance(one, ref);
      else assert.deepEqual(one.data, ref.data);
      assert.deepEqual(one.shape, ref.shape);
      assert.equal(one.dtype, ref.dtype);
      for (const threads of [2, 3]) {
        const many = run(c, img, kernel, { ...opts, backend: 'wasm', threads });
        assert.deepEqual(Array.from(many.data), Array.from(one.data), `${threads} threads`);
      }
      // A shared input is padded at its own address phase (BandSource.phase/strideFor).
      const shared = sharedCopy(img, c.seed);
      for (const threads of [1, 2]) {
        const got = run(c, shared, kernel, { ...opts, backend: 'wasm', threads });
        assert.deepEqual(Array.from(got.data), Array.from(one.data), `shared input, ${threads} threads`);
      }
    }),
    RUNS,
  );
  // Not every random case can take the SIMD path (e.g. all-zero kernels, cval 0.5 with
  // uint8 input is fine, a cval not exact in float32 is not); most must.
  assert.ok(wasmRuns > RUNS.numRuns / 2, `only ${wasmRuns} of ${RUNS.numRuns} cases ran on WASM`);
});

test('workers alone (the calling thread claims no band) give the single-thread result exactly', () => {
  setCallerClaims(false);
  try {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { img, kernel, opts } = build(c);
        const one = run(c, img, kernel, { ...opts, backend: 'wasm', threads: 1 });
        const spec = linearSpec(img, kernel, opts, c.op === 'convolve');
        const plan = planLinear(img, spec, { backend: 'wasm', threads: 3 });
        const many = run(c, img, kernel, { ...opts, backend: 'wasm', threads: 3 });
        if (plan.threads > 1) assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
        assert.deepEqual(Array.from(many.data), Array.from(one.data));
      }),
      { numRuns: 25 },
    );
  } finally {
    setCallerClaims(true);
  }
});

test('3×3 float32 with NaN and ±Infinity under zero and non-zero taps propagates exactly as the reference', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.constantFrom(0, 1, -2, 0.5), { minLength: 9, maxLength: 9 }),
      fc.array(fc.nat({ max: 599 }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(NaN, Infinity, -Infinity),
      fc.constantFrom(...MODES),
      (h, w, k, spots, bad, mode) => {
        const data = new Float32Array(h * w).map((_, i) => (i % 7) - 3);
        for (const s of spots) data[s % (h * w)] = bad;
        const img = ndarray(data, [h, w]);
        const kernel = [k.slice(0, 3), k.slice(3, 6), k.slice(6, 9)];
        const ref = correlate(img, kernel, { border: mode, backend: 'js' });
        for (const threads of [1, 2]) {
          const got = correlate(img, kernel, { border: mode, backend: 'wasm', threads });
          // With a non-finite input the band is recomputed in float64: bit-identical.
          assert.deepEqual(
            Array.from(got.data, (v) => v + 0),
            Array.from(ref.data, (v) => v + 0),
          );
        }
      },
    ),
    RUNS,
  );
});

test('uint8 rounding ties (x.5 exactly in float64) round half to even as the reference', () => {
  // 0.1·5 = 0.5 and 0.3·5 = 1.5 exactly in float64 but not in float32: the certified path must notice.
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0.1, 0.3, 0.5, 0.7, 0.25, 1 / 3), { minLength: 9, maxLength: 9 }),
      fc.integer({ min: 1, max: 3 }),
      (k, c) => {
        const h = 9,
          w = 19;
        const data = new Uint8Array(h * w * c).map((_, i) => [5, 15, 25, 1, 3, 255][i % 6]);
        const img = ndarray(data, c === 1 ? [h, w] : [h, w, c]);
        const kernel = [k.slice(0, 3), k.slice(3, 6), k.slice(6, 9)];
        const ref = correlate(img, kernel, { backend: 'js' });
        const got = correlate(img, kernel, { backend: 'wasm', threads: 1 });
        assert.deepEqual(got.data, ref.data);
      },
    ),
    RUNS,
  );
});

const SMALL = [0, 1, 2, 3, 5, 10, 15, 20, 25, 50, 100, 127, 128, 200, 254, 255];

test('uint8 3×3 kernels k/D (the integer loop: rounded in i16 lanes, ties recomputed in float64) equal the reference for 1, 2 and 3 threads', () => {
  fc.assert(
    fc.property(
      fc.record({
        D: fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 10, 16, 20, 25, 40, 64, 100, 255, 1000),
        // Σ|k| ≤ 126, so Σ|k|·255 < 2¹⁵ and the integer loop is admitted for every D.
        k: fc.array(fc.integer({ min: -14, max: 14 }), { minLength: 9, maxLength: 9 }),
        // Over 128 rows: several bands (the integer loop's band height), shared among threads.
        h: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 129, max: 300 })),
        w: fc.integer({ min: 1, max: 45 }),
        channels: fc.constantFrom(1, 3, 3, 4),
        mode: fc.constantFrom(...MODES),
        cval: fc.integer({ min: 0, max: 255 }),
        // 'small': values from a short list (many equal sums, many ties); 'random': uniform.
        data: fc.constantFrom('small', 'random', 'extremes'),
        seed: fc.integer(),
        shared: fc.boolean(),
      }),
      (c) => {
        fc.pre(c.k.some((k) => k !== 0));
        const r = rand(c.seed);
        const data = new Uint8Array(c.h * c.w * c.channels).map(() =>
          c.data === 'small'
            ? SMALL[Math.floor(r() * SMALL.length)]
            : c.data === 'extremes'
              ? r() < 0.5
                ? 0
                : 255
              : Math.floor(r() * 256),
        );
        let img: NDArray = ndarray(data, c.channels === 1 ? [c.h, c.w] : [c.h, c.w, c.channels]);
        if (c.shared) img = sharedCopy(img, c.seed);
        const kernel = [0, 1, 2].map((i) => c.k.slice(3 * i, 3 * i + 3).map((k) => k / c.D));
        const opts: LinearOptions = { border: c.mode, cval: c.cval };
        const plan = planLinear(img, linearSpec(img, kernel, opts, false), { backend: 'wasm', threads: 1 });
        assert.match(plan.reason, /3×3 integer/);
        const ref = correlate(img, kernel, { ...opts, backend: 'js' });
        for (const threads of [1, 2, 3]) {
          const got = correlate(img, kernel, { ...opts, backend: 'wasm', threads });
          assert.deepEqual(got.data, ref.data, `threads ${threads}`);
        }
      },
    ),
    RUNS,
  );
});

test('the integer loop recomputes exact ties as the float64 reference rounds them, not half up or the float32 way', () => {
  // W2's kernel (D = 20) on the interior of a deterministic RGB image: at a tie T ≡ 10 (mod 20)
  // the reference's float64 sum lies a few ulps off the half-integer either way, so neither
  // ⌊T/20 + 1/2⌋ (the loop's provisional value) nor f32(T)·f32(1/20) rounded half to even
  // matches it everywhere — the preconditions below check that — and only a recompute does.
  const k = [2, 4, 1, -2, 12, 4, 1, -1, -1];
  const kernel = [0, 1, 2].map((i) => k.slice(3 * i, 3 * i + 3).map((v) => v / 20));
  const h = 41,
    w = 37,
    C = 3;
  const r = rand(7);
  const data = new Uint8Array(h * w * C).map(() => Math.floor(r() * 256));
  const img = ndarray(data, [h, w, C]);
  const ref = correlate(img, kernel, { border: 'mirror', backend: 'js' });
  const sat = (v: number) => Math.min(255, Math.max(0, v));
  const even = (v: number) => (Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
  let ties = 0;
  let halfUpWrong = 0;
  let f32Wrong = 0;
  for (let m = 1; m < h - 1; m++) {
    for (let n = 1; n < w - 1; n++) {
      for (let ch = 0; ch < C; ch++) {
        let T = 0;
        for (let t = 0; t < 9; t++)
          T += k[t] * data[((m - 1 + Math.floor(t / 3)) * w + n - 1 + (t % 3)) * C + ch];
        if (((T % 20) + 20) % 20 !== 10) continue;
        ties++;
        const want = ref.data[(m * w + n) * C + ch];
        if (sat(Math.floor((T + 10) / 20)) !== want) halfUpWrong++;
        if (sat(even(Math.fround(Math.fround(T) * Math.fround(1 / 20)))) !== want) f32Wrong++;
      }
    }
  }
  assert.ok(ties > 50, `${ties} ties`);
  assert.ok(halfUpWrong > 0 && f32Wrong > 0, `half up wrong ${halfUpWrong}, float32 wrong ${f32Wrong}`);
  for (const threads of [1, 2]) {
    const got = correlate(img, kernel, { border: 'mirror', backend: 'wasm', threads });
    assert.deepEqual(got.data, ref.data, `threads ${threads}`);
  }
});

test('a float32 kernel that cancels falls back to float64 where float32 sums would miss the tolerance', () => {
  // On a flat image y = 0.3·x − 0.1·x − 0.2·x is −2.8e-14 in float64, but summing in float32
  // leaves −1.5e-5 (and 0.7·x + 0.1·x − 0.8·x: 0 against −6.1e-5): errors far above 1e-5 of |y|.
  for (const kernel of [
    [[0.3, -0.1, -0.2]],
    [[0.7, 0.1, -0.8]],
    [
      [0.3, 0.4, 0.3],
      [-1, 0, 0],
      [0, 0, 0],
    ],
  ]) {
    const img = ndarray(new Float32Array(64 * 64).fill(1000.1), [64, 64]);
    const ref = correlate(img, kernel, { border: 'replicate', backend: 'js' });
    const got = correlate(img, kernel, { border: 'replicate', backend: 'wasm', threads: 1 });
    assert.deepEqual(got.data, ref.data);
  }
});

test('the plan names backend and threads, and threads outside 1..64 are a clear error', () => {
  const img = ndarray(new Float32Array(16), [4, 4]);
  const spec = linearSpec(img, [[1, 2, 1]], {}, false);
  const p = planLinear(img, spec, { backend: 'wasm', threads: 1 });
  assert.equal(p.backend, 'wasm');
  assert.equal(p.threads, 1);
  assert.match(p.reason, /WebAssembly SIMD/);
  assert.equal(planLinear(img, spec, { backend: 'js' }).backend, 'js');
  for (const bad of [0, 65, 1.5, -1, NaN]) {
    assert.throws(
      () => correlate(img, [[1]], { threads: bad }),
      new RegExp(`^InvalidArgumentError: Expected an integer from 1 to 64 for threads, got ${bad}`),
    );
  }
  assert.throws(
    () => correlate(img, [[1]], { backend: 'gpu' as 'js' }),
    /Expected auto, js, wasm for backend/,
  );
});

test('without WebAssembly SIMD the plans fall back to plain TypeScript, say why, and warn once', () => {
  const img = ndarray(
    Float32Array.from({ length: 64 }, (_, i) => i),
    [8, 8],
  );
  const kernel = [
    [1, 2, 1],
    [0, 1, 0],
  ];
  const want = correlate(img, kernel, { backend: 'js' });
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  disableSimd('disabled by the test');
  try {
    for (let k = 0; k < 2; k++) {
      const plan = planLinear(img, linearSpec(img, kernel, {}, false), { backend: 'wasm' });
      assert.equal(plan.backend, 'js');
      assert.match(plan.reason, /plain TypeScript: WebAssembly SIMD unavailable \(disabled by the test\)/);
      assert.deepEqual(correlate(img, kernel, { backend: 'wasm' }).data, want.data);
    }
  } finally {
    disableSimd(undefined);
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(
    String(warnings[0]),
    /WebAssembly SIMD unavailable \(disabled by the test\); using the plain TypeScript loops/,
  );
  assert.equal(planLinear(img, linearSpec(img, kernel, {}, false), { backend: 'wasm' }).backend, 'wasm');
});
