// The float32 guard's band test reads as few outputs as it can and always answers as the full
// rule (f32Acceptable over every output) does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type F32Guard, f32Acceptable, f32AcceptableBand } from './bands.js';

const guard = (over: Partial<F32Guard> = {}): F32Guard => ({
  gamma: 6e-7,
  sumAbs: 10,
  nonNegative: false,
  peak: 10,
  ...over,
});

/** f32AcceptableBand over a band of outputs, counting what it read. */
function band(g: F32Guard, maxX: number, minX: number, outputs: number[][]) {
  const largest = (rows: number[][]) => {
    const all = rows.flat();
    return all.some((v) => !Number.isFinite(v)) ? NaN : Math.max(0, ...all.map(Math.abs));
  };
  // the counts of outputs read, call by call (rows of `width`)
  const read: number[] = [];
  const width = outputs[0].length;
  const accepted = f32AcceptableBand(
    g,
    maxX,
    minX,
    (n) => (read.push(n), largest([outputs.flat().slice(0, n)])),
    width,
    outputs.length,
  );
  return { accepted, read, full: f32Acceptable(g, maxX, minX, largest(outputs)) };
}

test('non-negative weights on data ≥ 0: accepted without reading an output', () => {
  const r = band(guard({ nonNegative: true }), 5, 0, [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(r, { accepted: true, read: [], full: true });
});

test('a first row large enough decides for the band; a small one sends it to every output', () => {
  // γ·Σ|w|·maxX = 6e-7·10·1 = 6e-6 needs maxY ≥ 1.2
  const big = band(guard(), 1, -1, [
    [2, 0],
    [0, 0],
  ]);
  assert.deepEqual(big, { accepted: true, read: [2], full: true });
  const later = band(guard(), 1, -1, [
    [0.5, 0],
    [0, 2],
  ]);
  assert.deepEqual(later, { accepted: true, read: [2, 4], full: true });
  const none = band(guard(), 1, -1, [
    [0.5, 0],
    [0, 1],
  ]);
  assert.deepEqual(none, { accepted: false, read: [2, 4], full: false });
});

test('inputs that could overflow, or are not finite, are judged on every output', () => {
  const huge = band(guard({ nonNegative: true }), 2e38, 0, [
    [1e38, 0],
    [Infinity, 0],
  ]);
  assert.deepEqual(huge, { accepted: false, read: [4], full: false });
  const nan = band(guard(), NaN, -1, [
    [5, 0],
    [5, 0],
  ]);
  assert.deepEqual(nan, { accepted: false, read: [4], full: false });
});

test('the same answer as the full rule whenever the outputs are finite or the inputs could overflow', () => {
  fc.assert(
    fc.property(
      fc.record({
        gamma: fc.double({ min: 1e-8, max: 1e-5, noNaN: true }),
        sumAbs: fc.double({ min: 0.1, max: 100, noNaN: true }),
        nonNegative: fc.boolean(),
      }),
      fc.double({ min: 0, max: 1e3, noNaN: true }),
      fc.constantFrom(0, -1),
      // a band of 1–4 rows of 1–4 outputs
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([rows, width]) =>
        fc.array(
          fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: width, maxLength: width }),
          {
            minLength: rows,
            maxLength: rows,
          },
        ),
      ),
      (g, maxX, minX, outputs) => {
        const r = band({ ...g, peak: g.sumAbs }, maxX, minX, outputs);
        assert.equal(r.accepted, r.full);
      },
    ),
  );
});

/** This thread's SIMD arena, reset (the test fails where WebAssembly SIMD is missing). */
async function freshArena() {
  const { simdArena } = await import('./simd.js');
  const arena = simdArena();
  if (!arena) return assert.fail('WebAssembly SIMD is unavailable in this Node');
  arena.reset();
  return arena;
}

/** f32 values where random floats rarely go: ±0, the smallest subnormals, near the largest. */
const EDGE_F32 = [-0, 0, 1e-45, -1e-45, 3.4e38, -3.4e38];

/** NaN of either sign (see putF32) and ±Infinity. */
const nonFinite = fc.constantFrom<number | 'nan-'>(NaN, Infinity, -Infinity, 'nan-');

/** Writes `v` as element i of the f32s at byte `at`; 'nan-': a NaN with its sign bit set (JS has one NaN). */
function putF32(buf: ArrayBufferLike, at: number, i: number, v: number | 'nan-'): void {
  if (v === 'nan-') new Uint32Array(buf, at, i + 1)[i] = 0xffc00001;
  else new Float32Array(buf, at, i + 1)[i] = v;
}

// The statistics themselves (wasm/direct.ts), on bit patterns: any f32 value at any count and
// 4-byte phase — NaN of either sign, ±Infinity, −0, subnormals — against reading the same
// values in JS. A statistic that misses one lane, the scalar tail or one sign fails here.
test('guardRange_f32 and guardAbsMax_f32: the largest |x| (NaN for any NaN or ±Infinity) and whether any sign bit is set', async () => {
  const arena = await freshArena();
  const x = arena.exports;
  const src = arena.reserve(4 * 200 + 16);
  const out = arena.reserve(8);
  // Finite values (±0, subnormals and the largest included), then up to two NaN or ±Infinity
  // put in at random places (none in about a third of the runs, where the largest |x| counts).
  const finite = fc.oneof(
    { arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }), weight: 10 },
    { arbitrary: fc.constantFrom(...EDGE_F32), weight: 1 },
  );
  const check = (vals: (number | 'nan-')[], phase: number) => {
    const at = src + 4 * phase;
    const bits = new Uint32Array(arena.buffer, at, vals.length);
    const f = new Float32Array(arena.buffer, at, vals.length);
    vals.forEach((v, i) => putF32(arena.buffer, at, i, v));
    const read = [...f];
    const anyNonFinite = read.some((v) => !Number.isFinite(v));
    const largest = anyNonFinite ? NaN : Math.max(0, ...read.map(Math.abs));
    const signed = [...bits].some((b) => b >>> 31 === 1);
    x.guardRange_f32(at, vals.length, out);
    const stats = new Float32Array(arena.buffer, out, 2);
    assert.ok(Object.is(stats[0], largest), `largest |x| ${stats[0]}, expected ${largest}`);
    assert.equal(stats[1], signed ? -Infinity : 0);
    assert.ok(Object.is(x.guardAbsMax_f32(at, vals.length), largest));
  };
  fc.assert(
    fc.property(
      fc.array(finite, { maxLength: 150, size: 'max' }),
      fc.array(fc.tuple(fc.nat(), nonFinite), { maxLength: 2 }),
      fc.integer({ min: 0, max: 3 }),
      (finiteVals, inserts, phase) => {
        const vals: (number | 'nan-')[] = [...finiteVals];
        for (const [i, v] of inserts) vals.splice(i % (vals.length + 1), 0, v);
        check(vals, phase);
      },
    ),
    { numRuns: 400 },
  );
  // Where random values rarely go: no sign bit set at all, or only a −0's, in the vector loop
  // (each of the four vectors of a step) or in the scalar tail, and a negative NaN alone.
  const ramp = Array.from({ length: 37 }, (_, i) => i / 8);
  for (const at of [0, 5, 10, 15, 20, 36]) {
    check(ramp, at % 4);
    check(
      ramp.map((v, i) => (i === at ? -0 : v)),
      at % 4,
    );
    check(
      ramp.map((v, i) => (i === at ? 'nan-' : v)),
      at % 4,
    );
  }
});

// The running form of the same statistics (guardReset_f32, guardRect_f32, guardFinish_f32),
// which the generated tap loops gather as they read: for values laid out as rows of `cols`
// with gaps between them (rows `stride` apart) and added in two rectangles, the same two
// statistics as guardRange_f32 over the values alone. The gaps hold NaN, which must not count.
test('guardRect_f32 over rows with gaps, in two parts: the statistics guardRange_f32 gives for the same values', async () => {
  const arena = await freshArena();
  const x = arena.exports;
  const src = arena.reserve(4 * 400 + 16);
  const packed = arena.reserve(4 * 200 + 16);
  const stats = arena.reserve(32);
  const want = arena.reserve(8);
  const value = fc.oneof(
    { arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }), weight: 20 },
    { arbitrary: fc.constantFrom(...EDGE_F32), weight: 2 },
    { arbitrary: nonFinite, weight: 1 },
  );
  // Values: never below 0, in the first third of the runs (the sign statistic's zero case).
  const nonNegative = fc.float({ min: 0, noNaN: true, noDefaultInfinity: true });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 19 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      fc.array(value, { minLength: 1, maxLength: 200 }),
      fc.array(nonNegative, { minLength: 1, maxLength: 200 }),
      (cols, gap, split, phase, positive, mixed, plain) => {
        const vals = positive ? plain : mixed;
        const rows = Math.floor(vals.length / cols);
        if (rows === 0) return;
        const stride = cols + gap;
        const at = src + 4 * phase;
        new Float32Array(arena.buffer, at, rows * stride + 4).fill(NaN);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            putF32(arena.buffer, at, r * stride + c, vals[r * cols + c]);
            putF32(arena.buffer, packed, r * cols + c, vals[r * cols + c]);
          }
        x.guardRange_f32(packed, rows * cols, want);
        const first = split % (rows + 1);
        x.guardReset_f32(stats);
        x.guardRect_f32(at, stride, first, cols, stats);
        x.guardRect_f32(at + 4 * first * stride, stride, rows - first, cols, stats);
        x.guardFinish_f32(stats);
        const got = new Float32Array(arena.buffer, stats, 2);
        const exp = new Float32Array(arena.buffer, want, 2);
        assert.ok(Object.is(got[0], exp[0]), `largest |x| ${got[0]}, guardRange_f32 ${exp[0]}`);
        assert.ok(Object.is(got[1], exp[1]), `sign ${got[1]}, guardRange_f32 ${exp[1]}`);
      },
    ),
    { numRuns: 500 },
  );
});
