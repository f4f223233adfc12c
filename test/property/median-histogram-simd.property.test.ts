// The WebAssembly SIMD histogram median (wasm/median-histogram.ts: 16-bit bins in i16x8
// registers, prefix-sum search, lazily refreshed fine bins) against the reference selection
// and the plain-TypeScript histograms: bit-identical on random uint8 images — odd and even
// window sizes, windows larger than the image, 1 to 4 channels, every border, data that moves
// the median across coarse bins often (stale, moved and rebuilt fine bins), and on the pool.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { medianFilter, ndarray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import { simdStatus } from '../../src/engine/simd.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

/** Random bytes: `levels` grey levels (ties), or smooth ramps plus noise (`levels` = 0). */
function image(h: number, w: number, c: number, seed: number, levels: number): Uint8Array {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return Uint8Array.from({ length: h * w * c }, (_, i) => {
    if (levels === 0) return (((i / c) % w) * 5 + (next() & 31)) & 255;
    return Math.round((next() % levels) * (255 / (levels - 1)));
  });
}

test('median simd histogram: Node runs the WebAssembly SIMD loops (so the properties test them)', () => {
  assert.equal(simdStatus().available, true, simdStatus().reason);
});

test('median simd histogram equals select on random uint8 images (odd/even sizes, all borders, 1–4 channels)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 21 }),
      fc.integer({ min: 1, max: 21 }),
      fc.integer({ min: 1, max: 24 }),
      fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom(1, 16, 17, 33)),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(...MODES),
      fc.integer({ min: 0, max: 255 }),
      fc.integer(),
      fc.constantFrom(0, 2, 5, 256),
      (kw, kh, h, w, c, border, cval, seed, levels) => {
        fc.pre(kw * kh > 1 && !(kw === kh && (kw === 3 || kw === 5)));
        const data = image(h, w, c, seed, levels);
        const x = ndarray(data, c === 1 ? [h, w] : [h, w, c]);
        const copy = Uint8Array.from(data);
        const got = medianFilter(x, [kw, kh], { method: 'simd', border, cval, threads: 1 });
        const want = medianFilter(x, [kw, kh], { method: 'select', border, cval });
        assert.equal(got.dtype, 'uint8');
        assert.deepEqual(got.shape, x.shape);
        assert.deepEqual(got.data, want.data, `${kw}×${kh} ${h}×${w}×${c} ${border}`);
        assert.deepEqual(data, copy);
      },
    ),
    { numRuns: 250 },
  );
});

test('median simd histogram equals the plain-TypeScript histograms on large windows (45×45 … 255×257)', () => {
  for (const [h, w, kw, kh] of [
    [120, 300, 45, 45],
    [90, 70, 1, 101],
    [40, 260, 64, 3],
    [3, 50, 99, 99],
    [7, 20, 255, 257], // 65535 pixels: the largest window 16-bit counts hold
  ])
    for (const levels of [0, 256]) {
      const x = ndarray(image(h, w, 1, h * w + kw, levels), [h, w]);
      for (const border of ['replicate', 'mirror'])
        assert.deepEqual(
          medianFilter(x, [kw, kh], { method: 'simd', border, threads: 1 }).data,
          medianFilter(x, [kw, kh], { method: 'histogram', border }).data,
          `${h}×${w} window ${kw}×${kh} ${border} levels ${levels}`,
        );
    }
});

test('median simd histogram on the worker pool equals one thread and the plain-TS histograms', async () => {
  const old = setPoolCrossover(0);
  after(() => {
    setPoolCrossover(old);
    setCallerClaims(true);
  });
  assert.equal(await warmPoolAsync(3), 2);
  const [h, w] = [301, 257];
  const x = ndarray(image(h, w, 3, 4242, 0), [h, w, 3]);
  const one = medianFilter(x, [15, 11], { method: 'simd', border: 'wrap', threads: 1 });
  assert.deepEqual(one.data, medianFilter(x, [15, 11], { method: 'histogram', border: 'wrap' }).data);
  for (const callerClaims of [true, false]) {
    setCallerClaims(callerClaims); // false: the workers run every band
    for (const threads of [2, 3]) {
      const got = medianFilter(x, [15, 11], { method: 'simd', border: 'wrap', threads });
      assert.ok(lastPoolRun.bands > 1, `pooled run with ${lastPoolRun.bands} bands`);
      if (!callerClaims) assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
      assert.deepEqual(got.data, one.data, `threads ${threads}, caller claims ${callerClaims}`);
    }
  }
});
