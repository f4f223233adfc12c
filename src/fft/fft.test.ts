// FFT plans against the DFT definition, written out independently, and the transform identities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFFT, planFFT2 } from './fft2.js';
import { JS_BUTTERFLIES, type Stage, setButterflies } from './butterflies.js';
import { factorize, isFastSize, nextFastSize } from './sizes.js';
import { InvalidArgumentError } from '../core/errors.js';
import { rng } from '../../test/helpers.js';

/** X[k1, k2] = Σ x[j1, j2]·e^{s·2πi(j1k1/h + j2k2/w)}, straight from the definition. */
function dft2(h: number, w: number, re: ArrayLike<number>, im: ArrayLike<number>, s: number) {
  const or = new Float64Array(h * w);
  const oi = new Float64Array(h * w);
  for (let k1 = 0; k1 < h; k1++)
    for (let k2 = 0; k2 < w; k2++) {
      let sr = 0;
      let si = 0;
      for (let j1 = 0; j1 < h; j1++)
        for (let j2 = 0; j2 < w; j2++) {
          const a = s * 2 * Math.PI * (((j1 * k1) % h) / h + ((j2 * k2) % w) / w);
          const xr = re[j1 * w + j2];
          const xi = im[j1 * w + j2];
          sr += xr * Math.cos(a) - xi * Math.sin(a);
          si += xr * Math.sin(a) + xi * Math.cos(a);
        }
      or[k1 * w + k2] = sr;
      oi[k1 * w + k2] = si;
    }
  return [or, oi];
}

function random(n: number, r: () => number) {
  return Float64Array.from({ length: n }, () => r() * 2 - 1);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length) {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('sizes: factorization, fast sizes', () => {
  assert.deepEqual(factorize(1), []);
  assert.deepEqual(factorize(2160), [5, 3, 3, 3, 4, 4]);
  assert.deepEqual(factorize(2048), [2, 4, 4, 4, 4, 4]);
  assert.equal(factorize(11), undefined);
  assert.equal(isFastSize(1960), true);
  assert.equal(nextFastSize(1009), 1024);
  assert.equal(nextFastSize(2148), 2160);
  assert.equal(nextFastSize(11, 5), 12);
});

// 1-D sizes: every radix alone and mixed, powers of two with an odd exponent, and
// primes and composites with a factor > 7 (Bluestein).
for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 12, 25, 32, 49, 60, 128, 210, 11, 13, 17, 22, 97, 101, 143]) {
  test(`fft 1-D n=${n} forward and inverse = DFT definition`, () => {
    const r = rng(n);
    const re = random(n, r);
    const im = random(n, r);
    const p = planFFT(n);
    const or = new Float64Array(n);
    const oi = new Float64Array(n);
    p.forward(re, im, or, oi);
    const [wr, wi] = dft2(1, n, re, im, -1);
    const tol = 1e-12 * n;
    assert.ok(maxDiff(or, wr) < tol && maxDiff(oi, wi) < tol);
    p.inverse(re, im, or, oi);
    const [vr, vi] = dft2(1, n, re, im, 1);
    assert.ok(
      maxDiff(
        or,
        vr.map((v) => v / n),
      ) < tol &&
        maxDiff(
          oi,
          vi.map((v) => v / n),
        ) < tol,
    );
  });
}

for (const [h, w] of [
  [2, 3],
  [5, 4],
  [7, 11],
  [13, 6],
  [16, 16],
  [3, 17],
  [18, 25],
]) {
  test(`fft 2-D ${h}×${w}: complex and real forward = DFT definition, inverses round-trip`, () => {
    const r = rng(h * 100 + w);
    const re = random(h * w, r);
    const im = random(h * w, r);
    const p = planFFT2(h, w);
    const or = new Float64Array(h * w);
    const oi = new Float64Array(h * w);
    p.forward(re, im, or, oi);
    const [wr, wi] = dft2(h, w, re, im, -1);
    const tol = 1e-12 * h * w;
    assert.ok(maxDiff(or, wr) < tol && maxDiff(oi, wi) < tol, 'complex forward');
    // Real forward: the first ⌊w/2⌋+1 columns of the full spectrum of a real input.
    const half = (w >> 1) + 1;
    const hr = new Float64Array(p.halfLength);
    const hi = new Float64Array(p.halfLength);
    p.realForward(re, hr, hi);
    const [fr, fi] = dft2(h, w, re, new Float64Array(h * w), -1);
    for (let k1 = 0; k1 < h; k1++)
      for (let k2 = 0; k2 < half; k2++) {
        assert.ok(Math.abs(hr[k1 * half + k2] - fr[k1 * w + k2]) < tol, 'real forward (re)');
        assert.ok(Math.abs(hi[k1 * half + k2] - fi[k1 * w + k2]) < tol, 'real forward (im)');
      }
    const back = new Float64Array(h * w);
    p.realInverse(hr, hi, back);
    assert.ok(maxDiff(back, re) < 1e-13 * h * w, 'real round trip');
    // In place: the output may be the input.
    const zr = Float64Array.from(re);
    const zi = Float64Array.from(im);
    p.forward(zr, zi, zr, zi);
    p.inverse(zr, zi, zr, zi);
    assert.ok(maxDiff(zr, re) < 1e-13 * h * w && maxDiff(zi, im) < 1e-13 * h * w, 'complex round trip');
  });
}

test('fft: Parseval Σ|x|² = Σ|X|²/N (2-D, 12×35)', () => {
  const [h, w] = [12, 35];
  const r = rng(7);
  const re = random(h * w, r);
  const im = random(h * w, r);
  const or = new Float64Array(h * w);
  const oi = new Float64Array(h * w);
  planFFT2(h, w).forward(re, im, or, oi);
  let a = 0;
  let b = 0;
  for (let i = 0; i < h * w; i++) {
    a += re[i] ** 2 + im[i] ** 2;
    b += or[i] ** 2 + oi[i] ** 2;
  }
  assert.ok(Math.abs(a - b / (h * w)) < 1e-12 * a);
});

test('fft: float32 buffers in and out, inputs untouched', () => {
  const [h, w] = [6, 10];
  const r = rng(3);
  const x = Float32Array.from(random(h * w, r));
  const copy = Float32Array.from(x);
  const p = planFFT2(h, w);
  const hr = new Float32Array(p.halfLength);
  const hi = new Float32Array(p.halfLength);
  p.realForward(x, hr, hi);
  const hr2 = Float32Array.from(hr);
  const back = new Float32Array(h * w);
  p.realInverse(hr, hi, back);
  assert.deepEqual(x, copy);
  assert.deepEqual(hr, hr2);
  assert.ok(maxDiff(back, x) < 1e-6);
});

test('fft: bad sizes and buffers are refused before allocating', () => {
  assert.throws(() => planFFT(0), /Expected a positive integer for n, got 0/);
  assert.throws(() => planFFT2(3, 2.5), InvalidArgumentError);
  assert.throws(() => planFFT2(1 << 16, 1 << 16), /buffers would exceed memory/);
  assert.throws(() => planFFT(2 ** 30 - 3), /buffers would exceed memory/);
  const p = planFFT2(4, 4);
  assert.throws(
    () => p.forward(new Float64Array(16), new Float64Array(15), new Float64Array(16), new Float64Array(16)),
    /Expected a buffer of at least 16 values for im, got 15/,
  );
  assert.throws(
    () => p.realForward([1, 2] as unknown as Float64Array, new Float64Array(12), new Float64Array(12)),
    /Float32Array or Float64Array for input/,
  );
});

test('fft: swapped-in butterflies are used, and restoring gives the JS ones', () => {
  let calls = 0;
  const wrap = (table: Readonly<Record<number, Stage>>) =>
    Object.fromEntries(
      Object.entries(table).map(([r, f]) => [
        r,
        ((...args: Parameters<Stage>) => {
          calls++;
          f(...args);
        }) as Stage,
      ]),
    );
  const x = random(60, rng(1));
  const p = planFFT(60);
  const want = [new Float64Array(60), new Float64Array(60)];
  p.forward(x, new Float64Array(60), want[0], want[1]);
  setButterflies({ dif: wrap(JS_BUTTERFLIES.dif), dit: wrap(JS_BUTTERFLIES.dit) });
  try {
    const got = [new Float64Array(60), new Float64Array(60)];
    p.forward(x, new Float64Array(60), got[0], got[1]);
    assert.ok(calls > 0);
    assert.deepEqual(got, want);
  } finally {
    setButterflies(undefined);
  }
});
