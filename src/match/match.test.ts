// Template matching against OpenCV's six definitions written out naively, the flat-case
// rules, the ranges, best-match picking and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray, type NDArray } from '../core/ndarray.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { MATCH_METHODS, type MatchMethod, bestMatches, matchTemplate, planMatch } from './match.js';
import { drawBoxes } from './draw.js';
import { rng } from '../../test/helpers.js';
import { addWindowStats, addWindowStatsSimd } from './integral.js';
import { simdArena } from '../engine/simd.js';

/** OpenCV's definitions, one window at a time (channels summed), without any capping. */
function naive(
  img: Float64Array,
  H: number,
  W: number,
  C: number,
  t: Float64Array,
  h: number,
  w: number,
  method: MatchMethod,
) {
  const out: number[] = [];
  const n = h * w;
  const tMean = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let p = 0; p < n; p++) s += t[p * C + c];
    return s / n;
  });
  for (let r = 0; r + h <= H; r++)
    for (let q = 0; q + w <= W; q++) {
      let sd = 0;
      let tt = 0;
      let ii = 0;
      let ti = 0;
      let tc = 0;
      let ic = 0;
      let cc = 0;
      for (let c = 0; c < C; c++) {
        let iMean = 0;
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) iMean += img[((r + i) * W + q + j) * C + c];
        iMean /= n;
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++) {
            const T = t[(i * w + j) * C + c];
            const I = img[((r + i) * W + q + j) * C + c];
            sd += (T - I) ** 2;
            tt += T * T;
            ii += I * I;
            ti += T * I;
            tc += (T - tMean[c]) ** 2;
            ic += (I - iMean) ** 2;
            cc += (T - tMean[c]) * (I - iMean);
          }
      }
      const v = {
        sqdiff: sd,
        'sqdiff-normed': sd / Math.sqrt(tt * ii),
        ccorr: ti,
        'ccorr-normed': ti / Math.sqrt(tt * ii),
        ccoeff: cc,
        'ccoeff-normed': cc / Math.sqrt(tc * ic),
      }[method];
      out.push(v);
    }
  return out;
}

const caseArb = fc.record({
  H: fc.integer({ min: 1, max: 13 }),
  W: fc.integer({ min: 1, max: 13 }),
  h: fc.integer({ min: 1, max: 6 }),
  w: fc.integer({ min: 1, max: 6 }),
  C: fc.constantFrom(1, 3),
  values: fc.array(
    fc.integer({ min: 0, max: 1000 }).map((v) => v / 1000),
    {
      minLength: 13 * 13 * 3 + 108,
      maxLength: 13 * 13 * 3 + 108,
    },
  ),
  method: fc.constantFrom(...MATCH_METHODS),
  correlation: fc.constantFrom('direct' as const, 'fft' as const, 'auto' as const),
});

test('matchTemplate = the naive definitions for random images, templates, channels and methods', () => {
  fc.assert(
    fc.property(caseArb, ({ H, W, h, w, C, values, method, correlation }) => {
      fc.pre(h <= H && w <= W);
      const img = Float64Array.from(values.slice(0, H * W * C));
      const t = Float64Array.from(values.slice(H * W * C, H * W * C + h * w * C));
      const shape = (a: number, b: number) => (C === 1 ? [a, b] : [a, b, C]);
      const got = matchTemplate(ndarray(img, shape(H, W)), ndarray(t, shape(h, w)), { method, correlation });
      assert.deepEqual(got.shape, [H - h + 1, W - w + 1]);
      assert.equal(got.dtype, 'float32');
      const want = naive(img, H, W, C, t, h, w, method);
      for (let i = 0; i < want.length; i++) {
        const v = want[i];
        const g = got.data[i];
        if (!Number.isFinite(v) || Math.abs(v) > 1e6) continue; // 0/0 or near it: the flat rules below
        // Normalized scores of a nearly flat window are ill-conditioned: compare where the
        // denominator is well away from rounding.
        const expect = method === 'sqdiff-normed' ? Math.min(1, v) : v;
        assert.ok(
          Math.abs(g - expect) <= 2e-4 * (1 + Math.abs(expect)),
          `${method} [${i}]: ${g} vs ${expect}`,
        );
      }
    }),
    { numRuns: 150 },
  );
});

test('normalized scores stay in range: ccorr/ccoeff-normed in [−1, 1], sqdiff-normed in [0, 1]', () => {
  fc.assert(
    fc.property(caseArb, ({ H, W, h, w, values, method }) => {
      fc.pre(h <= H && w <= W && method.endsWith('normed'));
      // Values on a coarse grid make exact ties, flat windows and 0/0 likely.
      const img = Float64Array.from(values.slice(0, H * W), (v) => Math.round(v * 2) * 1000);
      const t = Float64Array.from(values.slice(200, 200 + h * w), (v) => Math.round(v * 2) * 1000);
      const got = matchTemplate(ndarray(img, [H, W]), ndarray(t, [h, w]), { method });
      const lo = method === 'sqdiff-normed' ? 0 : -1;
      for (const v of got.data) assert.ok(v >= lo && v <= 1, `${method}: ${v}`);
    }),
    { numRuns: 150 },
  );
});

test('flat cases: values as OpenCV 4.6 gives them', () => {
  const img = new Float64Array(12 * 14);
  for (let i = 0; i < img.length; i++) img[i] = ((i * 7919) % 97) / 97;
  for (let r = 0; r < 6; r++) for (let c = 0; c < 7; c++) img[r * 14 + c] = 0.5; // flat window area
  for (let r = 6; r < 12; r++) for (let c = 7; c < 14; c++) img[r * 14 + c] = 0; // zero area
  const image = ndarray(img, [12, 14]);
  const t = ndarray(
    Float64Array.from({ length: 20 }, (_, i) => ((i * 31) % 11) / 11),
    [4, 5],
  );
  const flatT = ndarray(new Float64Array(20).fill(0.3), [4, 5]);
  const zeroT = ndarray(new Float64Array(20), [4, 5]);
  const at = (a: NDArray, r: number, c: number) => a.data[r * a.shape[1] + c];
  const m = (tpl: NDArray, method: MatchMethod) => matchTemplate(image, tpl, { method });
  // Flat window (0.5 everywhere) at (0, 0); zero window at (7, 8).
  assert.equal(at(m(t, 'ccoeff-normed'), 0, 0), 0);
  assert.equal(at(m(t, 'ccorr-normed'), 7, 8), 0);
  assert.equal(at(m(t, 'sqdiff-normed'), 7, 8), 1);
  assert.ok(Math.abs(at(m(t, 'ccoeff'), 0, 0)) < 1e-12);
  // Flat template: ccoeff-normed is 1 everywhere; ccoeff is 0.
  assert.ok(m(flatT, 'ccoeff-normed').data.every((v) => v === 1));
  assert.ok(m(flatT, 'ccoeff').data.every((v) => v === 0));
  // All-zero template.
  assert.ok(m(zeroT, 'ccorr-normed').data.every((v) => v === 0));
  assert.ok(m(zeroT, 'sqdiff-normed').data.every((v) => v === 1));
});

test('an exact copy of the template is found, with score 1 (ccoeff-normed) and 0 (sqdiff)', () => {
  const H = 40;
  const W = 50;
  const img = Float32Array.from({ length: H * W }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
  const t = new Float32Array(7 * 9);
  for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) t[i * 9 + j] = img[(20 + i) * W + 30 + j];
  const image = ndarray(img, [H, W]);
  const template = ndarray(t, [7, 9]);
  for (const method of MATCH_METHODS) {
    if (method === 'ccorr' || method === 'ccoeff') continue; // not normalized: high-contrast areas can win
    const scores = matchTemplate(image, template, { method });
    const [best] = bestMatches(scores, method, 1, [7, 9]);
    assert.deepEqual([best.row, best.col], [20, 30], method);
    if (method === 'ccoeff-normed' || method === 'ccorr-normed') assert.ok(Math.abs(best.score - 1) < 1e-5);
    if (method === 'sqdiff' || method === 'sqdiff-normed') assert.ok(best.score < 1e-5);
  }
});

test('bestMatches: best first, overlapping boxes suppressed, sqdiff picks minima', () => {
  const scores = ndarray(Float32Array.from([0.1, 0.9, 0.8, 0.2, 0.3, 0.85, 0.4, 0.5, 0.7]), [3, 3]);
  assert.deepEqual(
    bestMatches(scores, 'ccoeff-normed', 3).map((m) => [m.row, m.col]),
    [
      [0, 1],
      [1, 2],
      [0, 2],
    ],
  );
  // A 2×2 template: picking (0,1) rules out its overlapping neighbours.
  assert.deepEqual(
    bestMatches(scores, 'ccoeff-normed', 3, [2, 2]).map((m) => [m.row, m.col]),
    [
      [0, 1],
      [2, 2],
      [2, 0],
    ],
  );
  assert.deepEqual(
    bestMatches(scores, 'sqdiff', 1).map((m) => [m.row, m.col, m.score]),
    [[0, 0, Math.fround(0.1)]],
  );
  assert.throws(() => bestMatches(scores, 'sqdiff', 0), /Expected a positive integer for count, got 0/);
});

test('bad input: sizes, channels, method, non-finite values', () => {
  const img = ndarray(new Float32Array(20), [4, 5]);
  assert.throws(() => matchTemplate(img, ndarray(new Float32Array(30), [5, 6])), ShapeError);
  assert.throws(
    () => matchTemplate(img, ndarray(new Float32Array(30), [5, 6])),
    /the 5×6 template is larger than the 4×5 image/,
  );
  assert.throws(
    () => matchTemplate(img, ndarray(new Float32Array(12), [2, 2, 3])),
    /the template has 3 channels but the image has 1/,
  );
  assert.throws(
    () => matchTemplate(img, ndarray(new Float32Array(4), [2, 2]), { method: 'ssd' as MatchMethod }),
    /Expected one of sqdiff, sqdiff-normed, ccorr, ccorr-normed, ccoeff, ccoeff-normed for method, got "ssd"/,
  );
  const nan = new Float32Array(20);
  nan[7] = NaN;
  assert.throws(
    () =>
      matchTemplate(ndarray(nan, [4, 5]), ndarray(new Float32Array(4), [2, 2]), { method: 'ccoeff-normed' }),
    (e: unknown) =>
      e instanceof InvalidArgumentError && /for image, got NaN \(number\) \(at \[1, 2\]\)/.test(e.message),
  );
  const badT = new Float32Array(4);
  badT[0] = Infinity;
  assert.throws(() => matchTemplate(img, ndarray(badT, [2, 2])), /finite values for template, got Infinity/);
  // ccorr does not divide: NaN propagates (through the direct method) instead of failing.
  const r = matchTemplate(ndarray(nan, [4, 5]), ndarray(new Float32Array([1, 0, 0, 0]), [2, 2]), {
    method: 'ccorr',
  });
  assert.ok(Number.isNaN(r.data[1 * 4 + 2]) && r.data[0] === 0);
});

test('planMatch explains the correlation plan; 1-D signals and uint8 images work', () => {
  const img = ndarray(
    Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 37) % 251),
    [64, 64],
  );
  const t = ndarray(
    Uint8Array.from({ length: 16 * 16 }, (_, i) => (i * 11) % 241),
    [16, 16],
  );
  assert.match(
    planMatch(img, t, { correlation: 'fft' }).reason,
    /^fft \(asked for\): 49×49×1 output, 16×16 kernel/,
  );
  const a = matchTemplate(img, t, { correlation: 'fft', method: 'sqdiff' });
  const b = matchTemplate(img, t, { correlation: 'direct', method: 'sqdiff' });
  for (let i = 0; i < a.data.length; i++)
    assert.ok(Math.abs(a.data[i] - b.data[i]) <= 1e-6 * Math.abs(b.data[i]) + 1e-3);
  const sig = matchTemplate(
    ndarray(Float64Array.from([0, 1, 2, 3, 2, 1, 0]), [7]),
    ndarray(Float64Array.from([2, 3, 2]), [3]),
    {
      method: 'sqdiff',
    },
  );
  assert.deepEqual(sig.shape, [5]);
  [8, 3, 0, 3, 8].forEach((v, i) => assert.ok(Math.abs(sig.data[i] - v) < 1e-9, `${sig.data[i]} vs ${v}`));
});

test('drawBoxes: an 8-bit RGB copy with the box outline', () => {
  const img = ndarray(new Float32Array(6 * 8).fill(0.5), [6, 8]);
  const pic = drawBoxes(img, [{ row: 1, col: 2, height: 3, width: 4 }], { thickness: 1 });
  assert.deepEqual(pic.shape, [6, 8, 3]);
  const px = (r: number, c: number) => Array.from(pic.data.subarray((r * 8 + c) * 3, (r * 8 + c) * 3 + 3));
  assert.deepEqual(px(1, 2), [255, 0, 0]);
  assert.deepEqual(px(3, 5), [255, 0, 0]);
  assert.deepEqual(px(2, 3), [128, 128, 128]);
  assert.deepEqual(px(0, 0), [128, 128, 128]);
});

const arena = simdArena();
test(
  'window statistics: the WebAssembly loops equal the plain ones bit for bit (odd sizes)',
  {
    skip: arena ? false : 'WebAssembly SIMD unavailable here',
  },
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('sumSq' as const, 'centredSumSq' as const),
        fc.boolean(),
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.integer({ min: 1, max: 50 }),
        (H, W, h0, w0, kind, f32, seed, bandRows) => {
          const h = Math.min(h0, H);
          const w = Math.min(w0, W);
          const r = rng(seed);
          const v = Float64Array.from({ length: H * W }, () => r() * 3 - 1);
          const d = f32 ? Float32Array.from(v) : v;
          const shift = 0.25;
          const size = (H - h + 1) * (W - w + 1);
          const want = Float64Array.from({ length: size }, (_, i) => i);
          const got = Float64Array.from(want);
          // Bands of 1..50 rows (the grid's bands restart their tables): the same bands on both.
          const a = addWindowStats(d, H, W, h, w, shift, kind, want, bandRows);
          const b = addWindowStatsSimd(arena!, d, H, W, h, w, shift, kind, got, bandRows);
          assert.deepEqual(got, want);
          assert.deepEqual(b, a);
          // And the banded tables give the definition (within rounding of the plane's totals).
          const ow = W - w + 1;
          const tol = 64 * 2 ** -53 * (a.sqTotal + (2 * a.absTotal * a.absTotal) / (h * w) + 4 * h * w);
          for (let r = 0; r + h <= H; r++) {
            for (let c = 0; c < ow; c++) {
              let sum = 0;
              let sq = 0;
              for (let i = 0; i < h; i++)
                for (let j = 0; j < w; j++) {
                  const x = d[(r + i) * W + c + j];
                  sum += x;
                  sq += x * x;
                }
              const exact = kind === 'sumSq' ? sq : sq - (sum * sum) / (h * w);
              const v = want[r * ow + c] - (r * ow + c);
              assert.ok(
                Math.abs(v - exact) <= 1e-9 * (1 + Math.abs(exact)) + tol,
                `${r},${c}: ${v} vs ${exact}`,
              );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  },
);

test(
  'matchTemplate on the WebAssembly loops = plain TypeScript, bit for bit (every method, flat patches, odd sizes; FFT: when both pick the same tiles)',
  {
    skip: arena ? false : 'WebAssembly SIMD unavailable here',
  },
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(1, 3),
        fc.constantFrom(...MATCH_METHODS),
        fc.integer({ min: 1, max: 1 << 20 }),
        (H, W, h0, w0, C, method, seed) => {
          const h = Math.min(h0, H);
          const w = Math.min(w0, W);
          const r = rng(seed);
          // Flat runs (0/0 windows) between random values.
          const img = Float32Array.from({ length: H * W * C }, (_, i) => ((i >> 4) % 3 === 0 ? 0.5 : r()));
          const t = Float32Array.from({ length: h * w * C }, () => r());
          const shape = (a: number, b: number) => (C === 1 ? [a, b] : [a, b, C]);
          const image = ndarray(img, shape(H, W));
          const template = ndarray(t, shape(h, w));
          for (const correlation of ['direct', 'fft'] as const) {
            const js = { method, correlation, backend: 'js' } as const;
            const wasm = { method, correlation, backend: 'wasm', threads: 1 } as const;
            // Each backend's cost model picks its own FFT tiles, and other tiles round
            // differently (within the FFT bound): bit for bit only with the same tiles.
            const tiles = (o: typeof js | typeof wasm) =>
              JSON.stringify(planMatch(image, template, o).tiling);
            if (correlation === 'fft' && tiles(js) !== tiles(wasm)) continue;
            const want = matchTemplate(image, template, js);
            const got = matchTemplate(image, template, wasm);
            assert.deepEqual(got.data, want.data, `${method} ${correlation}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  },
);
