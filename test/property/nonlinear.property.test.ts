// Property tests of the non-linear filters: median against an independent per-pixel sort and
// across all its methods, the algebra the issue lists, and bilateral against its definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sourceIndex } from '../helpers.js';
import {
  bilateralFilter,
  bilateralSpec,
  medianFilter,
  ndarray,
  nlMeans,
  type DType,
  type NDArray,
} from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { MedianMethod } from '../../src/nonlinear/median.js';
import { simdStatus } from '../../src/engine/simd.js';
import { colourToLab, labToColour } from '../../src/nonlinear/lab.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const DTYPES: DType[] = ['uint8', 'uint16', 'float32', 'float64'];
const RUNS = { numRuns: 120 };

/** The window values of output (m, n), channel ch, by hand. */
function windowValues(
  x: NDArray,
  m: number,
  n: number,
  ch: number,
  kw: number,
  kh: number,
  mode: BorderMode,
  cval: number,
): number[] {
  const [H, W] = x.shape.length === 1 ? [1, x.shape[0]] : [x.shape[0], x.shape[1]];
  const C = x.shape[2] ?? 1;
  const v: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const r = sourceIndex(m + i - (kh >> 1), H, mode);
      const c = sourceIndex(n + j - (kw >> 1), W, mode);
      v.push(r < 0 || c < 0 ? cval : x.data[(r * W + c) * C + ch]);
    }
  }
  return v;
}

/** The median by definition: sort the window, take rank ⌊kw·kh/2⌋; NaN anywhere gives NaN. */
function naiveMedian(x: NDArray, kw: number, kh: number, mode: BorderMode, cval: number): number[] {
  const [H, W] = x.shape.length === 1 ? [1, x.shape[0]] : [x.shape[0], x.shape[1]];
  const C = x.shape[2] ?? 1;
  const out: number[] = [];
  for (let m = 0; m < H; m++) {
    for (let n = 0; n < W; n++) {
      for (let ch = 0; ch < C; ch++) {
        const v = windowValues(x, m, n, ch, kw, kh, mode, cval);
        if (v.some((a) => Number.isNaN(a))) out.push(NaN);
        else out.push(v.sort((a, b) => a - b)[(kw * kh) >> 1]);
      }
    }
  }
  return out;
}

const CTOR = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

function image(dtype: DType, values: number[], shape: number[]): NDArray {
  return ndarray(CTOR[dtype].from(values), shape);
}

/** A random small image of a dtype, with value ranges that exercise each dtype. */
const arbImage = (maxSide = 9, channels = [1, 3]) =>
  fc
    .record({
      dtype: fc.constantFrom(...DTYPES),
      h: fc.integer({ min: 1, max: maxSide }),
      w: fc.integer({ min: 1, max: maxSide }),
      c: fc.constantFrom(...channels),
      seed: fc.integer(),
      levels: fc.constantFrom(3, 256),
    })
    .map(({ dtype, h, w, c, seed, levels }) => {
      let s = seed >>> 0;
      const next = () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 4294967296;
      };
      const max = dtype === 'uint8' ? 255 : dtype === 'uint16' ? 65535 : 1000;
      const vals = Array.from({ length: h * w * c }, () => {
        const v = Math.floor(next() * levels) * (max / (levels - 1));
        return dtype.startsWith('float') ? v - 500.25 : Math.round(v);
      });
      return image(dtype, vals, c === 1 ? [h, w] : [h, w, c]);
    });

function methodsFor(dtype: DType, kw: number, kh: number): MedianMethod[] {
  const m: MedianMethod[] = ['auto', 'select'];
  if (kw === kh && (kw === 3 || kw === 5)) m.push('network');
  if (kw === kh && (kw === 3 || kw === 5) && dtype === 'uint8' && simdStatus().available) m.push('simd');
  if (dtype === 'uint8') m.push('histogram');
  return m;
}

test('median: every method equals sorting each window by hand (all dtypes, borders, sizes)', () => {
  fc.assert(
    fc.property(
      arbImage(),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(...MODES),
      fc.boolean(),
      (x, kw, kh, mode, square) => {
        const kh2 = square ? kw : kh;
        const cval = mode === 'constant' ? 7 : 0;
        const want = naiveMedian(x, kw, kh2, mode, cval);
        for (const method of methodsFor(x.dtype, kw, kh2)) {
          const got = medianFilter(x, [kw, kh2], { border: mode, cval, method });
          assert.equal(got.dtype, x.dtype);
          assert.deepEqual(got.shape, x.shape);
          assert.deepEqual([...got.data], want, `${method} ${kw}x${kh2} ${mode} ${x.dtype}`);
        }
      },
    ),
    RUNS,
  );
});

test('median: 3×3 and 5×5 networks equal selection on wide random images (every column pairing)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(3, 5),
      fc.constantFrom(...DTYPES),
      fc.integer({ min: 1, max: 40 }),
      fc.integer(),
      (k, dtype, w, seed) => {
        let s = seed >>> 0;
        const vals = Array.from({ length: 6 * w }, () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return dtype === 'uint16' ? s >>> 16 : dtype === 'uint8' ? s >>> 24 : (s >>> 8) / 7 - 1e6;
        });
        const x = image(dtype, vals, [6, w]);
        const a = medianFilter(x, k, { method: 'network', border: 'mirror' });
        const b = medianFilter(x, k, { method: 'select', border: 'mirror' });
        assert.deepEqual([...a.data], [...b.data]);
      },
    ),
    RUNS,
  );
});

test('median: the output lies within its window min..max', () => {
  fc.assert(
    fc.property(arbImage(), fc.integer({ min: 1, max: 7 }), fc.constantFrom(...MODES), (x, k, mode) => {
      const y = medianFilter(x, k, { border: mode });
      const [H, W] = [x.shape[0], x.shape[1]];
      const C = x.shape[2] ?? 1;
      for (let m = 0; m < H; m++) {
        for (let n = 0; n < W; n++) {
          for (let ch = 0; ch < C; ch++) {
            const v = windowValues(x, m, n, ch, k, k, mode, 0);
            const got = y.data[(m * W + n) * C + ch];
            assert.ok(got >= Math.min(...v) && got <= Math.max(...v), `${got} outside window at ${m},${n}`);
          }
        }
      }
    }),
    RUNS,
  );
});

test('median: idempotent on a root signal (constant runs at least r+1 long)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 5 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.constantFrom<BorderMode>('replicate', 'symmetric'),
      (r, runs, mode) => {
        const vals: number[] = [];
        for (const [v, extra] of runs) for (let i = 0; i < r + 1 + extra; i++) vals.push(v);
        const root = ndarray(Uint8Array.from(vals), [vals.length]);
        const once = medianFilter(root, 2 * r + 1, { border: mode });
        assert.deepEqual([...once.data], vals);
        // and on an image whose rows are that root
        const img = ndarray(Uint8Array.from([...vals, ...vals, ...vals]), [3, vals.length]);
        assert.deepEqual([...medianFilter(img, 2 * r + 1, { border: mode }).data], [...img.data]);
      },
    ),
    RUNS,
  );
});

test('median, bilateral and non-local means leave a constant image unchanged', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...DTYPES),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom(1, 3),
      fc.integer({ min: 0, max: 255 }),
      (dtype, h, w, c, v) => {
        const x = image(
          dtype,
          new Array(h * w * c).fill(dtype === 'uint16' ? v * 257 : v),
          c === 1 ? [h, w] : [h, w, c],
        );
        assert.deepEqual([...medianFilter(x, 5).data], [...x.data]);
        assert.deepEqual([...bilateralFilter(x, 5, 30, 3).data], [...x.data]);
        if (dtype === 'uint16' || (dtype === 'uint8' && c === 1)) {
          assert.deepEqual([...nlMeans(x, 10, { templateSize: 3, searchSize: 5 }).data], [...x.data]);
        } else if (dtype === 'uint8') {
          // Colour goes through OpenCV's 8-bit L*a*b*, whose round trip is not exact (grey 1
          // comes back 0, 255 comes back 254: OpenCV's fastNlMeansDenoisingColored does the
          // same): the output is the constant colour of that round trip.
          const L = new Uint8Array(1);
          const A = new Uint8Array(1);
          const B = new Uint8Array(1);
          colourToLab(Uint8Array.of(v, v, v), 3, true, L, A, B);
          const back = new Uint8Array(3);
          labToColour(L, A, B, back, 3, true);
          const y = nlMeans(x, 10, { templateSize: 3, searchSize: 5 });
          for (let i = 0; i < y.data.length; i++) assert.equal(y.data[i], back[i % 3]);
          assert.ok(Math.abs(back[0] - v) <= 1);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('bilateral with a huge sigmaColor is the Gaussian-weighted mean of its disc', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 9 }),
      fc.double({ min: 0.5, max: 6, noNaN: true }),
      fc.constantFrom<BorderMode>('mirror', 'replicate', 'wrap'),
      fc.integer(),
      (h, w, d, ss, mode, seed) => {
        let s = seed >>> 0;
        const vals = Array.from({ length: h * w }, () => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return (s >>> 8) / 65536;
        });
        const x = ndarray(Float64Array.from(vals), [h, w]);
        const y = bilateralFilter(x, d, 1e9, ss, { border: mode });
        const spec = bilateralSpec(d, ss);
        for (let m = 0; m < h; m++) {
          for (let n = 0; n < w; n++) {
            let sum = 0;
            let wsum = 0;
            spec.offsets.forEach(([di, dj], k) => {
              const r = sourceIndex(m + di, h, mode);
              const c = sourceIndex(n + dj, w, mode);
              const wt = Math.exp(-(di * di + dj * dj) / (2 * ss * ss));
              assert.ok(Math.abs(wt - spec.spaceWeights[k]) <= 1e-7 * Math.max(wt, 1e-30) + 1e-45);
              sum += wt * vals[r * w + c];
              wsum += wt;
            });
            const want = sum / wsum;
            assert.ok(Math.abs(y.data[m * w + n] - want) < 1e-5, `${y.data[m * w + n]} vs ${want}`);
          }
        }
      },
    ),
    RUNS,
  );
});
