// The integer uint8 loop's one-multiply quotient: q15Division's constants give ⌊x/D⌋ exactly
// wherever it returns them, and it declines where no 16-bit constant can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { q15Division } from './direct.js';

/** What correlate3x3_u8q15_u8 computes per lane: i16x8.q15mulr_sat_s, then the shift. */
const laneQuotient = (x: number, M2: number, s: number) => Math.floor((x * M2 + 2 ** 14) / 2 ** 15) >> s;

test('q15Division: every returned [M2, s] divides exactly over 0…X, with M2 and X in i16 range', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2 ** 15 + 100 }), (D, X) => {
      const [M2, s] = q15Division(D, X);
      if (M2 === 0) return;
      assert.ok(M2 > 0 && M2 < 2 ** 15 && X < 2 ** 15);
      for (let x = 0; x <= X; x++)
        if (laneQuotient(x, M2, s) !== Math.floor(x / D)) assert.fail(`D ${D} x ${x}`);
    }),
    { numRuns: 200 },
  );
});

test('q15Division: W2 weights (D = 20) take the one-multiply quotient; powers of two and X ≥ 2¹⁵ do not', () => {
  // W2: k = 20·w = [2, 4, 1, −2, 12, 4, 1, −1, −1]; T' ≤ 24·255 + B = 7410.
  assert.deepEqual(q15Division(20, 7410), [26215, 4]);
  // D = 16: M2 = 2^(15+s)/16 exactly, and the rounding constant 2¹⁴ pushes x = 15 to 1.
  assert.deepEqual(q15Division(16, 1000), [0, 0]);
  assert.deepEqual(q15Division(20, 2 ** 15), [0, 0]);
});
