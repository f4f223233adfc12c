// The generated register-blocked tap loops (src/engine/taps-jit.ts) against the tap-list loop
// they stand in for: the same outputs bit for bit — for every pattern of non-zero taps within
// 3×3, called directly, and through the plans (padded bands, engine arrays in place, 1–3
// threads) — and within tolerance of the plain-TypeScript reference.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { correlate, engineArray, ndarray, releaseEngineArray } from '../../src/index.js';
import type { BorderMode } from '../../src/border/border.js';
import type { Tap } from '../../src/linear/direct.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { writeTapTable } from '../../src/engine/direct.js';
import { warmPoolAsync } from '../../src/engine/pool.js';
import { simdArena, simdStatus } from '../../src/engine/simd.js';
import { mulberry32 as rand } from '../../src/core/random.js';
import { withinFloat32Tolerance } from '../helpers.js';
import {
  generatedCalls,
  generatedFits,
  loopModule,
  setGeneratedLoops,
  tapsLoopF32,
} from '../../src/engine/taps-jit.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

let oldCrossover = 0;
before(async () => {
  assert.ok(simdStatus().available, `WebAssembly SIMD must be available under Node: ${simdStatus().reason}`);
  oldCrossover = setPoolCrossover(0);
  assert.equal(await warmPoolAsync(3), 2, 'two pool workers start');
});
after(() => {
  setPoolCrossover(oldCrossover);
  setGeneratedLoops(true);
});

/** The taps of a 9-bit pattern over a 3×3 grid (bit 3i + j), row-major, random weights. */
function tapsOf(mask: number, r: () => number): Tap[] {
  const taps: Tap[] = [];
  for (let k = 0; k < 9; k++)
    if (mask & (1 << k)) taps.push({ i: Math.floor(k / 3), j: k % 3, w: r() * 2 - 0.9 });
  return taps;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

test('every pattern of non-zero taps within 3×3 generates a loop equal to correlateTaps_f32 bit for bit', () => {
  const arena = simdArena()!;
  const x = arena.exports;
  const r = rand(7);
  for (let mask = 1; mask < 512; mask++) {
    // (the relaxed-SIMD variant is checked by relaxed-simd.test.ts, where the host has it)
    for (const shared of [false, true])
      assert.ok(WebAssembly.validate(loopModule(tapsOf(mask, r), shared, false)), `pattern ${mask}`);
    const taps = tapsOf(mask, r);
    assert.ok(generatedFits(taps));
    const C = 1 + (mask % 3);
    const width = 5 + (mask % 11); // vector columns and a scalar tail
    const rows = 4 + (mask % 6); // groups of four rows and a remainder
    const pw = (width + 2) * C + (mask % 4);
    arena.reset();
    const band = arena.reserve((rows + 2) * pw * 4 + 64);
    const table = arena.reserve(taps.length * 20);
    const want = arena.reserve(rows * width * C * 4 + 64);
    const got = arena.reserve(rows * width * C * 4 + 64);
    const buf = arena.buffer;
    const src = new Float32Array(buf, band, (rows + 2) * pw);
    for (let i = 0; i < src.length; i++) src[i] = (r() - 0.5) * 100;
    writeTapTable(buf, table, taps, pw, C);
    const n = width * C;
    x.correlateTaps_f32(band, pw, want, n, rows, n, table, taps.length);
    const before = generatedCalls.count;
    tapsLoopF32(x, x.memory, taps, C)(band, pw, got, n, rows, n, table, taps.length);
    assert.equal(generatedCalls.count, before + 1, `pattern ${mask}: the generated loop ran`);
    const a = new Float32Array(arena.buffer, want, rows * n);
    const b = new Float32Array(arena.buffer, got, rows * n);
    assert.deepEqual(bits(b), bits(a), `pattern ${mask}, C ${C}, ${rows}×${width}`);
  }
});

// The variant that gathers the float32 guard's statistics as it reads: for every pattern, the
// values it adds are exactly rows [0, rows) × [0, width) — the generated loop's part and the
// tap-list loop's remainder columns and rows together. One value of largest |x|, negative,
// sits at a random place in that rectangle among positive ones; everything else the loops may
// read (the halo rows and columns) is NaN, which must not count.
test('every generated loop gathers the guard statistics of exactly the rows × columns it filters', () => {
  const arena = simdArena()!;
  const x = arena.exports;
  const r = rand(11);
  for (let mask = 1; mask < 512; mask++) {
    const taps = tapsOf(mask, r);
    const C = 1 + (mask % 3);
    const width = 5 + (mask % 11);
    const rows = 4 + (mask % 6);
    const pw = (width + 2) * C + (mask % 4);
    const n = width * C;
    arena.reset();
    const band = arena.reserve((rows + 2) * pw * 4 + 64);
    const table = arena.reserve(taps.length * 20);
    const out = arena.reserve(rows * n * 4 + 64);
    const stats = arena.reserve(32);
    const src = new Float32Array(arena.buffer, band, (rows + 2) * pw).fill(NaN);
    for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) src[i * pw + j] = r() * 50;
    // the marker in two of three patterns; none in the third (no sign bit: 0, not −Infinity)
    const marked = mask % 3 !== 0;
    const at = Math.floor(r() * rows) * pw + Math.floor(r() * n);
    if (marked) src[at] = -1000;
    let largest = 0;
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(src[i * pw + j]));
    writeTapTable(arena.buffer, table, taps, pw, C);
    x.guardReset_f32(stats);
    const before = generatedCalls.count;
    tapsLoopF32(x, x.memory, taps, C)(band, pw, out, n, rows, n, table, taps.length, stats);
    assert.equal(generatedCalls.count, before + 1, `pattern ${mask}: the generated loop ran`);
    x.guardFinish_f32(stats);
    const got = new Float32Array(arena.buffer, stats, 2);
    const where = `pattern ${mask}, C ${C}, ${rows}×${width}, marker at ${marked ? at : '—'}`;
    assert.equal(got[0], Math.fround(largest), `largest |x|: ${where}`);
    assert.equal(got[1], marked ? -Infinity : 0, `sign: ${where}`);
  }
});

const caseArb = fc.record({
  h: fc.integer({ min: 1, max: 41 }),
  w: fc.integer({ min: 1, max: 45 }),
  channels: fc.constantFrom(1, 1, 2, 3, 4),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  mask: fc.integer({ min: 1, max: 511 }),
  mode: fc.constantFrom(...MODES),
  uint8: fc.boolean(),
  seed: fc.integer(),
});

test('plans with a generated loop equal the tap-list loop bit for bit (padded bands, in place, 1–3 threads) and the reference within tolerance', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const r = rand(c.seed);
      // the pattern restricted to the kernel (at least one tap)
      const kernel = Array.from({ length: c.kh }, (_, i) =>
        Array.from({ length: c.kw }, (_, j) =>
          // the first tap always
          c.mask & (1 << (3 * i + j)) || (i === 0 && j === 0) ? r() * 2 - 0.9 : 0,
        ),
      );
      const n = c.h * c.w * c.channels;
      const data = c.uint8 ? new Uint8Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = c.uint8 ? Math.floor(r() * 256) : (r() - 0.5) * 200;
      const shape = c.channels === 1 ? [c.h, c.w] : [c.h, c.w, c.channels];
      const img = ndarray(data, shape);
      const opts = { border: c.mode, cval: 0.5, dtype: 'float32' as const, backend: 'wasm' as const };
      setGeneratedLoops(false);
      const plain = correlate(img, kernel, { ...opts, threads: 1 });
      setGeneratedLoops(true);
      const before = generatedCalls.count;
      const one = correlate(img, kernel, { ...opts, threads: 1 });
      assert.ok(generatedCalls.count > before, 'the generated loop ran');
      assert.deepEqual(bits(one.data as Float32Array), bits(plain.data as Float32Array));
      for (const threads of [2, 3]) {
        const many = correlate(img, kernel, { ...opts, threads });
        assert.deepEqual(
          bits(many.data as Float32Array),
          bits(one.data as Float32Array),
          `${threads} threads`,
        );
      }
      if (!c.uint8) {
        // engine arrays: filtered in place (./inplace.ts), the edge strips padded
        const e = engineArray(shape, 'float32');
        const out = engineArray(shape, 'float32');
        try {
          e.data.set(data);
          correlate(e, kernel, { ...opts, out, threads: 2 });
          assert.deepEqual(bits(out.data as Float32Array), bits(one.data as Float32Array), 'in place');
        } finally {
          releaseEngineArray(e);
          releaseEngineArray(out);
        }
      }
      const ref = correlate(img, kernel, { ...opts, backend: 'js' });
      withinFloat32Tolerance(one, ref);
    }),
    { numRuns: 80 },
  );
});
