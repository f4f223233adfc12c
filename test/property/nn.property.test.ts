// Property tests of convkit/nn over random geometries (stride, padding, dilation, groups):
// the gemm plan equals the direct plan, gradients equal finite differences, the transposed
// convolution is the adjoint of conv2d, and the seeds' claims about the flip hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convolve, correlate, ndarray, type NDArray } from '../../src/index.js';
import { conv2d, conv2dBackward, convTranspose2d } from '../../src/nn/index.js';
import { conv2dGeometry } from '../../src/nn/geometry.js';
import { gemmBlocked, gemmReference } from '../../src/nn/gemm.js';
import { rng } from '../helpers.js';

const RUNS = { numRuns: 60 };

interface Config {
  n: number;
  groups: number;
  cg: number;
  og: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  seed: number;
}

/** Random geometries whose output is non-empty. */
const configArb: fc.Arbitrary<Config> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 3 }),
    og: fc.integer({ min: 1, max: 5 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .filter(
    (c) =>
      c.h + 2 * c.padding[0] >= c.dilation[0] * (c.kh - 1) + 1 &&
      c.w + 2 * c.padding[1] >= c.dilation[1] * (c.kw - 1) + 1,
  );

function randomArray(shape: number[], next: () => number, dtype: 'float32' | 'float64' = 'float64'): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = next() * 2 - 1;
  return ndarray(data, shape);
}

function setup(c: Config) {
  const next = rng(c.seed);
  const C = c.cg * c.groups;
  const O = c.og * c.groups;
  const x = randomArray([c.n, C, c.h, c.w], next);
  const w = randomArray([O, c.cg, c.kh, c.kw], next);
  const b = randomArray([O], next);
  const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const g = conv2dGeometry(x.shape, w.shape, options);
  const gy = randomArray([c.n, O, g.oh, g.ow], next);
  return { x, w, b, gy, options, g, next };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function assertClose(got: NDArray, want: NDArray, rel: number, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const tol = rel * Math.max(1, maxAbs(want.data));
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    if (!(d <= tol)) assert.fail(`${what}: index ${i}: ${got.data[i]} vs ${want.data[i]} (tolerance ${tol})`);
  }
}

const dot = (a: NDArray, b: NDArray) => {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
};

test('conv2d: gemm plan = direct plan (forward, grad_input, grad_weight, grad_bias), float64', () => {
  fc.assert(
    fc.property(configArb, (c) => {
      const { x, w, b, gy, options } = setup(c);
      const fast = { ...options, method: 'gemm' as const };
      const slow = { ...options, method: 'direct' as const };
      assertClose(conv2d(x, w, b, fast), conv2d(x, w, b, slow), 1e-12, 'forward');
      const gf = conv2dBackward(x, w, gy, fast);
      const gs = conv2dBackward(x, w, gy, slow);
      assertClose(gf.gradInput!, gs.gradInput!, 1e-12, 'grad_input');
      assertClose(gf.gradWeight!, gs.gradWeight!, 1e-12, 'grad_weight');
      assertClose(gf.gradBias!, gs.gradBias!, 1e-12, 'grad_bias');
    }),
    RUNS,
  );
});

test('conv2d: winograd plan = direct plan for 3×3, stride 1, dilation 1 (any padding, groups)', () => {
  const k3 = fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 2 }),
      cg: fc.integer({ min: 1, max: 9 }),
      og: fc.integer({ min: 1, max: 9 }),
      h: fc.integer({ min: 1, max: 11 }),
      w: fc.integer({ min: 1, max: 11 }),
      padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
      seed: fc.integer({ min: 1, max: 1e9 }),
    })
    .filter((c) => c.h + 2 * c.padding[0] >= 3 && c.w + 2 * c.padding[1] >= 3)
    .map((c): Config => ({ ...c, kh: 3, kw: 3, stride: [1, 1], dilation: [1, 1] }));
  fc.assert(
    fc.property(k3, (c) => {
      const { x, w, b, gy, options } = setup(c);
      const fast = { ...options, method: 'winograd' as const };
      const slow = { ...options, method: 'direct' as const };
      assertClose(conv2d(x, w, b, fast), conv2d(x, w, b, slow), 1e-12, 'forward');
      const gf = conv2dBackward(x, w, gy, fast);
      const gs = conv2dBackward(x, w, gy, slow);
      assertClose(gf.gradInput!, gs.gradInput!, 1e-12, 'grad_input');
      assertClose(gf.gradWeight!, gs.gradWeight!, 1e-12, 'grad_weight');
      const xt = convTranspose2d(gy, w, null, { padding: c.padding, groups: c.groups, method: 'winograd' });
      assertClose(xt, gs.gradInput!, 1e-12, 'conv_transpose2d');
    }),
    RUNS,
  );
});

test('NaN and ±Infinity: every plan gives the same outputs, non-finite in the same places', () => {
  const same = (a: NDArray, b: NDArray, what: string) => {
    for (let i = 0; i < a.data.length; i++) {
      const [u, v] = [a.data[i], b.data[i]];
      const ok = Number.isNaN(u)
        ? Number.isNaN(v)
        : Number.isFinite(u)
          ? Math.abs(u - v) <= 1e-9 * (1 + Math.abs(u))
          : u === v;
      if (!ok) assert.fail(`${what}[${i}]: ${u} vs ${v}`);
    }
  };
  const k3 = configArb.map((c): Config =>
    c.seed % 2 ? { ...c, kh: 3, kw: 3, stride: [1, 1], dilation: [1, 1] } : c,
  );
  fc.assert(
    fc.property(k3, fc.constantFrom(NaN, Infinity, -Infinity), fc.nat(), (c, bad, where) => {
      fc.pre(
        c.h + 2 * c.padding[0] >= c.dilation[0] * (c.kh - 1) + 1 &&
          c.w + 2 * c.padding[1] >= c.dilation[1] * (c.kw - 1) + 1,
      );
      const { x, w, gy, options } = setup(c);
      const target = [x, w, gy][where % 3];
      target.data[(where >> 2) % target.data.length] = bad;
      const [ref, ...others] = (['direct', 'gemm', 'winograd'] as const)
        .filter(
          (m) =>
            m !== 'winograd' ||
            (c.kh === 3 && c.kw === 3 && `${c.stride}` === '1,1' && `${c.dilation}` === '1,1'),
        )
        .map((method) => ({
          y: conv2d(x, w, null, { ...options, method }),
          ...conv2dBackward(x, w, gy, { ...options, method, gradBias: false }),
        }));
      for (const o of others) {
        same(o.y, ref.y, 'forward');
        same(o.gradInput!, ref.gradInput!, 'grad_input');
        same(o.gradWeight!, ref.gradWeight!, 'grad_weight');
      }
    }),
    RUNS,
  );
});

test('conv2d: float32 gemm plan within 1e-5 of the float64 direct plan', () => {
  fc.assert(
    fc.property(configArb, (c) => {
      const { x, w, b, gy, options } = setup(c);
      const f32 = (a: NDArray) => ndarray(Float32Array.from(a.data), a.shape);
      const want = conv2d(f32(x), f32(w), f32(b), { ...options, method: 'direct' });
      const got = conv2d(f32(x), f32(w), f32(b), { ...options, method: 'gemm' });
      assert.equal(got.dtype, 'float32');
      assertClose(got, want, 1e-5, 'forward float32');
      const gf = conv2dBackward(f32(x), f32(w), f32(gy), { ...options, method: 'gemm' });
      const gs = conv2dBackward(f32(x), f32(w), f32(gy), { ...options, method: 'direct' });
      assertClose(gf.gradInput!, gs.gradInput!, 1e-5, 'grad_input float32');
      assertClose(gf.gradWeight!, gs.gradWeight!, 1e-5, 'grad_weight float32');
    }),
    { numRuns: 30 },
  );
});

test('adjoint identity ⟨conv2d(x), y⟩ = ⟨x, conv_transpose2d(y)⟩ on both plans', () => {
  fc.assert(
    fc.property(configArb, fc.constantFrom('gemm' as const, 'direct' as const), (c, method) => {
      const { x, w, gy, options, g } = setup(c);
      // The output padding that makes conv_transpose2d return exactly x's size.
      const outputPadding: [number, number] = [
        (c.h + 2 * c.padding[0] - c.dilation[0] * (c.kh - 1) - 1) % c.stride[0],
        (c.w + 2 * c.padding[1] - c.dilation[1] * (c.kw - 1) - 1) % c.stride[1],
      ];
      const y = conv2d(x, w, null, { ...options, method });
      const xt = convTranspose2d(gy, w, null, { ...options, outputPadding, method });
      assert.deepEqual(xt.shape, x.shape);
      const lhs = dot(y, gy);
      const rhs = dot(x, xt);
      assert.ok(
        Math.abs(lhs - rhs) <= 1e-10 * Math.max(1, Math.abs(lhs)),
        `${lhs} vs ${rhs} for ${JSON.stringify(g)}`,
      );
      // conv2d's input gradient is the same transposed convolution.
      assertClose(
        conv2dBackward(x, w, gy, { ...options, method }).gradInput!,
        xt,
        1e-12,
        'grad_input = convT',
      );
    }),
    RUNS,
  );
});

test('gradients equal central finite differences of L = ½·Σ (conv2d(x, w, b) − t)²', () => {
  fc.assert(
    fc.property(configArb, (c) => {
      const { x, w, b, options, next } = setup(c);
      const target = randomArray(conv2d(x, w, b, options).shape as number[], next);
      const loss = (xx: NDArray, ww: NDArray, bb: NDArray) => {
        const y = conv2d(xx, ww, bb, options);
        let s = 0;
        for (let i = 0; i < y.data.length; i++) s += 0.5 * (y.data[i] - target.data[i]) ** 2;
        return s;
      };
      const y = conv2d(x, w, b, options);
      const gy = ndarray(
        Float64Array.from(y.data, (v, i) => v - target.data[i]),
        y.shape,
      );
      const grads = conv2dBackward(x, w, gy, options);
      const eps = 1e-5;
      const check = (which: 0 | 1 | 2, grad: NDArray) => {
        const arrays = [x, w, b];
        const a = arrays[which];
        for (let t = 0; t < 4; t++) {
          const k = Math.floor(next() * a.data.length);
          const bump = (delta: number) => {
            const copy = ndarray(Float64Array.from(a.data), a.shape);
            copy.data[k] += delta;
            const args = arrays.map((v, i) => (i === which ? copy : v));
            return loss(args[0], args[1], args[2]);
          };
          const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
          const analytic = grad.data[k];
          assert.ok(
            Math.abs(numeric - analytic) <= 1e-6 * Math.max(1, Math.abs(analytic)),
            `${['x', 'w', 'b'][which]}[${k}]: finite difference ${numeric} vs gradient ${analytic}`,
          );
        }
      };
      check(0, grads.gradInput!);
      check(1, grads.gradWeight!);
      check(2, grads.gradBias!);
    }),
    { numRuns: 40 },
  );
});

/** Plane (n, c) of a 4-D array as an H×W image. */
function plane(a: NDArray, n: number, c: number): NDArray {
  const [, C, H, W] = a.shape;
  const start = (n * C + c) * H * W;
  return ndarray(Float64Array.from(a.data.subarray(start, start + H * W)), [H, W]);
}

const smallPlane = fc.record({
  h: fc.integer({ min: 1, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  kh: fc.integer({ min: 1, max: 5 }),
  kw: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

test("conv2d with N=C=O=1 is convkit's 2-D correlate (valid; same with PyTorch's anchor)", () => {
  fc.assert(
    fc.property(smallPlane, ({ h, w, kh, kw, seed }) => {
      const next = rng(seed);
      const x = randomArray([1, 1, h, w], next);
      const k = randomArray([1, 1, kh, kw], next);
      const kernel = plane(k, 0, 0);
      // 'same' pads (k−1)//2 before: the anchor is ((kh−1)//2, (kw−1)//2), which differs from
      // correlate's default (kh//2, kw//2) for even kernels.
      const same = conv2d(x, k, null, { padding: 'same' });
      const ref = correlate(plane(x, 0, 0), kernel, { anchor: [(kh - 1) >> 1, (kw - 1) >> 1] });
      assertClose(plane(same, 0, 0), ref, 1e-12, 'same');
      if (kh <= h && kw <= w) {
        const valid = conv2d(x, k, null, { padding: 'valid' });
        assertClose(
          plane(valid, 0, 0),
          correlate(plane(x, 0, 0), kernel, { shape: 'valid' }),
          1e-12,
          'valid',
        );
      }
    }),
    RUNS,
  );
});

test("the seeds' point: for stride 1, grad_input is the FULL CONVOLUTION of grad_output with the weights (cropped by the padding), and grad_weight the VALID CORRELATION of the input with grad_output", () => {
  fc.assert(
    fc.property(
      smallPlane,
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 2 }),
      ({ h, w, kh, kw, seed }, C, O, pad) => {
        fc.pre(h + 2 * pad >= kh && w + 2 * pad >= kw);
        const next = rng(seed);
        const x = randomArray([1, C, h, w], next);
        const wt = randomArray([O, C, kh, kw], next);
        const y = conv2d(x, wt, null, { padding: pad });
        const gy = randomArray(y.shape as number[], next);
        const { gradInput, gradWeight } = conv2dBackward(x, wt, gy, { padding: pad });
        for (let c = 0; c < C; c++) {
          // Σ_o convolve(gy[o], w[o, c], full), then drop `pad` rows/columns on every side.
          const H = h + 2 * pad;
          const W = w + 2 * pad;
          const acc = new Float64Array(H * W);
          for (let o = 0; o < O; o++) {
            const full = convolve(plane(gy, 0, o), plane(wt, o, c), { shape: 'full' });
            assert.deepEqual(full.shape, [H, W]);
            for (let i = 0; i < acc.length; i++) acc[i] += full.data[i];
          }
          const cropped = new Float64Array(h * w);
          for (let r = 0; r < h; r++)
            for (let s = 0; s < w; s++) cropped[r * w + s] = acc[(r + pad) * W + s + pad];
          assertClose(
            plane(gradInput!, 0, c),
            ndarray(cropped, [h, w]),
            1e-12,
            'grad_input = full convolution',
          );
          // grad_weight[o, c] = correlate(x[c] zero-padded, gy[o], valid): no flip.
          const padded = new Float64Array(H * W);
          const xc = plane(x, 0, c);
          for (let r = 0; r < h; r++)
            for (let s = 0; s < w; s++) padded[(r + pad) * W + s + pad] = xc.data[r * w + s];
          for (let o = 0; o < O; o++) {
            const corr = correlate(ndarray(padded, [H, W]), plane(gy, 0, o), { shape: 'valid' });
            assertClose(plane(gradWeight!, o, c), corr, 1e-12, 'grad_weight = valid correlation');
          }
        }
      },
    ),
    RUNS,
  );
});

test('gemmBlocked = gemmReference for every transpose, odd sizes and accumulation', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 1, max: 21 }),
      fc.integer({ min: 0, max: 300 }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 1, max: 1e9 }),
      (m, n, k, ta, tb, accumulate, seed) => {
        const next = rng(seed);
        const pad = 3; // leading dimensions larger than the matrix, and non-zero offsets
        const lda = (ta ? m : k) + pad;
        const ldb = (tb ? k : n) + pad;
        const ldc = n + pad;
        const a = Float64Array.from({ length: 2 + (ta ? k : m) * lda }, () => next() - 0.5);
        const b = Float64Array.from({ length: 1 + (tb ? n : k) * ldb }, () => next() - 0.5);
        const c0 = Float64Array.from({ length: 5 + m * ldc }, () => next() - 0.5);
        const want = Float64Array.from(c0);
        const got = Float64Array.from(c0);
        gemmReference(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, want, 5, ldc, accumulate);
        gemmBlocked(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, got, 5, ldc, accumulate);
        for (let i = 0; i < want.length; i++)
          assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * (1 + k), `at ${i}`);
      },
    ),
    RUNS,
  );
});
