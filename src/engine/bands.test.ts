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
