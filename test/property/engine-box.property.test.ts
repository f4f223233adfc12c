// The WASM box running sums (uint8) against an independent exact reference: integer window
// sums over the border-extended image, the mean rounded half to even by integer arithmetic.
// Every thread count must give the same bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray, type NDArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import { linearGeometry, linearSpec } from '../../src/linear/correlate.js';
import { chooseBoxEngine, runEngine, setPoolCrossover } from '../../src/engine/backend.js';
import { warmPoolAsync } from '../../src/engine/pool.js';
import { sharedCopy } from '../helpers.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

let old = 0;
before(async () => {
  old = setPoolCrossover(0);
  assert.equal(await warmPoolAsync(3), 2);
});
after(() => setPoolCrossover(old));

/** Source index of position i on a line of n under a border mode (by repeated reflection, as by hand). */
function source(i: number, n: number, mode: BorderMode): number {
  if (mode === 'constant') return i >= 0 && i < n ? i : -1;
  if (mode === 'replicate') return Math.min(n - 1, Math.max(0, i));
  if (mode === 'wrap') return ((i % n) + n) % n;
  while (i < 0 || i >= n) {
    if (mode === 'symmetric') i = i < 0 ? -i - 1 : 2 * n - 1 - i;
    else if (n === 1) i = 0;
    else i = i < 0 ? -i : 2 * n - 2 - i;
  }
  return i;
}

/** round(S / N) half to even, saturated to 0..255, in exact integer arithmetic. */
function meanHalfEven(S: number, N: number): number {
  let q = Math.floor(S / N);
  const r = S - q * N;
  if (2 * r > N || (2 * r === N && q % 2 === 1)) q++;
  return Math.min(255, Math.max(0, q));
}

function referenceBox(img: NDArray, kh: number, kw: number, N: number, mode: BorderMode, cval: number) {
  const [h, w] = img.shape;
  const C = img.shape[2] ?? 1;
  const [ar, ac] = [kh >> 1, kw >> 1];
  const out = new Uint8Array(h * w * C);
  for (let m = 0; m < h; m++)
    for (let n = 0; n < w; n++)
      for (let c = 0; c < C; c++) {
        let S = 0;
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const r = source(m + i - ar, h, mode);
            const q = source(n + j - ac, w, mode);
            S += r < 0 || q < 0 ? cval : img.data[(r * w + q) * C + c];
          }
        out[(m * w + n) * C + c] = meanHalfEven(S, N);
      }
  return out;
}

test('WASM box running sums equal the exact rounded mean, every border, window and thread count', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom(1, 3, 4),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(...MODES),
      fc.constantFrom(0, 7, 255),
      fc.boolean(),
      fc.integer(),
      (h, w, C, kh, kw, mode, cval, normalize, seed) => {
        let a = seed >>> 0;
        const data = new Uint8Array(h * w * C).map(() => {
          a = (Math.imul(a, 1103515245) + 12345) >>> 0;
          // mostly a few values, so window sums land on .5 ties often
          return a % 3 === 0 ? 255 : (a >>> 8) % 4;
        });
        const img = ndarray(data, C === 1 ? [h, w] : [h, w, C]);
        const N = normalize ? kh * kw : 1;
        const kernel = Array.from({ length: kh }, () => Array(kw).fill(1 / N));
        const spec = linearSpec(img, kernel, { border: mode, cval }, false);
        const geo = linearGeometry(spec, h, w);
        const want = referenceBox(img, kh, kw, N, mode, cval);
        for (const threads of [1, 2, 3]) {
          const choice = chooseBoxEngine(img, spec, geo, { backend: 'wasm', threads }, kh, kw, N);
          assert.equal(choice.backend, 'wasm', choice.note);
          const got = runEngine(img, choice, 'uint8');
          assert.deepEqual(got.shape, img.shape);
          assert.deepEqual(Array.from(got.data), Array.from(want), `threads ${threads}`);
          // A shared input is padded at its own address phase (BandSource.phase).
          const fromShared = runEngine(sharedCopy(img, seed + threads), choice, 'uint8');
          assert.deepEqual(Array.from(fromShared.data), Array.from(want), `shared input, threads ${threads}`);
        }
      },
    ),
    { numRuns: 80 },
  );
});

test('box 45×45 (W5 size, odd divisor: multiply path) and 4×4 (even divisor: divide path) on RGB', () => {
  for (const [kh, kw] of [
    [45, 45],
    [4, 4],
    [2, 6],
  ]) {
    const h = 97,
      w = 131;
    const data = new Uint8Array(h * w * 3).map((_, i) => (i * 7919 + (i >> 5)) % 256);
    const img = ndarray(data, [h, w, 3]);
    const N = kh * kw;
    const spec = linearSpec(
      img,
      Array.from({ length: kh }, () => Array(kw).fill(1 / N)),
      { border: 'mirror' },
      false,
    );
    const choice = chooseBoxEngine(
      img,
      spec,
      linearGeometry(spec, h, w),
      { backend: 'wasm', threads: 1 },
      kh,
      kw,
      N,
    );
    assert.equal(choice.backend, 'wasm');
    assert.deepEqual(
      Array.from(runEngine(img, choice, 'uint8').data),
      Array.from(referenceBox(img, kh, kw, N, 'mirror', 0)),
    );
  }
});
