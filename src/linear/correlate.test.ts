import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import { convolve, correlate } from './correlate.js';
import { referenceRowLoop, rowLoopFor } from './direct.js';
import { runLinear, linearSpec } from './correlate.js';
import { rng } from '../../test/helpers.js';

test('doc examples: correlate does not flip, convolve does', () => {
  const x = ndarray(Float64Array.from([1, 2, 3, 4]), [4]);
  assert.deepEqual(Array.from(correlate(x, [1, 0, -1]).data), [-2, -2, -2, 3]);
  assert.deepEqual(Array.from(convolve(x, [1, 0, -1]).data), [2, 2, 2, -3]);
  assert.deepEqual(Array.from(convolve(x, [1, 1], { shape: 'full' }).data), [1, 3, 5, 7, 4]);
});

test('an impulse returns the kernel, flipped by correlation and as written by convolution', () => {
  const x = ndarray(Float64Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), [3, 3]);
  const h = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ];
  assert.deepEqual(Array.from(convolve(x, h).data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(correlate(x, h).data), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
});

test('even kernel default anchor is the lower-right of the centre four (as OpenCV and SciPy)', () => {
  const x = ndarray(Float64Array.from([1, 2, 3, 4, 5]), [5]);
  // anchor 1 of [a, b]: y[n] = a·x[n−1] + b·x[n]
  assert.deepEqual(Array.from(correlate(x, [10, 1]).data), [1, 12, 23, 34, 45]);
});

test('NaN and Infinity propagate to every output under a non-zero tap, and nowhere else', () => {
  const data = new Float32Array(25).fill(1);
  data[12] = NaN;
  data[0] = Infinity;
  const y = correlate(
    ndarray(data, [5, 5]),
    [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ],
    { border: 'replicate' },
  ).data;
  for (let r = 0; r < 5; r++) {
    for (let c = 0; c < 5; c++) {
      const v = y[r * 5 + c];
      if (Math.abs(r - 2) <= 1 && Math.abs(c - 2) <= 1)
        assert.ok(Number.isNaN(v), `(${r},${c}) should be NaN`);
      else if (r <= 1 && c <= 1) assert.equal(v, Infinity);
      else assert.ok(Number.isFinite(v), `(${r},${c}) should be finite, got ${v}`);
    }
  }
});

test('integer output of a NaN result is an error, not a silent value', () => {
  const data = Float64Array.from([1, NaN, 1]);
  assert.throws(() => correlate(ndarray(data, [3]), [1, 1, 1], { dtype: 'uint8' }), /float dtype/);
});

test('rounding option: half-even, half-away, truncate', () => {
  const x = ndarray(Uint8Array.from([5, 0, 0]), [3]);
  // y[0] = 0.5·5 = 2.5 (kernel anchor 0, weight 0.5 on x[n])
  const y = (rounding: 'half-even' | 'half-away' | 'truncate') =>
    correlate(x, [0.5, 0.5], { anchor: [0, 0], rounding }).data[0];
  assert.equal(y('half-even'), 2);
  assert.equal(y('half-away'), 3);
  assert.equal(y('truncate'), 2);
});

test('RGBA: transparent pixels do not bleed colour unless alpha is "separate"', () => {
  // 1×3 RGBA: opaque white, transparent red, opaque white.
  const px = [255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255];
  const img = ndarray(Uint8Array.from(px), [1, 3, 4], { alpha: true });
  const box = [[1 / 3, 1 / 3, 1 / 3]];
  const pre = correlate(img, box, { border: 'replicate' });
  assert.deepEqual(Array.from(pre.data.subarray(4, 8)), [255, 255, 255, 170]);
  assert.equal(pre.alpha, true);
  const raw = correlate(img, box, { border: 'replicate', alpha: 'separate' });
  assert.deepEqual(Array.from(raw.data.subarray(4, 8)), [255, 170, 170, 170]);
});

test('generated row loops equal the per-tap reference loop bit for bit', () => {
  const r = rng(7);
  for (let trial = 0; trial < 30; trial++) {
    const kh = 1 + Math.floor(r() * 7);
    const kw = 1 + Math.floor(r() * 7);
    const k = Array.from({ length: kh }, () =>
      Array.from({ length: kw }, () => (r() < 0.2 ? 0 : r() * 4 - 2)),
    );
    const w = 1 + Math.floor(r() * 40);
    const h = 1 + Math.floor(r() * 20);
    const x = ndarray(
      Float32Array.from({ length: h * w }, () => r() * 100),
      [h, w],
    );
    const spec = linearSpec(x, k, { border: 'mirror' }, false);
    assert.deepEqual(
      runLinear(x, spec, rowLoopFor(spec.kernel)).data,
      runLinear(x, spec, referenceRowLoop(spec.kernel)).data,
    );
  }
});

test('bad options name the option, the value and what is allowed', () => {
  const x = ndarray(new Float64Array(9), [3, 3]);
  assert.throws(
    () =>
      correlate(
        x,
        [
          [1, 2],
          [3, 4],
        ],
        { anchor: [2, 0] },
      ),
    /Expected \[row, col\] with 0 ≤ row < 2 .* for anchor, got \[2, 0\]/,
  );
  assert.throws(() => correlate(x, [[1, 2, 3, 4]], { shape: 'valid' }), /larger than the 3×3 input/);
  assert.throws(() => correlate(x, [[1, NaN]]), /Expected finite numbers for kernel, got NaN/);
  assert.throws(() => correlate(x, []), /non-empty kernel/);
  assert.throws(() => correlate(x, [[1], [2, 3]]), /rows of equal length/);
  assert.throws(
    () => correlate(x, [1], { shape: 'middle' as 'same' }),
    /Expected same, full, valid for shape, got "middle"/,
  );
  assert.throws(() => correlate(x, [1], { dtype: 'int8' as 'uint8' }), /for dtype, got "int8"/);
  assert.throws(
    () => correlate(ndarray(new Float64Array(3), [3]), [[1], [1]]),
    /1-D kernel .* for a 1-D signal/,
  );
});

test('the input is never modified', () => {
  const data = Float64Array.from([1, 2, 3, 4]);
  const copy = Float64Array.from(data);
  convolve(
    ndarray(data, [2, 2]),
    [
      [1, 2],
      [3, 4],
    ],
    { border: 'wrap', shape: 'full' },
  );
  assert.deepEqual(data, copy);
});
