// The tile engine against the valid-correlation sum, and split runs against whole runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TileCorrelator, type CorrelationJob } from './correlate.js';
import { rng } from '../../test/helpers.js';

function validCorrelation(
  P: Float64Array,
  pw: number,
  oh: number,
  ow: number,
  h: Float64Array,
  kh: number,
  kw: number,
) {
  const y = new Float64Array(oh * ow);
  for (let m = 0; m < oh; m++)
    for (let n = 0; n < ow; n++) {
      let s = 0;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) s += h[i * kw + j] * P[(m + i) * pw + n + j];
      y[m * ow + n] = s;
    }
  return y;
}

const cases: [number, number, number, number, number, number][] = [
  // output h, w, kernel h, w, tile n1, n2
  [30, 44, 5, 7, 16, 16],
  [30, 44, 5, 7, 64, 64],
  [31, 14, 3, 4, 12, 10],
  [1, 92, 1, 9, 1, 32],
  [1, 1, 20, 20, 20, 21],
  [62, 82, 9, 9, 35, 30],
];
for (const [oh, ow, kh, kw, n1, n2] of cases) {
  test(`tiles ${n1}×${n2}: ${oh}×${ow} valid outputs of a ${kh}×${kw} kernel = the sum; pair ranges split cleanly`, () => {
    const r = rng(oh * 1000 + n1);
    const pw = ow + kw - 1;
    const P = Float64Array.from({ length: (oh + kh - 1) * pw }, () => r() - 0.5);
    const h = Float64Array.from({ length: kh * kw }, () => r() - 0.5);
    const want = validCorrelation(P, pw, oh, ow, h, kh, kw);
    const c = new TileCorrelator({ data: h, rows: kh, cols: kw }, n1, n2);
    const job = (dst: Float64Array): CorrelationJob => ({
      src: { data: P, offset: 0, stride: pw },
      dst: { data: dst, offset: 0, stride: ow },
      height: oh,
      width: ow,
    });
    const whole = new Float64Array(oh * ow);
    c.run([job(whole)]);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(whole[i] - want[i]) < 1e-12, `[${i}]`);
    const pairs = c.pairCount([job(whole)]);
    const split = new Float64Array(oh * ow);
    const mid = pairs >> 1;
    c.run([job(split)], 0, mid);
    c.run([job(split)], mid, pairs);
    assert.deepEqual(split, whole);
  });
}
