// The `out` option: writing into a caller's array gives exactly the array a plain call returns,
// on every backend, method and thread count; the same array comes back; in-place and
// overlapping `out` work; a wrong `out` is one clear error and writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  boxFilter,
  convolve,
  correlate,
  gaussianBlur,
  ndarray,
  sobel,
  unsharpMask,
  zeros,
  type NDArray,
} from '../../src/index.js';
import type { DType } from '../../src/core/dtypes.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';
import { rng } from '../helpers.js';

let oldCrossover = 0;
before(async () => {
  oldCrossover = setPoolCrossover(0); // the pool even on small images
  await warmPoolAsync(2);
});
after(() => setPoolCrossover(oldCrossover));

const CTOR = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

function image(h: number, w: number, c: number, dtype: DType, seed: number): NDArray {
  const r = rng(seed);
  const max = dtype === 'uint8' ? 256 : dtype === 'uint16' ? 65536 : 0;
  const data = new CTOR[dtype](h * w * c).map(() => (max ? Math.floor(r() * max) : (r() - 0.5) * 50));
  return ndarray(data, c === 1 ? [h, w] : [h, w, c]);
}

/** An array shaped like `like`, filled with a value no filter here produces, so unwritten elements show. */
function garbage(like: NDArray): NDArray {
  const a = zeros(like.shape, like.dtype);
  a.data.fill(like.dtype === 'uint8' ? 77 : like.dtype === 'uint16' ? 7777 : -123456);
  return a;
}

function sameArray(got: NDArray, want: NDArray, what: string) {
  assert.deepEqual(got.shape, want.shape, what);
  assert.equal(got.dtype, want.dtype, what);
  assert.deepEqual(Array.from(got.data), Array.from(want.data), what);
}

test('correlate/convolve into `out` equal the returned result, every backend, method and thread count', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 19 }),
        w: fc.integer({ min: 1, max: 23 }),
        c: fc.constantFrom(1, 3),
        k: fc.integer({ min: 1, max: 5 }),
        dtype: fc.constantFrom<DType>('uint8', 'float32', 'float64'),
        shape: fc.constantFrom('same', 'full'),
        convolution: fc.boolean(),
        seed: fc.integer(),
      }),
      ({ h, w, c, k, dtype, shape, convolution, seed }) => {
        const img = image(h, w, c, dtype, seed);
        const r = rng(seed + 1);
        const kernel = Array.from({ length: k }, () => Array.from({ length: k }, () => r() - 0.4));
        const run = convolution ? convolve : correlate;
        for (const opts of [
          { backend: 'js' as const },
          { backend: 'wasm' as const, threads: 1 },
          { backend: 'wasm' as const, threads: 2 },
          { method: 'fft' as const },
        ]) {
          const o = { border: 'mirror', shape: shape as 'same' | 'full', ...opts };
          const want = run(img, kernel, o);
          const out = garbage(want);
          const got = run(img, kernel, { ...o, out });
          assert.equal(got, out, 'the same array comes back');
          sameArray(out, want, JSON.stringify(opts));
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('filters (Gaussian, box, Sobel, unsharp mask) into `out` equal the returned result', () => {
  const rgb = image(37, 41, 3, 'uint8', 5);
  const gray = image(64, 70, 1, 'float32', 6);
  const cases: [string, (out?: NDArray) => NDArray][] = [
    ['gaussianBlur', (out) => gaussianBlur(gray, { sigma: 2, threads: 2, out })],
    ['boxFilter wasm', (out) => boxFilter(rgb, { ksize: [5, 3], backend: 'wasm', threads: 2, out })],
    ['boxFilter js', (out) => boxFilter(rgb, { ksize: [5, 3], backend: 'js', out })],
    ['sobel dx', (out) => sobel(rgb, { dx: 1, dy: 0, out })],
    ['sobel dx+dy scaled', (out) => sobel(gray, { dx: 1, dy: 1, scale: 0.5, delta: 3, out })],
    ['unsharpMask', (out) => unsharpMask(rgb, { sigma: 1.5, amount: 2, out })],
  ];
  for (const [name, f] of cases) {
    const want = f();
    const out = garbage(want);
    assert.equal(f(out), out, name);
    sameArray(out, want, name);
  }
});

test('into `out` on the worker pool (images of several bands): bands the workers ran land in `out` too', () => {
  // 300×901: bands of ~145 rows, so two threads split the work
  for (const dtype of ['float32', 'uint8'] as const) {
    const img = image(300, 901, dtype === 'uint8' ? 3 : 1, dtype, 12);
    const k = [
      [0.1, 0.2, 0.05],
      [-0.1, 0.6, 0.2],
      [0.05, -0.05, -0.05],
    ];
    const want = correlate(img, k, { backend: 'wasm', threads: 1 });
    for (const callerClaims of [true, false]) {
      setCallerClaims(callerClaims); // false: the worker runs every band
      const out = garbage(want);
      try {
        correlate(img, k, { backend: 'wasm', threads: 2, out });
      } finally {
        setCallerClaims(true);
      }
      assert.ok(lastPoolRun.bands > 1, JSON.stringify(lastPoolRun));
      if (!callerClaims) assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
      sameArray(out, want, `${dtype}, two threads, caller claims ${callerClaims}`);
    }
  }
});

test('`out` may be the input itself, or overlap it: the result is computed aside, then copied', () => {
  for (const backend of ['js', 'wasm'] as const) {
    // 300×901: several bands, so a band's halo rows would be overwritten before it runs
    const img = image(300, 901, 1, 'float32', 9);
    const copy = ndarray(img.data.slice(), img.shape);
    const k = [
      [1, 2, 1],
      [0, 1, 0],
      [-1, 0.5, 1],
    ];
    const want = correlate(copy, k, { backend });
    const got = correlate(img, k, { backend, out: img });
    assert.equal(got, img);
    sameArray(img, want, `in place, ${backend}`);
    const box = image(300, 901, 3, 'uint8', 10);
    const boxWant = boxFilter(ndarray(box.data.slice(), box.shape), { ksize: [3, 3], backend });
    boxFilter(box, { ksize: [3, 3], backend, out: box });
    sameArray(box, boxWant, `box in place, ${backend}`);
  }
  // an output view two rows into the input's own buffer
  const [h, w] = [300, 901];
  const buf = new Float64Array((h + 2) * w);
  buf.set(image(h, w, 1, 'float64', 11).data);
  const img = ndarray(buf.subarray(0, h * w), [h, w]);
  const k = [[0.5], [-1], [2]];
  const want = correlate(ndarray(buf.slice(0, h * w), [h, w]), k, { backend: 'wasm' });
  const out = ndarray(buf.subarray(2 * w, (h + 2) * w), [h, w]);
  correlate(img, k, { backend: 'wasm', out });
  sameArray(out, want, 'overlapping out');
});

test('a wrong `out` is one clear error naming the expected shape and dtype, and writes nothing', () => {
  const img = image(4, 5, 1, 'float32', 1);
  const cases: [NDArray | unknown, RegExp][] = [
    [
      zeros([4, 4], 'float32'),
      /^Expected an array of shape 4×5 and dtype float32 \(the result's\) for out, got "shape 4×4, dtype float32"$/,
    ],
    [
      zeros([4, 5], 'float64'),
      /^Expected an array of shape 4×5 and dtype float32 \(the result's\) for out, got "shape 4×5, dtype float64"$/,
    ],
    [zeros([4, 5, 1], 'float32'), /for out, got "shape 4×5×1, dtype float32"$/],
    [new Float32Array(20), /^Expected an NDArray \{data, shape, dtype\} for out/],
  ];
  for (const backend of ['js', 'wasm'] as const) {
    for (const [out, message] of cases) {
      const before = out instanceof Float32Array ? out.slice() : (out as NDArray).data.slice();
      assert.throws(
        () => correlate(img, [[1, 1]], { backend, out: out as NDArray }),
        (e: Error) => {
          assert.equal(e.name, 'InvalidArgumentError');
          assert.match(e.message, message);
          return true;
        },
      );
      const after = out instanceof Float32Array ? out : (out as NDArray).data;
      assert.deepEqual(Array.from(after), Array.from(before), 'nothing written');
    }
  }
  // the full-shape result is larger than the input
  assert.throws(
    () => correlate(img, [[1, 1, 1]], { shape: 'full', out: zeros([4, 5], 'float32') }),
    /shape 4×7 and dtype float32/,
  );
  assert.throws(
    () => boxFilter(img, { ksize: [3, 3], out: zeros([4, 5], 'uint8') }),
    /for out, got "shape 4×5, dtype uint8"/,
  );
});
