// Property tests of correlate/convolve against the algebra they must obey and against an
// independent per-pixel implementation of DESIGN.md's formula.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sourceIndex } from '../helpers.js';
import { convolve, correlate, ndarray, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { LinearOptions, OutputShape } from '../../src/linear/correlate.js';
import { flipKernel, toKernel } from '../../src/kernels/kernel.js';
import { roundHalfEven } from '../../src/core/cast.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const RUNS = { numRuns: 150 };

/** DESIGN.md's correlation formula, one output at a time, for a single-channel float64 image. */
function naiveCorrelate(
  x: number[][],
  h: number[][],
  mode: BorderMode,
  cval: number,
  shape: OutputShape,
  anchor?: [number, number],
) {
  const H = x.length,
    W = x[0].length,
    kh = h.length,
    kw = h[0].length;
  let top: number, left: number, oh: number, ow: number;
  if (shape === 'full') [top, left, oh, ow] = [kh - 1, kw - 1, H + kh - 1, W + kw - 1];
  else if (shape === 'valid') [top, left, oh, ow] = [0, 0, H - kh + 1, W - kw + 1];
  else [top, left, oh, ow] = [anchor?.[0] ?? kh >> 1, anchor?.[1] ?? kw >> 1, H, W];
  const y: number[][] = [];
  for (let m = 0; m < oh; m++) {
    const row: number[] = [];
    for (let n = 0; n < ow; n++) {
      let s = 0;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          if (h[i][j] === 0) continue;
          const r = sourceIndex(m + i - top, H, mode);
          const c = sourceIndex(n + j - left, W, mode);
          s += h[i][j] * (r < 0 || c < 0 ? cval : x[r][c]);
        }
      }
      row.push(s);
    }
    y.push(row);
  }
  return y;
}

const small = (min = -10, max = 10) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const matrix = (maxH: number, maxW: number, value = small()) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxH }), fc.integer({ min: 1, max: maxW }))
    .chain(([h, w]) =>
      fc.array(fc.array(value, { minLength: w, maxLength: w }), { minLength: h, maxLength: h }),
    );
const toArray = (m: number[][]) => ndarray(Float64Array.from(m.flat()), [m.length, m[0].length]);
const rows = (a: NDArray) => {
  const w = a.shape[1];
  return Array.from({ length: a.shape[0] }, (_, r) => Array.from(a.data.subarray(r * w, (r + 1) * w)));
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9) => {
  assert.equal(a.length, b.length);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `index ${i}: ${a[i]} vs ${b[i]}`);
};

const caseArb = fc.record({
  x: matrix(9, 9),
  h: matrix(5, 5),
  mode: fc.constantFrom(...MODES),
  cval: small(),
  shape: fc.constantFrom<OutputShape>('same', 'full', 'valid'),
  anchorSeed: fc.tuple(fc.nat(), fc.nat()),
  useAnchor: fc.boolean(),
});

test('correlate equals the per-pixel formula for random images, kernels, borders, shapes and anchors', () => {
  fc.assert(
    fc.property(caseArb, ({ x, h, mode, cval, shape, anchorSeed, useAnchor }) => {
      if (shape === 'valid' && (h.length > x.length || h[0].length > x[0].length)) return;
      const anchor: [number, number] | undefined = useAnchor
        ? [anchorSeed[0] % h.length, anchorSeed[1] % h[0].length]
        : undefined;
      // the direct (reference) path; the other methods are held to it within float
      // tolerance in kernels.property.test.ts (their sums run in another order)
      const got = correlate(toArray(x), h, { border: mode, cval, shape, anchor, method: 'direct' });
      const want = naiveCorrelate(x, h, mode, cval, shape, anchor);
      // Same taps in the same order: bit-identical (up to the sign of zero: + 0 makes −0 into 0).
      assert.deepEqual(
        rows(got).map((r) => r.map((v) => v + 0)),
        want,
      );
    }),
    RUNS,
  );
});

test('integer outputs are the float result rounded half to even and saturated', () => {
  fc.assert(
    fc.property(
      matrix(7, 7, fc.integer({ min: 0, max: 255 })),
      matrix(
        3,
        3,
        fc.integer({ min: -8, max: 8 }).map((v) => v / 4),
      ),
      fc.constantFrom(...MODES),
      (x, h, mode) => {
        const u8 = ndarray(Uint8Array.from(x.flat()), [x.length, x[0].length]);
        const got = correlate(u8, h, { border: mode });
        const want = naiveCorrelate(x, h, mode, 0, 'same')
          .flat()
          .map((v) => Math.min(255, Math.max(0, roundHalfEven(v))));
        assert.equal(got.dtype, 'uint8');
        assert.deepEqual(Array.from(got.data), want);
      },
    ),
    RUNS,
  );
});

test('linearity: f(a·x + b·y) = a·f(x) + b·f(y)', () => {
  fc.assert(
    fc.property(
      matrix(8, 8),
      matrix(4, 4),
      small(-3, 3),
      small(-3, 3),
      fc.constantFrom(...MODES),
      fc.constantFrom<OutputShape>('same', 'full'),
      (x, h, a, b, mode, shape) => {
        const y = x.map((r) => r.map((v, j) => v * 0.5 - j));
        const combo = x.map((r, i) => r.map((v, j) => a * v + b * y[i][j]));
        const opts: LinearOptions = { border: mode, shape };
        const lhs = convolve(toArray(combo), h, opts).data;
        const fx = convolve(toArray(x), h, opts).data;
        const fy = convolve(toArray(y), h, opts).data;
        close(
          lhs,
          fx.map((v, i) => a * v + b * fy[i]),
          1e-9,
        );
      },
    ),
    RUNS,
  );
});

test('shift invariance under wrap: filtering a rolled image rolls the result', () => {
  fc.assert(
    fc.property(matrix(8, 8), matrix(4, 4), fc.nat(), fc.nat(), (x, h, sr, sc) => {
      const H = x.length,
        W = x[0].length;
      const roll = (m: number[][]) =>
        m.map((_, i) => m[(i - (sr % H) + H) % H].map((__, j, row) => row[(j - (sc % W) + W) % W]));
      const f = (m: number[][]) => rows(correlate(toArray(m), h, { border: 'wrap' }));
      assert.deepEqual(f(roll(x)), roll(f(x)));
    }),
    RUNS,
  );
});

test('full convolution is commutative and associative', () => {
  fc.assert(
    fc.property(matrix(6, 6), matrix(4, 4), matrix(3, 3), (x, a, b) => {
      close(convolve(toArray(x), a, { shape: 'full' }).data, convolve(toArray(a), x, { shape: 'full' }).data);
      const ab = rows(convolve(toArray(a), b, { shape: 'full' }));
      const left = convolve(convolve(toArray(x), a, { shape: 'full' }), b, { shape: 'full' });
      const right = convolve(toArray(x), ab, { shape: 'full' });
      close(left.data, right.data);
    }),
    RUNS,
  );
});

test('convolve = correlate with the flipped kernel and the mirrored anchor', () => {
  fc.assert(
    fc.property(caseArb, ({ x, h, mode, cval, shape, anchorSeed }) => {
      if (shape === 'valid' && (h.length > x.length || h[0].length > x[0].length)) return;
      const kh = h.length,
        kw = h[0].length;
      const anchor: [number, number] = [anchorSeed[0] % kh, anchorSeed[1] % kw];
      const flipped = flipKernel(toKernel(h));
      const conv = convolve(toArray(x), h, { border: mode, cval, shape, anchor });
      const corr = correlate(toArray(x), flipped, {
        border: mode,
        cval,
        shape,
        anchor: [kh - 1 - anchor[0], kw - 1 - anchor[1]],
      });
      assert.deepEqual(Array.from(conv.data), Array.from(corr.data));
    }),
    RUNS,
  );
});

test('a kernel that is 1 at its anchor is the identity, for both operations, every border and dtype', () => {
  fc.assert(
    fc.property(
      matrix(6, 6, fc.integer({ min: 0, max: 255 })),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.nat(),
      fc.nat(),
      fc.constantFrom(...MODES),
      fc.constantFrom('uint8', 'uint16', 'float32', 'float64'),
      (x, kh, kw, ar, ac, mode, dtype) => {
        const anchor: [number, number] = [ar % kh, ac % kw];
        const h = Array.from({ length: kh }, (_, i) =>
          Array.from({ length: kw }, (_, j) => (i === anchor[0] && j === anchor[1] ? 1 : 0)),
        );
        const Ctor = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array }[
          dtype
        ];
        const img = ndarray(Ctor.from(x.flat()), [x.length, x[0].length]);
        assert.deepEqual(correlate(img, h, { border: mode, anchor }).data, img.data);
        assert.deepEqual(convolve(img, h, { border: mode, anchor }).data, img.data);
      },
    ),
    RUNS,
  );
});

test('1-D filtering equals 2-D filtering of a one-row image', () => {
  fc.assert(
    fc.property(
      fc.array(small(), { minLength: 1, maxLength: 20 }),
      fc.array(small(), { minLength: 1, maxLength: 7 }),
      fc.constantFrom(...MODES),
      fc.constantFrom<OutputShape>('same', 'full', 'valid'),
      (x, h, mode, shape) => {
        if (shape === 'valid' && h.length > x.length) return;
        const one = convolve(ndarray(Float64Array.from(x), [x.length]), h, { border: mode, shape });
        const two = convolve(ndarray(Float64Array.from(x), [1, x.length]), [h], { border: mode, shape });
        assert.deepEqual(one.shape, [two.shape[1]]);
        assert.deepEqual(one.data, two.data);
      },
    ),
    RUNS,
  );
});

test('channels are filtered independently', () => {
  fc.assert(
    fc.property(matrix(5, 5), matrix(5, 5), matrix(3, 3), fc.constantFrom(...MODES), (a, b, h, mode) => {
      fc.pre(a.length === b.length && a[0].length === b[0].length);
      const H = a.length,
        W = a[0].length;
      const inter = new Float64Array(H * W * 2);
      for (let p = 0; p < H * W; p++)
        [inter[2 * p], inter[2 * p + 1]] = [a[Math.floor(p / W)][p % W], b[Math.floor(p / W)][p % W]];
      const both = correlate(ndarray(inter, [H, W, 2]), h, { border: mode }).data;
      const fa = correlate(toArray(a), h, { border: mode }).data;
      const fb = correlate(toArray(b), h, { border: mode }).data;
      for (let p = 0; p < H * W; p++) assert.deepEqual([both[2 * p], both[2 * p + 1]], [fa[p], fb[p]]);
    }),
    { numRuns: 50 },
  );
});
