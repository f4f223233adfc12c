import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray } from '../core/ndarray.js';
import { nlMeans, nlmWeightTable } from './nlmeans.js';
import { type NlmGeometry, nlmOffsetRows1, nlmOffsetRowsN } from './nlmeans-loops.js';

/** reflect-101 index, written here independently of border/. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/**
 * Non-local means one pixel at a time, as fastNlMeansDenoising describes it: for every q in
 * the search window, the template distance summed directly, its weight from the table.
 */
function naiveNlm(x: Uint8Array, H: number, W: number, h: number, T: number, S: number): number[] {
  const { table, shift } = nlmWeightTable(h, 1, T, S, 255);
  const at = (r: number, c: number) => x[mirror(r, H) * W + mirror(c, W)];
  const th = T >> 1;
  const sh = S >> 1;
  const out: number[] = [];
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      let est = 0;
      let wsum = 0;
      for (let dy = -sh; dy <= sh; dy++) {
        for (let dx = -sh; dx <= sh; dx++) {
          let dist = 0;
          for (let i = -th; i <= th; i++) {
            for (let j = -th; j <= th; j++) {
              const d = at(r + i, c + j) - at(r + dy + i, c + dx + j);
              dist += d * d;
            }
          }
          const w = table[dist >> shift];
          est += w * at(r + dy, c + dx);
          wsum += w;
        }
      }
      out.push(Math.floor((est + Math.floor(wsum / 2)) / wsum));
    }
  }
  return out;
}

test('nlmeans equals the pixel-by-pixel definition (all offsets, direct distances, mirror border)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(1, 3, 5),
      fc.constantFrom(1, 3, 5, 7),
      fc.double({ min: 2, max: 40, noNaN: true }),
      fc.integer(),
      (H, W, T, Sextra, h, seed) => {
        const S = Math.max(T, Sextra);
        let s = seed >>> 0;
        const x = Uint8Array.from({ length: H * W }, (_, i) => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return (((s >>> 24) & 0x3f) + i * 9) & 255;
        });
        const got = nlMeans(ndarray(x, [H, W]), h, { templateSize: T, searchSize: S });
        assert.deepEqual([...got.data], naiveNlm(x, H, W, h, T, S));
      },
    ),
    { numRuns: 60 },
  );
});

test('nlmeans weight table: OpenCV fixed-point scale, e^−d/h², 0 below 0.001', () => {
  const { table, shift, fixed } = nlmWeightTable(10, 1, 7, 21, 255);
  assert.equal(fixed, Math.floor(2147483647 / (21 * 21 * 255)));
  assert.equal(shift, 6); // 64 ≥ 49
  assert.equal(table[0], fixed);
  assert.equal(table.length, Math.trunc((255 * 255) / (64 / 49) + 1));
  for (let d = 1; d < table.length; d++) assert.ok(table[d] <= table[d - 1]);
  const d = 50;
  assert.equal(table[d], Math.round(fixed * Math.exp(-(d * 64) / 49 / 100)));
  const cut = table.findIndex((w) => w === 0);
  assert.ok(cut > 0 && fixed * Math.exp(-(cut * 64) / 49 / 100) < 0.001 * fixed + 0.5);
  assert.ok(table.slice(cut).every((w) => w === 0));
});

test('the one-channel loop and the general loop give identical sums', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: -3, max: 3 }),
      fc.integer(),
      (H, W, dy, dx, seed) => {
        if (dy === 0 && dx <= 0) return;
        const th = 1;
        const B = 3 + th;
        const g: NlmGeometry = { height: H, width: W, pw: W + 2 * B, border: B, th };
        let s = seed >>> 0;
        const P = Uint8Array.from({ length: (H + 2 * B) * g.pw }, () => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return s >>> 24;
        });
        const { table, shift } = nlmWeightTable(20, 1, 3, 7, 255);
        const e1 = new Int32Array(H * W);
        const w1 = new Int32Array(H * W);
        const e2 = new Int32Array(H * W);
        const w2 = new Int32Array(H * W);
        nlmOffsetRows1(P, g, dy, dx, -dy, H, table, shift, e1, w1, new Int32Array(g.pw));
        nlmOffsetRowsN([P], g, dy, dx, -dy, H, table, 2 ** -shift, e2, w2, new Float64Array(g.pw));
        assert.deepEqual([...e1], [...e2]);
        assert.deepEqual([...w1], [...w2]);
      },
    ),
    { numRuns: 100 },
  );
});

test('nlmeans uint16 follows exp(−d/h²) within one level of the unquantised formula', () => {
  const H = 8;
  const W = 9;
  const x = Uint16Array.from({ length: H * W }, (_, i) => 30000 + ((i * 7919) % 5000));
  const h = 2500;
  const got = nlMeans(ndarray(x, [H, W]), h, { templateSize: 3, searchSize: 5 });
  const at = (r: number, c: number) => x[mirror(r, H) * W + mirror(c, W)];
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      let est = 0;
      let wsum = 0;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          let dist = 0;
          for (let i = -1; i <= 1; i++)
            for (let j = -1; j <= 1; j++) dist += (at(r + i, c + j) - at(r + dy + i, c + dx + j)) ** 2;
          const w = Math.exp(-dist / 9 / (h * h));
          if (w < 0.001) continue;
          est += w * at(r + dy, c + dx);
          wsum += w;
        }
      }
      assert.ok(Math.abs(got.data[r * W + c] - est / wsum) <= 1.5, `${got.data[r * W + c]} vs ${est / wsum}`);
    }
  }
});

test('nlmeans on gray+alpha denoises gray and keeps alpha; progress reaches 1', () => {
  const x = ndarray(
    Uint8Array.from({ length: 10 * 10 * 2 }, (_, i) => (i % 2 ? 200 - i : (i * 37) % 256)),
    [10, 10, 2],
    { alpha: true },
  );
  const seen: number[] = [];
  const y = nlMeans(x, 15, { templateSize: 3, searchSize: 7, onProgress: (f) => seen.push(f) });
  assert.equal(y.alpha, true);
  const gray = ndarray(
    Uint8Array.from({ length: 100 }, (_, p) => x.data[2 * p]),
    [10, 10],
  );
  const g = nlMeans(gray, 15, { templateSize: 3, searchSize: 7 }).data;
  for (let p = 0; p < 100; p++) {
    assert.equal(y.data[2 * p], g[p]);
    assert.equal(y.data[2 * p + 1], x.data[2 * p + 1]);
  }
  assert.equal(seen[seen.length - 1], 1);
});

test('nlmeans input errors name the option, the value and what is allowed', () => {
  const x = ndarray(new Uint8Array(16), [4, 4]);
  assert.throws(
    () => nlMeans(ndarray(new Float32Array(4), [2, 2]), 3),
    /uint8 or uint16 .* for input.dtype, got "float32"/,
  );
  assert.throws(() => nlMeans(x, 0), /> 0 \(grey levels\) for h, got 0/);
  assert.throws(() => nlMeans(x, 3, { templateSize: 4 }), /odd integer ≥ 1 for templateSize, got 4/);
  assert.throws(() => nlMeans(x, 3, { searchSize: 0 }), /for searchSize, got 0/);
  assert.throws(
    () => nlMeans(x, 3, { templateSize: 9, searchSize: 7 }),
    /≥ the template size 9 for searchSize/,
  );
  assert.throws(() => nlMeans(x, 3, { hColor: 4 }), /for hColor, got 4/);
  assert.throws(() => nlMeans(x, 3, { channelOrder: 'grb' as never }), /bgr or rgb for channelOrder/);
  assert.throws(
    () => nlMeans(x, 3, { searchSize: 40001 }),
    /for searchSize, got 40001 .*would exceed memory/,
  );
});
