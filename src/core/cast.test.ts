import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundHalfAway, roundHalfEven, storeRow, toInteger } from './cast.js';

test('round half to even', () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999, 2.5000001].map(roundHalfEven),
    [0, 2, 2, -0, -2, -2, 2, 3],
  );
});

test('round half away from zero (MATLAB)', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -2.5, 2.4].map(roundHalfAway), [1, 2, 3, -1, -3, 2]);
});

test('integer conversion saturates and honours each rounding mode', () => {
  assert.equal(toInteger(255.5, 'uint8'), 255);
  assert.equal(toInteger(-3, 'uint8'), 0);
  assert.equal(toInteger(70000, 'uint16'), 65535);
  assert.equal(toInteger(2.5, 'uint8', 'half-even'), 2);
  assert.equal(toInteger(2.5, 'uint8', 'half-away'), 3);
  assert.equal(toInteger(2.9, 'uint8', 'truncate'), 2);
});

test('NaN never becomes an integer silently', () => {
  assert.throws(() => toInteger(NaN, 'uint8'), /float dtype .* got "uint8"/);
  assert.throws(
    () => storeRow(Float64Array.from([1, NaN]), 2, new Uint8Array(2), 0, 1, 'uint8', 'half-even'),
    /NaN/,
  );
  assert.throws(
    () => storeRow(Float64Array.from([NaN]), 1, new Uint16Array(1), 0, 1, 'uint16', 'truncate'),
    /NaN/,
  );
});

test('storeRow writes strided channels and rounds half to even', () => {
  const out = new Uint8Array(6);
  storeRow(Float64Array.from([0.5, 1.5, 300]), 3, out, 1, 2, 'uint8', 'half-even');
  assert.deepEqual(Array.from(out), [0, 0, 0, 2, 0, 255]);
});
