import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BORDER_ALIASES, borderIndex, padPlane, resolveBorder, type BorderMode } from './border.js';

// The DESIGN.md table on the row a b c d, extended by 2 on each side.
const ROW = 'abcd';
const EXPECTED: Record<BorderMode, string> = {
  constant: 'kkabcdkk',
  replicate: 'aaabcddd',
  symmetric: 'baabcddc',
  mirror: 'cbabcdcb',
  wrap: 'cdabcdab',
};

for (const [mode, want] of Object.entries(EXPECTED) as [BorderMode, string][]) {
  test(`border ${mode} on abcd extended by 2 is ${want}`, () => {
    let got = '';
    for (let i = -2; i < ROW.length + 2; i++) {
      const s = borderIndex(i, ROW.length, mode);
      got += s < 0 ? 'k' : ROW[s];
    }
    assert.equal(got, want);
  });
}

test('extensions wider than the image repeat the same pattern (NumPy pad semantics)', () => {
  const line = (mode: BorderMode, n: number, before: number) =>
    Array.from({ length: before * 2 + n }, (_, k) => borderIndex(k - before, n, mode)).join('');
  // numpy.pad([0,1,2], 7, mode) for each mode:
  assert.equal(line('symmetric', 3, 7), '00122100122100122');
  assert.equal(line('mirror', 3, 7), '12101210121012101');
  assert.equal(line('wrap', 3, 7), '20120120120120120');
  assert.equal(line('replicate', 3, 7), '00000000122222222');
  assert.equal(line('mirror', 1, 3), '0000000');
  assert.equal(line('symmetric', 1, 3), '0000000');
});

test('every alias resolves to its canonical mode; names are case-insensitive', () => {
  assert.equal(resolveBorder('REFLECT101', undefined, 'constant').mode, 'mirror');
  assert.equal(resolveBorder('reflect', undefined, 'constant').mode, 'symmetric');
  assert.equal(resolveBorder('nearest', undefined, 'constant').mode, 'replicate');
  assert.equal(resolveBorder('periodic', undefined, 'constant').mode, 'wrap');
  assert.deepEqual(resolveBorder('fill', 3, 'constant'), { mode: 'constant', cval: 3 });
  assert.deepEqual(resolveBorder(undefined, undefined, 'mirror'), { mode: 'mirror', cval: 0 });
  assert.equal(Object.keys(BORDER_ALIASES).length, 13);
});

test('bad border names and cvals are rejected with the value and the allowed list', () => {
  assert.throws(
    () => resolveBorder('reflect_101', undefined, 'constant'),
    /Expected one of constant, zero, .* for border, got "reflect_101"/,
  );
  assert.throws(
    () => resolveBorder('constant', NaN, 'constant'),
    /Expected a finite number for cval, got NaN/,
  );
  assert.throws(() => resolveBorder('zero', 2, 'constant'), /for cval, got 2/);
});

test('padPlane pads a strided channel of an interleaved image', () => {
  // 2×2 image with 2 channels; channel 1 holds 10, 11 / 12, 13.
  const data = Float64Array.from([0, 10, 1, 11, 2, 12, 3, 13]);
  const P = padPlane(
    { data, offset: 1, rowStride: 4, colStride: 2, height: 2, width: 2 },
    { top: 1, bottom: 0, left: 0, right: 1 },
    { mode: 'constant', cval: -1 },
    Float64Array,
  );
  assert.deepEqual(Array.from(P), [-1, -1, -1, 10, 11, -1, 12, 13, -1]);
});
