// The threaded plan gives the single-thread result: identical forward and input gradient,
// weight gradient equal up to the rounding of its final per-slice sum.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray, type NDArray } from '../core/ndarray.js';
import { conv2d, conv2dBackward, convTranspose2d } from './conv2d.js';
import {
  closeThreads,
  conv2dBackwardThreaded,
  conv2dThreaded,
  convTranspose2dThreaded,
  lastWeightGradSplit,
} from './threads.js';
import { seededRandom } from './demos.js';

after(closeThreads);

const random = seededRandom(9);
const arr = (
  shape: number[],
  T: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array,
): NDArray => {
  const data = new T(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random() - 0.5;
  return ndarray(data, shape);
};

for (const [dtype, T] of [
  ['float64', Float64Array],
  ['float32', Float32Array],
] as const) {
  test(`threads 1, 2 and 3 give the single-thread result (${dtype}, batch of 5, groups 2, stride 2)`, async () => {
    const x = arr([5, 4, 9, 11], T);
    const w = arr([6, 2, 3, 3], T);
    const b = arr([6], T);
    const options = { stride: 2, padding: [1, 2] as [number, number], groups: 2 };
    const y = conv2d(x, w, b, options);
    const gy = arr(y.shape as number[], T);
    const grads = conv2dBackward(x, w, gy, options);
    const t = convTranspose2d(gy, w, null, { stride: 2, padding: [1, 2], groups: 2 });
    for (const threads of [1, 2, 3]) {
      const yt = await conv2dThreaded(x, w, b, { ...options, threads });
      assert.deepEqual(Array.from(yt.data), Array.from(y.data));
      const gt = await conv2dBackwardThreaded(x, w, gy, { ...options, threads });
      assert.deepEqual(Array.from(gt.gradInput!.data), Array.from(grads.gradInput!.data));
      assert.deepEqual(Array.from(gt.gradBias!.data), Array.from(grads.gradBias!.data));
      const tol = dtype === 'float64' ? 1e-12 : 1e-6;
      grads.gradWeight!.data.forEach((v, i) =>
        assert.ok(Math.abs(gt.gradWeight!.data[i] - v) <= tol, `gw[${i}]`),
      );
      assert.equal(gt.gradWeight!.dtype, dtype);
      const tt = await convTranspose2dThreaded(gy, w, null, {
        stride: 2,
        padding: [1, 2],
        groups: 2,
        threads,
      });
      assert.deepEqual(Array.from(tt.data), Array.from(t.data));
    }
  });
}

for (const groups of [1, 2]) {
  test(`float32 Winograd weight gradient split by images: bit-identical to one thread (groups ${groups})`, async () => {
    // 3×3, stride 1: the Winograd plan; odd sizes leave partial tiles; batch 5 splits unevenly.
    const x = arr([5, 4, 9, 11], Float32Array);
    const w = arr([6, 4 / groups, 3, 3], Float32Array);
    const options = { padding: 1, groups, method: 'winograd' as const };
    const gy = arr([5, 6, 9, 11], Float32Array);
    const one = conv2dBackward(x, w, gy, options);
    for (const threads of [2, 3]) {
      const t = await conv2dBackwardThreaded(x, w, gy, { ...options, threads });
      assert.equal(lastWeightGradSplit.by, 'images');
      assert.deepEqual(Array.from(t.gradWeight!.data), Array.from(one.gradWeight!.data));
      assert.deepEqual(Array.from(t.gradInput!.data), Array.from(one.gradInput!.data));
    }
    // A NaN in the last image: no image split; the result is still one thread's, NaN where it belongs.
    x.data[x.data.length - 1] = NaN;
    const nan = conv2dBackward(x, w, gy, options);
    const t = await conv2dBackwardThreaded(x, w, gy, { ...options, threads: 2 });
    assert.notEqual(lastWeightGradSplit.by, 'images');
    assert.deepEqual(Array.from(t.gradWeight!.data), Array.from(nan.gradWeight!.data));
  });
}

test('concurrent threaded calls keep their shared copies apart (kept buffers are reused)', async () => {
  // Larger and smaller inputs at once, then again: each call copies into buffers of its own.
  const cases = [
    arr([3, 4, 12, 10], Float32Array),
    arr([2, 4, 6, 7], Float32Array),
    arr([4, 4, 9, 9], Float32Array),
  ];
  const w = arr([5, 4, 3, 3], Float32Array);
  for (let round = 0; round < 2; round++) {
    const got = await Promise.all(cases.map((x) => conv2dThreaded(x, w, null, { padding: 1, threads: 2 })));
    got.forEach((y, k) =>
      assert.deepEqual(Array.from(y.data), Array.from(conv2d(cases[k], w, null, { padding: 1 }).data)),
    );
  }
});

test('threaded: bad thread counts and bad shapes are refused before any work', async () => {
  const x = arr([2, 2, 5, 5]);
  const w = arr([3, 2, 3, 3]);
  await assert.rejects(
    () => conv2dThreaded(x, w, null, { threads: 0 }),
    /Expected an integer ≥ 1 for threads, got 0/,
  );
  await assert.rejects(() => conv2dThreaded(x, arr([3, 1, 3, 3])), /input channels \(2\) must equal/);
});
