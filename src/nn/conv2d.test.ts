// conv2d by hand on tiny arrays, PyTorch's padding rules, and every bad-input message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray, zeros } from '../core/ndarray.js';
import { ShapeError } from '../core/errors.js';
import { conv2d, conv2dBackward, convTranspose2d, planConv } from './conv2d.js';
import { conv2dGeometry } from './geometry.js';
import { type Gemm, gemmReference, setGemm } from './gemm.js';

const f64 = (values: number[], shape: number[]) => ndarray(Float64Array.from(values), shape);
const x3 = f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);

test('conv2d is a cross-correlation: w = [[1, 0], [0, -1]] gives x[p, q] − x[p+1, q+1]', () => {
  const w = f64([1, 0, 0, -1], [1, 1, 2, 2]);
  for (const method of ['gemm', 'direct'] as const) {
    const y = conv2d(x3, w, null, { method });
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    assert.deepEqual(Array.from(y.data), [-4, -4, -4, -4]);
  }
});

test("padding 'same' with an even kernel pads one more at the bottom/right (PyTorch's rule)", () => {
  const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 2, 4], { padding: 'same' });
  assert.deepEqual([g.pt, g.pb, g.pl, g.pr], [0, 1, 1, 2]);
  assert.deepEqual([g.oh, g.ow], [3, 3]);
  const d = conv2dGeometry([1, 1, 9, 9], [1, 1, 3, 3], { padding: 'same', dilation: [2, 3] });
  assert.deepEqual([d.pt, d.pb, d.pl, d.pr, d.oh, d.ow], [2, 2, 3, 3, 9, 9]);
  const y = conv2d(x3, f64([1, 0, 0, -1], [1, 1, 2, 2]), null, { padding: 'same' });
  // Last row/column read the zero padding below/right: x[p, q] − 0.
  assert.deepEqual(Array.from(y.data), [-4, -4, 3, -4, -4, 6, 7, 8, 9]);
});

test('padding [top, bottom, left, right] and bias', () => {
  const y = conv2d(x3, f64([1], [1, 1, 1, 1]), f64([10], [1]), { padding: [1, 0, 0, 2] });
  assert.deepEqual(y.shape, [1, 1, 4, 5]);
  assert.deepEqual(Array.from(y.data.slice(0, 5)), [10, 10, 10, 10, 10]);
  assert.deepEqual(Array.from(y.data.slice(5, 10)), [11, 12, 13, 10, 10]);
});

test('groups: depthwise conv2d filters each channel with its own kernel', () => {
  const x = f64([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
  const w = f64([1, 2], [2, 1, 1, 1]);
  const y = conv2d(x, w, null, { groups: 2 });
  assert.deepEqual(Array.from(y.data), [1, 2, 3, 4, 20, 40, 60, 80]);
  assert.equal(planConv(conv2dGeometry(x.shape, w.shape, { groups: 2 })).method, 'direct');
});

test('a plan whose im2col matrix would exceed 2^27 elements falls back to the direct loops', () => {
  const g = conv2dGeometry([1, 64, 700, 700], [1, 64, 7, 7], { padding: 3 });
  assert.equal(planConv(g).method, 'direct');
  assert.match(planConv(g).reason, /im2col matrix would hold 1536640000 elements/);
  assert.throws(
    () => planConv(g, 'gemm'),
    /Expected direct or auto when the im2col matrix would hold more than 134217728 elements for method, got "gemm" \(3136×490000 here\)/,
  );
  assert.equal(planConv(conv2dGeometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 })).method, 'winograd');
  assert.equal(planConv(conv2dGeometry([1, 64, 56, 56], [64, 64, 3, 3], { stride: 2 })).method, 'gemm');
});

test('conv_transpose2d scatters the kernel: [1, 2] with [1, 10] gives [1, 12, 20]; stride 2 spreads it', () => {
  const x = f64([1, 2], [1, 1, 1, 2]);
  const w = f64([1, 10], [1, 1, 1, 2]);
  assert.deepEqual(Array.from(convTranspose2d(x, w).data), [1, 12, 20]);
  assert.deepEqual(Array.from(convTranspose2d(x, w, null, { stride: 2 }).data), [1, 10, 2, 20]);
  assert.deepEqual(
    Array.from(convTranspose2d(x, w, null, { stride: 2, outputPadding: [0, 1] }).data),
    [1, 10, 2, 20, 0],
  );
  assert.deepEqual(Array.from(convTranspose2d(x, w, f64([5], [1]), { padding: [0, 1] }).data), [17]);
});

test('float32 in, float32 out; NaN propagates to the outputs it touches', () => {
  const x = ndarray(Float32Array.from([1, NaN, 3, 4]), [1, 1, 1, 4]);
  const w = ndarray(Float32Array.from([1, 1]), [1, 1, 1, 2]);
  const y = conv2d(x, w);
  assert.equal(y.dtype, 'float32');
  assert.ok(Number.isNaN(y.data[0]) && Number.isNaN(y.data[1]));
  assert.equal(y.data[2], 7);
});

test('setGemm swaps the matrix product the gemm plan uses, and restores it', () => {
  let calls = 0;
  const counting: Gemm = (...args) => {
    calls++;
    gemmReference(...args);
  };
  const prev = setGemm(counting);
  try {
    const y = conv2d(x3, f64([1, 0, 0, -1], [1, 1, 2, 2]), null, { method: 'gemm' });
    assert.deepEqual(Array.from(y.data), [-4, -4, -4, -4]);
    assert.equal(calls, 1);
  } finally {
    setGemm(prev);
  }
});

test('conv2dBackward computes only the gradients asked for', () => {
  const w = f64([1, 0, 0, -1], [1, 1, 2, 2]);
  const g = conv2dBackward(x3, w, f64([1, 1, 1, 1], [1, 1, 2, 2]), { gradInput: false, gradBias: false });
  assert.equal(g.gradInput, undefined);
  assert.equal(g.gradBias, undefined);
  // gw[i, j] = Σ_p Σ_q x[p + i, q + j]: a valid correlation of x with the all-ones gy.
  assert.deepEqual(Array.from(g.gradWeight!.data), [12, 16, 24, 28]);
});

const throwsShape = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ShapeError && message.test(e.message));

test('bad input: one clear message naming both shapes', () => {
  const w = zeros([4, 2, 3, 3]);
  throwsShape(
    () => conv2d(zeros([1, 3, 8, 8]), w),
    /^conv2d: input channels \(3\) must equal weight in-channels × groups \(2 × 1 = 2\); input \[1, 3, 8, 8\], weight \[4, 2, 3, 3\]$/,
  );
  throwsShape(
    () => conv2d(zeros([3, 8, 8]), w),
    /^conv2d: input must be a 4-D N×C×H×W array, got shape \[3, 8, 8\] \(3-D\)$/,
  );
  throwsShape(
    () => conv2d(zeros([1, 2, 8, 8]), zeros([3, 3])),
    /^conv2d: weight must be a 4-D O×I×kh×kw array, got shape \[3, 3\]/,
  );
  throwsShape(
    () => conv2d(zeros([1, 4, 8, 8]), zeros([5, 2, 3, 3]), null, { groups: 2 }),
    /weight out-channels \(5\) must be a multiple of groups \(2\)/,
  );
  throwsShape(
    () => conv2d(zeros([1, 2, 2, 8]), zeros([1, 2, 5, 3])),
    /^conv2d: the output would be -2×6: the dilated 5×3 kernel spans 5×3 but the padded input is only 2×8; input \[1, 2, 2, 8\], weight \[1, 2, 5, 3\], padding \[0, 0, 0, 0\]$/,
  );
  throwsShape(
    () => conv2d(zeros([1, 2, 8, 8]), w, zeros([3])),
    /bias has 3 values but there are 4 output channels/,
  );
  throwsShape(
    () => conv2dBackward(zeros([1, 2, 8, 8]), w, zeros([1, 4, 8, 8])),
    /^conv2d backward: grad_output has shape \[1, 4, 8, 8\] but conv2d of input \[1, 2, 8, 8\] and weight \[4, 2, 3, 3\] gives \[1, 4, 6, 6\]$/,
  );
  throwsShape(
    () => convTranspose2d(zeros([1, 3, 4, 4]), w),
    /^conv_transpose2d: input channels \(3\) must equal the weight's first dimension \(4\)/,
  );
});

test('bad options: the option, the value and what is allowed', () => {
  const x = zeros([1, 1, 5, 5]);
  const w = zeros([1, 1, 3, 3]);
  assert.throws(() => conv2d(x, w, null, { padding: 'same', stride: 2 }), {
    name: 'InvalidArgumentError',
    message: `Expected numbers or 'valid' when stride > 1 ('same' needs stride 1, as in PyTorch) for padding, got "same" (stride 2,2)`,
  });
  assert.throws(
    () => conv2d(x, w, null, { stride: 0 }),
    /Expected an integer ≥ 1 or a pair \[h, w\] of them for stride, got 0 \(number\)/,
  );
  assert.throws(() => conv2d(x, w, null, { padding: [1, 2, 3] as never }), /for padding, got \[1, 2, 3\]/);
  assert.throws(() => conv2d(x, w, null, { dilation: [1, 1.5] }), /for dilation, got \[1, 1.5\]/);
  assert.throws(() => conv2d(x, w, null, { groups: 0 }), /Expected an integer ≥ 1 for groups, got 0/);
  assert.throws(
    () => conv2d(x, w, null, { method: 'fft' as never }),
    /Expected auto, gemm, winograd, direct for method, got "fft"/,
  );
  assert.throws(
    () => conv2d(ndarray(new Uint8Array(25), [1, 1, 5, 5]), w),
    /Expected a float32 or float64 array for input, got "a uint8 array"/,
  );
  assert.throws(
    () => convTranspose2d(x, w, null, { stride: 2, outputPadding: 2 }),
    /Expected values smaller than the stride or the dilation \(stride 2,2, dilation 1,1\) for outputPadding, got \[2, 2\]/,
  );
});

test('inputs are never modified', () => {
  const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  const w = f64([1, 2, 3, 4], [1, 1, 2, 2]);
  const gy = f64([1, 2, 3, 4], [1, 1, 2, 2]);
  const before = [x, w, gy].map((a) => Array.from(a.data));
  conv2d(x, w);
  conv2dBackward(x, w, gy);
  convTranspose2d(gy, w);
  assert.deepEqual(
    [x, w, gy].map((a) => Array.from(a.data)),
    before,
  );
});

test('docs/nn.md worked example: grad_input = full convolution of gy with w, grad_weight = valid correlation of x with gy', () => {
  const w = f64([1, 2, 3, 4], [1, 1, 2, 2]);
  const gy = f64([1, -1, 2, 0], [1, 1, 2, 2]);
  assert.deepEqual(Array.from(conv2d(x3, w).data), [37, 47, 67, 77]);
  const g = conv2dBackward(x3, w, gy);
  assert.deepEqual(Array.from(g.gradInput!.data), [1, 1, -2, 5, 5, -4, 6, 8, 0]);
  assert.deepEqual(Array.from(g.gradWeight!.data), [7, 9, 13, 15]);
  assert.deepEqual(Array.from(g.gradBias!.data), [2]);
});

test('NaN and ±Infinity: every plan gives what PyTorch 1.13 gives (padding is explicit zeros)', () => {
  const ones = (shape: number[]) => f64(new Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
  const show = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? 'nan' : String(v)));
  // torch.nn.functional.conv2d(ones(1,1,3,3), w with w[0,0,0,0] = inf, padding=1)
  const wInf = ones([1, 1, 3, 3]);
  wInf.data[0] = Infinity;
  // torch.nn.functional.conv2d(x = ones(1,1,4,4) with x[0,0,0,0] = inf, ones(1,1,3,3), padding=1)
  const xInf = ones([1, 1, 4, 4]);
  xInf.data[0] = Infinity;
  const wantW = 'nan nan nan nan Infinity Infinity nan Infinity Infinity';
  const wantX = 'Infinity Infinity 6 4 Infinity Infinity 9 6 6 9 9 6 4 6 6 4';
  for (const method of ['gemm', 'winograd', 'direct'] as const) {
    assert.equal(show(conv2d(ones([1, 1, 3, 3]), wInf, null, { padding: 1, method }).data).join(' '), wantW);
    assert.equal(show(conv2d(xInf, ones([1, 1, 3, 3]), null, { padding: 1, method }).data).join(' '), wantX);
  }
});
