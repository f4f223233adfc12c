import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import { bilateralFilter, bilateralSpec } from './bilateral.js';
import { bilateralRowInt1, bilateralRowInt3, bilateralRowIntN } from './bilateral-loops.js';

test('bilateral radius: ⌊d/2⌋, round(1.5·σs) for d ≤ 0 (half to even), at least 1; a disc', () => {
  assert.equal(bilateralSpec(9, 75).radius, 4);
  assert.equal(bilateralSpec(8, 75).radius, 4);
  assert.equal(bilateralSpec(1, 75).radius, 1);
  assert.equal(bilateralSpec(0, 3).radius, 4); // 4.5 → 4 (half to even, cvRound)
  assert.equal(bilateralSpec(-1, 5).radius, 8); // 7.5 → 8
  assert.equal(bilateralSpec(0, 0.2).radius, 1);
  const s = bilateralSpec(9, 10);
  assert.equal(s.offsets.length, 49); // i² + j² ≤ 16
  for (const [i, j] of s.offsets) assert.ok(i * i + j * j <= 16);
  assert.deepEqual(s.offsets[0], [-4, 0]);
  const centre = s.offsets.findIndex(([i, j]) => i === 0 && j === 0);
  assert.equal(s.spaceWeights[centre], 1);
});

test('bilateral keeps a step edge when sigmaColor is below the step and blurs it when above', () => {
  const data = Uint8Array.from({ length: 12 * 12 }, (_, p) => (p % 12 < 6 ? 50 : 200));
  const x = ndarray(data, [12, 12]);
  assert.deepEqual([...bilateralFilter(x, 5, 10, 3).data], [...data]);
  const blurred = bilateralFilter(x, 5, 1000, 3).data;
  assert.ok(blurred[5] > 50 && blurred[6] < 200);
});

test('bilateral: NaN or ±Infinity in a disc makes that output NaN (all channels)', () => {
  const data = Float32Array.from({ length: 9 * 9 * 3 }, (_, i) => (i * 13) % 17);
  data[(4 * 9 + 4) * 3 + 1] = Infinity;
  data[0] = NaN;
  const y = bilateralFilter(ndarray(data, [9, 9, 3]), 3, 5, 2);
  for (let r = 0; r < 9; r++) {
    for (let c = 0; c < 9; c++) {
      const nearInf = (r - 4) ** 2 + (c - 4) ** 2 <= 1;
      const nearNaN = r * r + c * c <= 1;
      for (let ch = 0; ch < 3; ch++)
        assert.equal(Number.isNaN(y.data[(r * 9 + c) * 3 + ch]), nearInf || nearNaN, `${r},${c}`);
    }
  }
});

test('bilateral float64 and uint16 work (no OpenCV counterpart) and stay within the disc range', () => {
  const f = ndarray(
    Float64Array.from({ length: 64 }, (_, i) => Math.sin(i)),
    [8, 8],
  );
  const yf = bilateralFilter(f, 5, 0.5, 2);
  assert.equal(yf.dtype, 'float64');
  assert.ok(yf.data.every((v) => v >= -1 && v <= 1));
  const u = ndarray(
    Uint16Array.from({ length: 64 * 4 }, (_, i) => (i * 977) % 65536),
    [8, 8, 4],
  );
  const yu = bilateralFilter(u, 3, 5000, 2);
  assert.equal(yu.dtype, 'uint16');
  assert.deepEqual(yu.shape, [8, 8, 4]);
});

test('bilateral: 2- and 4-channel uint8 use the generic loop and agree with 3 channels padded by a constant', () => {
  const rgb = Uint8Array.from({ length: 10 * 10 * 3 }, (_, i) => (i * 31) % 256);
  const rgba = new Uint8Array(10 * 10 * 4);
  for (let p = 0; p < 100; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 77; // a constant channel adds 0 to every colour distance
  }
  const a = bilateralFilter(ndarray(rgb, [10, 10, 3]), 5, 40, 3).data;
  const b = bilateralFilter(ndarray(rgba, [10, 10, 4]), 5, 40, 3).data;
  for (let p = 0; p < 100; p++) {
    for (let c = 0; c < 3; c++) assert.equal(b[p * 4 + c], a[p * 3 + c]);
    assert.equal(b[p * 4 + 3], 77);
  }
});

test('bilateral input errors name the option, the value and what is allowed', () => {
  const x = ndarray(new Uint8Array(16), [4, 4]);
  assert.throws(() => bilateralFilter(x, 2.5, 10, 10), /for diameter, got 2.5/);
  assert.throws(() => bilateralFilter(x, 5, 0, 10), /a finite number > 0 for sigmaColor, got 0/);
  assert.throws(() => bilateralFilter(x, 5, 10, -1), /for sigmaSpace, got -1/);
  assert.throws(() => bilateralFilter(x, 5, NaN, 1), /for sigmaColor, got NaN/);
  assert.throws(() => bilateralFilter(x, 5, 10, 1, { border: 'x' }), /for border/);
  assert.throws(() => bilateralFilter(x, 1 << 16, 10, 1), /for diameter, got 65536 .*would exceed memory/);
  assert.throws(() => bilateralFilter(x, 0, 10, 1e6), /for sigmaSpace, got 1000000 .*would exceed memory/);
});

test('bilateral: the two-pixel loops (1 and 3 channels) equal the general loop exactly', () => {
  const space = Float64Array.from(bilateralSpec(7, 3).spaceWeights);
  const colour = Float64Array.from({ length: 766 }, (_, d) => Math.fround(Math.exp((-d * d) / 800)));
  for (const width of [1, 2, 7, 30]) {
    const pw = width + 6;
    const planes = [0, 1, 2].map((c) =>
      Uint8Array.from({ length: pw * 7 }, (_, i) => (i * (31 + c) + ((i * i) % 97)) & 255),
    );
    const ofs = Int32Array.from(bilateralSpec(7, 3).offsets, ([i, j]) => i * pw + j);
    const p = 3 * pw + 3;
    const a1 = new Uint8Array(width);
    const b1 = new Uint8Array(width);
    bilateralRowInt1(planes[0], p, ofs, space, colour, a1, 0, width);
    bilateralRowIntN([planes[0]], p, ofs, space, colour, b1, 0, width, new Float64Array(1));
    assert.deepEqual([...a1], [...b1]);
    const a3 = new Uint8Array(3 * width);
    const b3 = new Uint8Array(3 * width);
    bilateralRowInt3(planes, p, ofs, space, colour, a3, 0, width);
    bilateralRowIntN(planes, p, ofs, space, colour, b3, 0, width, new Float64Array(3));
    assert.deepEqual([...a3], [...b3]);
  }
});
