/** Fuzzing helpers shared by the codec tests. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../src/core/errors.js';
import type { NDArray } from '../src/core/ndarray.js';

/** Random byte edits, a truncation, or both, applied to a fresh copy of `base`. */
export function mutate(base: Uint8Array, maxEdits = 6): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
  return fc
    .record({
      edits: fc.array(edit, { maxLength: maxEdits }),
      cut: fc.option(fc.nat({ max: base.length }), { nil: undefined }),
    })
    .map(({ edits, cut }) => {
      const out = base.slice(0, cut ?? base.length);
      for (const { at, value } of edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    });
}

/** A decoder must either return a consistent array or throw FormatError — never anything else. */
export function decodesOrFormatError(decode: (bytes: Uint8Array) => NDArray, bytes: Uint8Array): void {
  try {
    const a = decode(bytes);
    assert.equal(
      a.data.length,
      a.shape.reduce((p, d) => p * d, 1),
    );
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
  }
}
