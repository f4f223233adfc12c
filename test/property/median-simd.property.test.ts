// The WebAssembly SIMD median (16 outputs per vector step) against the reference selection:
// bit-identical on random uint8 images of every shape the vector loops treat specially —
// 1×1, widths below, at and past multiples of 16, odd and even heights (the 5×5 loop takes
// two rows per step), 1–4 channels, every border.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { medianFilter, ndarray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import { simdStatus } from '../../src/engine/simd.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

test('median simd: Node runs the WebAssembly SIMD loops (so the properties below test them)', () => {
  assert.equal(simdStatus().available, true, simdStatus().reason);
});

test('median simd equals select on random uint8 images (3×3, 5×5, all borders, 1–4 channels)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(3, 5),
      fc.integer({ min: 1, max: 23 }),
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 15, 16, 17, 31, 32, 33, 47)),
      fc.constantFrom(1, 2, 3, 4),
      fc.constantFrom(...MODES),
      fc.integer({ min: 0, max: 255 }),
      fc.integer(),
      fc.constantFrom(2, 4, 256),
      (k, h, w, c, border, cval, seed, levels) => {
        let s = seed >>> 0;
        const data = Uint8Array.from({ length: h * w * c }, () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          // few levels give many ties, 256 the full range (incl. 0 and 255, the unsigned extremes)
          return Math.round(((s >>> 24) % levels) * (255 / (levels - 1)));
        });
        const x = ndarray(data, c === 1 ? [h, w] : [h, w, c]);
        const copy = Uint8Array.from(data);
        const got = medianFilter(x, k, { method: 'simd', border, cval });
        const want = medianFilter(x, k, { method: 'select', border, cval });
        assert.equal(got.dtype, 'uint8');
        assert.deepEqual(got.shape, x.shape);
        assert.deepEqual(got.data, want.data, `${k}×${k} ${h}×${w}×${c} ${border}`);
        assert.deepEqual(data, copy);
      },
    ),
    { numRuns: 300 },
  );
});

test('median simd equals select on 1×1 images and on a 4K-wide row band', () => {
  for (const k of [3, 5])
    for (const border of MODES) {
      const one = ndarray(Uint8Array.from([200]), [1, 1]);
      assert.deepEqual(
        medianFilter(one, k, { method: 'simd', border, cval: 9 }).data,
        Uint8Array.from(medianFilter(one, k, { method: 'select', border, cval: 9 }).data),
      );
    }
  let s = 7;
  const data = Uint8Array.from(
    { length: 6 * 3840 },
    () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24,
  );
  const x = ndarray(data, [6, 3840]);
  for (const k of [3, 5])
    assert.deepEqual(
      medianFilter(x, k, { method: 'simd' }).data,
      medianFilter(x, k, { method: 'select' }).data,
    );
});

test('median simd on the worker pool equals the plain-TS network (bands run by workers)', async () => {
  const old = setPoolCrossover(0);
  after(() => {
    setPoolCrossover(old);
    setCallerClaims(true);
  });
  assert.equal(await warmPoolAsync(3), 2);
  // rows of ~3 kB: several bands of the engine's band grid
  let s = 99;
  const [h, w] = [700, 1001];
  const data = Uint8Array.from(
    { length: h * w * 3 },
    () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24,
  );
  const x = ndarray(data, [h, w, 3]);
  for (const callerClaims of [true, false]) {
    setCallerClaims(callerClaims); // false: the workers run every band
    for (const k of [3, 5])
      for (const border of ['reflect', 'constant'] as const) {
        const got = medianFilter(x, k, { method: 'simd', border, cval: 3 });
        assert.ok(lastPoolRun.bands > 1, `pooled run with ${lastPoolRun.bands} bands`);
        if (!callerClaims) assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
        assert.deepEqual(
          got.data,
          medianFilter(x, k, { method: 'network', border, cval: 3 }).data,
          `${k} ${border}`,
        );
      }
  }
});
