// Fuzzing the inline-kernel parser: any string either parses into a finite, rectangular
// kernel or is refused with InvalidArgumentError naming the kernel option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { parseInlineKernel } from '../../src/kernels/kernel.js';

const kernelish = fc.stringMatching(/^[0-9 .,;eE+\-/xnaif[\]\t]{0,40}$/);

test('inline kernel parser: random text parses to a finite rectangular kernel or throws InvalidArgumentError', () => {
  fc.assert(
    fc.property(fc.oneof(kernelish, fc.string({ maxLength: 40 })), (text) => {
      try {
        const k = parseInlineKernel(text);
        assert.equal(k.data.length, k.rows * k.cols);
        assert.ok(k.rows >= 1 && k.cols >= 1);
        assert.ok(k.data.every(Number.isFinite));
      } catch (e) {
        assert.ok(e instanceof InvalidArgumentError, `unexpected ${String(e)}`);
        assert.equal(e.option, 'kernel');
      }
    }),
    { numRuns: 3000 },
  );
});

test('inline kernel parser round-trips any finite matrix written with ; and spaces or commas', () => {
  const num = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 5 })
        .chain((w) =>
          fc.array(fc.array(num, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 5 }),
        ),
      fc.constantFrom(' ', ',', ', ', '  '),
      (rows, sep) => {
        const text = rows.map((r) => r.map(String).join(sep)).join('; ');
        const k = parseInlineKernel(text);
        assert.deepEqual([k.rows, k.cols], [rows.length, rows[0].length]);
        assert.deepEqual(
          Array.from(k.data),
          rows.flat().map((v) => v + 0),
        );
      },
    ),
  );
});

test('fractions are accepted: "1/9" is one ninth', () => {
  assert.equal(parseInlineKernel('1/9 2/9').data[0], 1 / 9);
  assert.throws(() => parseInlineKernel('1/0'), /"1\/0" is not a number/);
});
