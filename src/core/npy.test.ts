import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodesOrFormatError, mutate } from '../../test/fuzz.js';

import type { DType } from './dtypes.js';
import { FormatError, InvalidArgumentError } from './errors.js';
import { type NDArray, ndarray } from './ndarray.js';
import { decodeNpy, encodeNpy, parsePyLiteral } from './npy.js';

const FIXTURES = new URL('../../test/fixtures/npy/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

/** Builds a .npy file from a literal header text (padded with spaces + '\n' unless `raw`). */
function npyWith(header: string, data: Uint8Array, opts: { major?: number; raw?: boolean } = {}): Uint8Array {
  const major = opts.major ?? 1;
  const prefix = major === 1 ? 10 : 12;
  let text = header;
  if (!opts.raw) {
    const hlen = text.length + 1;
    text += ' '.repeat(64 - ((prefix + hlen) % 64)) + '\n';
  }
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(prefix + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(data, prefix + headerBytes.length);
  return out;
}

const f8Bytes = (values: number[]): Uint8Array => new Uint8Array(new Float64Array(values).buffer);
const HEADER_3x4_F8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";

function bytesOf(a: NDArray): Uint8Array {
  return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.format, '.npy');
    assert.match(e.message, pattern);
    return true;
  });
}

// --- numpy-written fixtures ---------------------------------------------------------------

test('npy fixture 000.in.npy (golden, <f8 5x10) decodes and re-encodes byte-identically', () => {
  const bytes = fixture('000.in.npy');
  const a = decodeNpy(bytes);
  assert.equal(a.dtype, 'float64');
  assert.deepEqual(a.shape, [5, 10]);
  assert.deepEqual([...a.data.subarray(0, 3)], [4.253, 8.476, 5.347]);
  assert.equal(a.data[a.data.length - 1], -14.103);
  assert.deepEqual(encodeNpy(a), bytes);
});

test('npy fixture int061.in.npy (golden, |u1 8x6) decodes and re-encodes byte-identically', () => {
  const bytes = fixture('int061.in.npy');
  const a = decodeNpy(bytes);
  assert.equal(a.dtype, 'uint8');
  assert.ok(a.data instanceof Uint8Array);
  assert.deepEqual(a.shape, [8, 6]);
  assert.deepEqual([...a.data.subarray(0, 3)], [48, 12, 223]);
  assert.equal(a.data[47], 100);
  assert.deepEqual(encodeNpy(a), bytes);
});

test('npy fixture ch075.in.npy (golden, <f4 11x5x3 channels last) decodes and re-encodes', () => {
  const bytes = fixture('ch075.in.npy');
  const a = decodeNpy(bytes);
  assert.equal(a.dtype, 'float32');
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual(a.shape, [11, 5, 3]);
  assert.deepEqual([...a.data.subarray(0, 3)], [1.325998306274414, 0.521248459815979, -0.22323352098464966]);
  assert.equal(a.data[a.data.length - 1], 0.00750813540071249);
  assert.equal(a.alpha, undefined);
  assert.deepEqual(encodeNpy(a), bytes);
});

test('npy fixture u2_1d.npy (<u2, 1-D) and f4_long.npy (<f4, 1000) re-encode byte-identically', () => {
  const u2 = fixture('u2_1d.npy');
  const a = decodeNpy(u2);
  assert.equal(a.dtype, 'uint16');
  assert.deepEqual(a.shape, [7]);
  assert.deepEqual([...a.data], [0, 10000, 20000, 30000, 40000, 50000, 60000]);
  assert.deepEqual(encodeNpy(a), u2);

  const f4 = fixture('f4_long.npy');
  const b = decodeNpy(f4);
  assert.deepEqual(b.shape, [1000]);
  assert.equal(b.data[999], 1);
  assert.deepEqual(encodeNpy(b), f4);
});

test('npy v2.0 header (numpy write_array version=(2, 0)) decodes', () => {
  const bytes = fixture('f8_v2.npy');
  assert.equal(bytes[6], 2);
  const a = decodeNpy(bytes);
  assert.equal(a.dtype, 'float64');
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual([...a.data], [0, 0.25, 0.5, 0.75, 1, 1.25]);
  // We write the same array back with a v1 header, as numpy.save would.
  const again = encodeNpy(a);
  assert.equal(again[6], 1);
  assert.deepEqual(decodeNpy(again), a);
});

test('npy v3.0 header (UTF-8) decodes', () => {
  const bytes = fixture('u1_v3.npy');
  assert.equal(bytes[6], 3);
  const a = decodeNpy(bytes);
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.deepEqual(
    [...a.data],
    Array.from({ length: 24 }, (_, i) => i),
  );
});

test('npy hand-made v2 header with odd length decodes', () => {
  const bytes = npyWith("{'shape': (2,), 'descr': '<f8', 'fortran_order': False}\n", f8Bytes([1.5, -2]), {
    major: 2,
    raw: true,
  });
  assert.deepEqual([...decodeNpy(bytes).data], [1.5, -2]);
});

// --- what we write -----------------------------------------------------------------------

test('npy encode 3x4 <f8 writes the v1 header exactly as numpy.save does', () => {
  const a = ndarray(
    new Float64Array(12).map((_, i) => i),
    [3, 4],
  );
  const bytes = encodeNpy(a);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLength) % 64, 0, 'data starts at a multiple of 64');
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.ok(header.startsWith(HEADER_3x4_F8));
  assert.match(header, /^[^\n]* +\n$/, 'spaces then one final newline');
  assert.equal(bytes.length, 10 + headerLength + 12 * 8);
  assert.deepEqual(new Float64Array(bytes.slice(10 + headerLength).buffer), a.data);
});

test('npy encode writes descr |u1, <u2, <f4, <f8 and 1-D shapes as (N,)', () => {
  const cases: [NDArray, string][] = [
    [ndarray(new Uint8Array(5), [5]), "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"],
    [ndarray(new Uint16Array(6), [2, 3]), "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }"],
    [
      ndarray(new Float32Array(6), [1, 2, 3]),
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }",
    ],
  ];
  for (const [a, expected] of cases) {
    const bytes = encodeNpy(a);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
    assert.ok(header.startsWith(expected), header);
  }
});

test('npy encode rejects something that is not an NDArray', () => {
  assert.throws(
    () => encodeNpy({ data: [1, 2], shape: [2], dtype: 'float64' } as never),
    InvalidArgumentError,
  );
  assert.throws(
    () => encodeNpy(null as never),
    /Expected an NDArray \{data, shape, dtype\} for output, got null/,
  );
});

// --- round trips -------------------------------------------------------------------------

const dtypeArb = fc.constantFrom<DType>('uint8', 'uint16', 'float32', 'float64');
const shapeArb = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 });

function arrayArb(): fc.Arbitrary<NDArray> {
  return fc.tuple(dtypeArb, shapeArb).chain(([dtype, shape]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const values: fc.Arbitrary<NDArray> =
      dtype === 'uint8'
        ? fc.uint8Array({ minLength: n, maxLength: n }).map((d) => ndarray(d, shape))
        : dtype === 'uint16'
          ? fc.uint16Array({ minLength: n, maxLength: n }).map((d) => ndarray(d, shape))
          : dtype === 'float32'
            ? fc.float32Array({ minLength: n, maxLength: n }).map((d) => ndarray(d, shape))
            : fc.float64Array({ minLength: n, maxLength: n }).map((d) => ndarray(d, shape));
    return values;
  });
}

test('npy property: decode(encode(a)) equals a bit for bit, for every dtype and rank', () => {
  fc.assert(
    fc.property(arrayArb(), (a) => {
      const bytes = encodeNpy(a);
      const b = decodeNpy(bytes);
      assert.equal(b.dtype, a.dtype);
      assert.deepEqual(b.shape, a.shape);
      // Bytes, not values: NaN payloads and -0 must survive too.
      assert.deepEqual(bytesOf(b), bytesOf(a));
      // numpy's layout: v1, data aligned to 64, header ends with '\n'.
      const headerEnd = 10 + (bytes[8] | (bytes[9] << 8));
      assert.equal(bytes[6], 1);
      assert.equal(headerEnd % 64, 0);
      assert.equal(bytes[headerEnd - 1], 0x0a);
    }),
    { numRuns: 300 },
  );
});

test('npy decode result never aliases the input bytes', () => {
  const bytes = encodeNpy(ndarray(new Uint8Array([1, 2, 3]), [3]));
  const a = decodeNpy(bytes);
  (a.data as Uint8Array)[0] = 99;
  assert.equal(decodeNpy(bytes).data[0], 1);
  assert.notEqual(a.data.buffer, bytes.buffer);
});

test('npy decode copies float64 data from an unaligned offset', () => {
  // A 1-byte-longer header puts the data at an odd offset.
  const bytes = npyWith(`${HEADER_3x4_F8} \n`.replace('(3, 4)', '(2,)'), f8Bytes([Math.PI, -0]), {
    raw: true,
  });
  assert.notEqual((bytes.length - 16) % 8, 0);
  const a = decodeNpy(bytes);
  assert.ok(a.data instanceof Float64Array);
  assert.equal(a.data[0], Math.PI);
  assert.ok(Object.is(a.data[1], -0));
  // Also from a subarray of a bigger buffer (as Node's pooled Buffers are).
  const big = new Uint8Array(bytes.length + 3);
  big.set(bytes, 3);
  assert.equal(decodeNpy(big.subarray(3)).data[0], Math.PI);
});

// --- header parsing ------------------------------------------------------------------------

test('npy header parser accepts any key order, whitespace, quotes and trailing commas', () => {
  const headers = [
    "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}",
    '{"descr":"<f8","fortran_order":False,"shape":(2,),}',
    "{\n  'descr' : '<f8' ,\n\t'fortran_order' : False ,\n  'shape' : ( 2 , ) ,\n}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }", // Python 2 numpy
    "{'descr': '=f8', 'fortran_order': False, 'shape': (2,)}", // native spelling
    "{'descr': 'f8', 'fortran_order': False, 'shape': (2,)}",
  ];
  for (const h of headers) {
    const a = decodeNpy(npyWith(h, f8Bytes([1, 2])));
    assert.deepEqual(a.shape, [2], h);
    assert.deepEqual([...a.data], [1, 2], h);
  }
  const trailing = decodeNpy(
    npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2,), }", f8Bytes([1, 2])),
  );
  assert.deepEqual(trailing.shape, [1, 2]);
});

test('npy descr spellings |u1, <u1, u1, >u1 all mean uint8; <u2 and =u2 mean uint16', () => {
  for (const descr of ['|u1', '<u1', 'u1', '>u1', '=u1']) {
    const a = decodeNpy(
      npyWith(`{'descr': '${descr}', 'fortran_order': False, 'shape': (3,)}`, new Uint8Array([1, 2, 3])),
    );
    assert.equal(a.dtype, 'uint8', descr);
  }
  for (const descr of ['<u2', '=u2']) {
    const a = decodeNpy(
      npyWith(`{'descr': '${descr}', 'fortran_order': False, 'shape': (1,)}`, new Uint8Array([1, 2])),
    );
    assert.equal(a.dtype, 'uint16', descr);
    assert.equal(a.data[0], 0x0201);
  }
});

test('npy parsePyLiteral handles nested values and rejects garbage', () => {
  assert.deepEqual(parsePyLiteral('[1, (2), None, True]'), [1, 2, null, true]);
  for (const bad of [
    '{',
    "{'a': }",
    "{'a' 1}",
    '{1: 2}',
    "{'a': 1} x",
    "{'a': foo}",
    "{'a': 'b",
    "{'a': 1, 'a': 2}",
  ]) {
    assert.throws(() => parsePyLiteral(bad), Error, bad);
  }
});

// --- errors --------------------------------------------------------------------------------

const u1 = (header: string, n = 3): Uint8Array => npyWith(header, new Uint8Array(n));
const dict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

test('npy error: bad magic, empty file, unsupported version', () => {
  expectFormatError(
    () => decodeNpy(new TextEncoder().encode('PK\x03\x04 this is a zip file')),
    /^\.npy: not a \.npy file: the first bytes are 50 4b 03 04 20 74, expected the magic "\\x93NUMPY"$/,
  );
  expectFormatError(
    () => decodeNpy(new Uint8Array(0)),
    /not a \.npy file: the first bytes are \(empty file\)/,
  );
  const v4 = u1(dict("'|u1'", '(3,)'));
  v4[6] = 4;
  expectFormatError(() => decodeNpy(v4), /unsupported format version 4\.0; allowed: 1\.0, 2\.0, 3\.0/);
});

test('npy error: truncated header', () => {
  const bytes = u1(dict("'|u1'", '(3,)'));
  expectFormatError(
    () => decodeNpy(bytes.subarray(0, 40)),
    /truncated header: it declares 118 bytes but only 30 follow/,
  );
  expectFormatError(() => decodeNpy(bytes.subarray(0, 9)), /not a \.npy file/);
});

test('npy error: a header that does not parse names the header text', () => {
  expectFormatError(
    () => decodeNpy(u1("{'descr': '|u1', 'fortran_order': False, 'shape': (3,)")),
    /header does not parse \(expected ',' or '}' at offset \d+\): "\{'descr': '\|u1'.*\(3,\)"$/,
  );
  expectFormatError(() => decodeNpy(u1('[1, 2]')), /header is not a dict: \[1, 2\]/);
  expectFormatError(
    () => decodeNpy(u1("{'descr': '|u1', 'shape': (3,)}")),
    /header keys are \['descr', 'shape'\]; expected/,
  );
  expectFormatError(
    () => decodeNpy(u1("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), 'x': 1}")),
    /header keys are \['descr', 'fortran_order', 'shape', 'x'\]/,
  );
});

test('npy error: unsupported descr names it and lists the allowed ones', () => {
  const allowed = /; allowed: <f8, <f4, \|u1 or <u2$/;
  const cases: [string, RegExp][] = [
    ["'>f8'", /unsupported descr ">f8" \(big-endian; convert with .*\)/],
    ["'>u2'", /unsupported descr ">u2" \(big-endian/],
    ["'<i4'", /unsupported descr "<i4" \(signed integer of 4 bytes\)/],
    ["'|b1'", /unsupported descr "\|b1" \(bool of 1 byte\)/],
    ["'|O'", /unsupported descr "\|O"/],
    ["'<f2'", /unsupported descr "<f2" \(float of 2 bytes\)/],
    ["'<c16'", /unsupported descr "<c16" \(complex of 16 bytes\)/],
    ["[('a', '<f8')]", /unsupported descr \[\('a', '<f8'\)\] \(structured dtypes are not supported\)/],
  ];
  for (const [descr, pattern] of cases) {
    expectFormatError(() => decodeNpy(u1(dict(descr, '(3,)'))), pattern);
    expectFormatError(() => decodeNpy(u1(dict(descr, '(3,)'))), allowed);
  }
});

test('npy error: fortran_order True', () => {
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", '(3,)', 'True'))),
    /fortran_order True is not supported; save a C-order array/,
  );
  expectFormatError(() => decodeNpy(u1(dict("'|u1'", '(3,)', '0'))), /fortran_order must be False, got 0/);
});

test('npy error: 0-d, 5-D, zero-size and non-tuple shapes', () => {
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", '()'), 1)),
    /shape \(\) has 0 dimensions; allowed: 1 \(N\), 2 \(H, W\), 3 \(H, W, C\) or 4 \(N, C, H, W\)/,
  );
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", '(1, 1, 1, 1, 3)'), 3)),
    /shape \(1, 1, 1, 1, 3\) has 5 dimensions/,
  );
  expectFormatError(() => decodeNpy(u1(dict("'|u1'", '(0, 3)'), 0)), /shape \(0, 3\) has an empty dimension/);
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", '[3]'))),
    /shape must be a tuple of integers, got \[3\]/,
  );
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", "('3',)"))),
    /shape must be a tuple of integers, got \('3',\)/,
  );
  expectFormatError(
    () => decodeNpy(u1(dict("'|u1'", '(-3,)'))),
    /header does not parse \(unexpected character "-"/,
  );
  expectFormatError(
    () => decodeNpy(u1(dict("'<f8'", '(100000, 100000)'))),
    /shape \(100000, 100000\) has 10000000000 elements; at most 1073741824 are allowed/,
  );
});

test('npy error: truncated or overlong data', () => {
  const bytes = encodeNpy(ndarray(new Float64Array(12), [3, 4]));
  expectFormatError(
    () => decodeNpy(bytes.subarray(0, bytes.length - 1)),
    /data length 95 bytes does not match shape \(3, 4\) of <f8: expected 96 bytes \(truncated file\?\)$/,
  );
  const longer = new Uint8Array(bytes.length + 8);
  longer.set(bytes);
  expectFormatError(
    () => decodeNpy(longer),
    /data length 104 bytes does not match shape \(3, 4\) of <f8: expected 96 bytes$/,
  );
});

test('npy error messages carry the name when one is given', () => {
  expectFormatError(
    () => decodeNpy(new Uint8Array(3), 'data/in.npy'),
    /^\.npy: "data\/in\.npy": not a \.npy file/,
  );
});

// --- fuzzing -----------------------------------------------------------------------------

test('npy fuzz: mutated or truncated files decode or throw FormatError, nothing else', () => {
  const bases = [
    fixture('000.in.npy'),
    fixture('ch075.in.npy'),
    fixture('u1_v3.npy'),
    fixture('f8_v2.npy'),
    encodeNpy(ndarray(new Uint16Array([1, 2, 3, 4]), [2, 2])),
  ];
  for (const base of bases) {
    fc.assert(
      fc.property(mutate(base, 8), (bytes) => decodesOrFormatError(decodeNpy, bytes)),
      { numRuns: 400 },
    );
  }
});

test('npy fuzz: header edits focused on the dict text', () => {
  const base = fixture('int061.in.npy');
  const chars = fc.constantFrom(...'{}()[],:\'" 0123456789LTFNx<>|=uf\n'.split(''));
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.integer({ min: 10, max: 127 }), c: chars }), { maxLength: 6 }),
      (edits) => {
        const bytes = base.slice();
        for (const { at, c } of edits) bytes[at] = c.charCodeAt(0);
        try {
          decodeNpy(bytes);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
        }
      },
    ),
    { numRuns: 1000 },
  );
});
