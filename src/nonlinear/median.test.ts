import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import { chooseMedianMethod, medianFilter } from './median.js';
import { disableSimd, simdStatus } from '../engine/simd.js';
import { selectRank } from './median-select.js';

test('median doc example: 1-D signal, window 3, replicate', () => {
  const x = ndarray(Uint8Array.from([1, 9, 2, 8, 3]), [5]);
  assert.deepEqual([...medianFilter(x, 3).data], [1, 2, 8, 3, 3]);
});

test('median removes salt-and-pepper noise from a flat image', () => {
  const data = new Uint8Array(20 * 20).fill(100);
  for (const i of [3, 47, 150, 222, 399, 201]) data[i] = i % 2 ? 255 : 0;
  const y = medianFilter(ndarray(data, [20, 20]), 3);
  assert.ok(y.data.every((v) => v === 100));
});

test('median of an even window takes the upper middle element at anchor (h/2, w/2)', () => {
  // one row [0 1 2 3 4 5], window 2×1: values at (n−1, n) → upper of the two = max
  const x = ndarray(Float64Array.from([0, 1, 2, 3, 4, 5]), [1, 6]);
  assert.deepEqual([...medianFilter(x, [2, 1], { border: 'replicate' }).data], [0, 1, 2, 3, 4, 5]);
  // window 4×1 at n: values n−2 … n+1 sorted, rank 2 → n (the upper middle of n−1, n)
  assert.deepEqual([...medianFilter(x, [4, 1], { border: 'replicate' }).data], [0, 1, 2, 3, 4, 5]);
  const y = ndarray(Float64Array.from([5, 0, 4, 1, 3, 2]), [1, 6]);
  // n = 2: window 5 0 4 1 → sorted 0 1 4 5 → rank 2 = 4
  assert.equal(medianFilter(y, [4, 1], { border: 'replicate' }).data[2], 4);
});

test('median: NaN in a window makes that output NaN, other outputs are exact', () => {
  const data = Float64Array.from({ length: 49 }, (_, i) => (i * 37) % 11);
  data[24] = NaN; // centre of 7×7
  const y = medianFilter(ndarray(data, [7, 7]), 3);
  for (let r = 0; r < 7; r++) {
    for (let c = 0; c < 7; c++) {
      const near = Math.abs(r - 3) <= 1 && Math.abs(c - 3) <= 1;
      assert.equal(Number.isNaN(y.data[r * 7 + c]), near, `${r},${c}`);
    }
  }
  // ±Infinity are ordinary values for a median
  const inf = medianFilter(ndarray(Float64Array.from([1, Infinity, 2, -Infinity, 3]), [5]), 3);
  assert.deepEqual([...inf.data], [1, 2, 2, 2, 3]);
});

test('median keeps the alpha flag and filters every channel on its own', () => {
  const x = ndarray(
    Uint8Array.from({ length: 5 * 5 * 4 }, (_, i) => (i * 53) % 256),
    [5, 5, 4],
    { alpha: true },
  );
  const y = medianFilter(x, 3);
  assert.equal(y.alpha, true);
  for (let ch = 0; ch < 4; ch++) {
    const plane = ndarray(
      Uint8Array.from({ length: 25 }, (_, p) => x.data[p * 4 + ch]),
      [5, 5],
    );
    const want = medianFilter(plane, 3).data;
    for (let p = 0; p < 25; p++) assert.equal(y.data[p * 4 + ch], want[p]);
  }
});

test('median reports progress up to 1', () => {
  const seen: number[] = [];
  medianFilter(ndarray(new Uint8Array(40 * 30), [40, 30, 1]), 9, { onProgress: (f) => seen.push(f) });
  assert.ok(seen.length > 1);
  assert.equal(seen[seen.length - 1], 1);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
});

test('median method choice: networks for 3×3/5×5, histograms for larger uint8 (SIMD where it runs), select otherwise', () => {
  assert.equal(chooseMedianMethod('uint8', 3, 3), simdStatus().available ? 'simd' : 'network');
  assert.equal(chooseMedianMethod('uint8', 5, 5), simdStatus().available ? 'simd' : 'network');
  assert.equal(chooseMedianMethod('uint16', 3, 3), 'network');
  assert.equal(chooseMedianMethod('float32', 5, 5), 'network');
  assert.equal(chooseMedianMethod('uint8', 45, 45), simdStatus().available ? 'simd' : 'histogram');
  assert.equal(chooseMedianMethod('uint8', 3, 1), 'select');
  assert.equal(chooseMedianMethod('uint16', 7, 7), 'select');
});

test('selectRank returns the k-th smallest for every k', () => {
  for (const n of [1, 2, 5, 17, 40, 101]) {
    const vals = Array.from({ length: n }, (_, i) => ((i * 7919) % 23) - 11);
    const sorted = [...vals].sort((a, b) => a - b);
    for (let k = 0; k < n; k++) assert.equal(selectRank(Float64Array.from(vals), n, k), sorted[k]);
  }
});

test('median input errors name the option, the value and what is allowed', () => {
  const x = ndarray(new Uint8Array(16), [4, 4]);
  assert.throws(() => medianFilter(x, 0), /for ksize, got 0/);
  assert.throws(() => medianFilter(x, 2.5), /for ksize, got 2.5/);
  assert.throws(() => medianFilter(x, [3, 0]), /for ksize, got \[3, 0\]/);
  assert.throws(() => medianFilter(x, [1, 2, 3] as unknown as [number, number]), /for ksize/);
  assert.throws(() => medianFilter(x, 1 << 13), /the window would exceed memory/);
  assert.throws(() => medianFilter(x, 3, { border: 'nope' }), /for border, got "nope"/);
  assert.throws(
    () => medianFilter(x, 3, { border: 'constant', cval: 1.5 }),
    /0 to 255 for a uint8 image for cval/,
  );
  assert.throws(
    () => medianFilter(x, 7, { method: 'network' }),
    /Expected auto, simd, histogram, select for a 7×7 uint8 window .* for method, got "network"/,
  );
  assert.throws(
    () => medianFilter(ndarray(new Uint16Array(16), [4, 4]), 3, { method: 'simd' }),
    /Expected auto, network, select for a 3×3 uint16 window .* for method, got "simd"/,
  );
  assert.throws(
    () => medianFilter(ndarray(new Float32Array(16), [4, 4]), 9, { method: 'histogram' }),
    /Expected auto, select for a 9×9 float32 window .* for method, got "histogram"/,
  );
  assert.throws(() => medianFilter(x, 3, { onProgress: 5 as unknown as () => void }), /for onProgress/);
  assert.throws(() => medianFilter(x, 3, { method: 'select', threads: 0 }), /1 to 64 for threads, got 0/);
  assert.throws(() => medianFilter(x, 45, { threads: 1.5 }), /1 to 64 for threads, got 1.5/);
  assert.throws(() => medianFilter({ data: [1, 2], shape: [2] } as never, 3), /input/);
});

test('median never modifies its input', () => {
  const data = Float32Array.from([3, NaN, 1, 2, 9, 4]);
  const copy = Float32Array.from(data);
  medianFilter(ndarray(data, [2, 3]), 3);
  assert.deepEqual([...data], [...copy]);
});

test('median histogram equals selection on wide images (stale, moved and rebuilt fine bins)', () => {
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
  for (const [h, w, kw, kh] of [
    [4, 300, 31, 3],
    [9, 120, 7, 9],
    [3, 90, 45, 1],
    [12, 64, 4, 16],
  ]) {
    // a mix of smooth runs and noise moves the median across coarse bins often
    const data = Uint8Array.from({ length: h * w }, (_, i) => ((i % w) * 3 + (rand() & 63)) & 255);
    const x = ndarray(data, [h, w]);
    for (const border of ['replicate', 'wrap', 'constant'])
      assert.deepEqual(
        [...medianFilter(x, [kw, kh], { method: 'histogram', border }).data],
        [...medianFilter(x, [kw, kh], { method: 'select', border }).data],
        `${h}x${w} window ${kw}x${kh} ${border}`,
      );
  }
});

test('median without WebAssembly SIMD: auto falls back to the network, simd is refused', () => {
  const x = ndarray(
    Uint8Array.from({ length: 35 }, (_, i) => (i * 97) % 256),
    [5, 7],
  );
  const want = [...medianFilter(x, 3, { method: 'select' }).data];
  disableSimd('test: SIMD switched off');
  try {
    assert.equal(chooseMedianMethod('uint8', 3, 3), 'network');
    assert.equal(chooseMedianMethod('uint8', 9, 9), 'histogram');
    assert.deepEqual([...medianFilter(x, 3).data], want);
    assert.deepEqual([...medianFilter(x, 5).data], [...medianFilter(x, 5, { method: 'select' }).data]);
    assert.throws(() => medianFilter(x, 9, { method: 'simd' }), /for method, got "simd"/);
    assert.throws(() => medianFilter(x, 3, { method: 'simd' }), /for method, got "simd"/);
  } finally {
    disableSimd(undefined);
  }
});
