import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodesOrFormatError, mutate } from '../../test/fuzz.js';
import { encode as fastPngEncode } from 'fast-png';

import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import { decodePng, encodePng } from './png.js';

const SAMPLES = new URL('../../samples/', import.meta.url);
const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, SAMPLES)));
const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.format, 'PNG');
    assert.match(e.message, pattern);
    return true;
  });
}

function expectOutputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
    assert.equal(e.option, 'output');
    assert.match(e.message, pattern);
    return true;
  });
}

/** Sets a big-endian uint32 and fixes the chunk CRC of the IHDR (bytes 12..28). */
function patchIhdr(png: Uint8Array, edit: (ihdr: DataView) => void): Uint8Array {
  const out = png.slice();
  edit(new DataView(out.buffer, 16, 13));
  new DataView(out.buffer).setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

// --- round trips -------------------------------------------------------------------------

const VARIANTS = [
  { channels: 1, name: 'gray' },
  { channels: 2, name: 'gray+alpha' },
  { channels: 3, name: 'RGB' },
  { channels: 4, name: 'RGBA' },
];

for (const depth of [8, 16] as const) {
  for (const { channels, name } of VARIANTS) {
    test(`png round trip ${depth}-bit ${name}: exact values, shape and alpha flag`, () => {
      const dims = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }));
      fc.assert(
        fc.property(
          dims.chain(([h, w]) => {
            const n = h * w * channels;
            const data =
              depth === 8
                ? fc.uint8Array({ minLength: n, maxLength: n })
                : fc.uint16Array({ minLength: n, maxLength: n });
            return data.map((d) => ({ h, w, d }));
          }),
          ({ h, w, d }) => {
            const shape = channels === 1 ? [h, w] : [h, w, channels];
            const a = ndarray(d, shape, { alpha: channels === 2 || channels === 4 });
            const bytes = encodePng(a);
            // IHDR: bit depth and colour type as PNG defines them.
            assert.equal(bytes[24], depth);
            assert.equal(bytes[25], [0, 4, 2, 6][channels - 1]);
            const b = decodePng(bytes);
            assert.equal(b.dtype, depth === 8 ? 'uint8' : 'uint16');
            assert.deepEqual(b.shape, shape);
            assert.equal(b.alpha, channels === 2 || channels === 4 ? true : undefined);
            assert.deepEqual(b.data, a.data);
          },
        ),
        { numRuns: 40 },
      );
    });
  }
}

test('png encode [H, W, 1] writes gray and decodes as [H, W]', () => {
  const a = ndarray(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 3, 1]);
  const b = decodePng(encodePng(a));
  assert.deepEqual(b.shape, [2, 3]);
  assert.deepEqual([...b.data], [1, 2, 3, 4, 5, 6]);
});

test('png encode ignores the alpha flag: [H, W, 4] is always written as RGBA', () => {
  const a = ndarray(new Uint8Array([1, 2, 3, 4]), [1, 1, 4]);
  const b = decodePng(encodePng(a));
  assert.equal(b.alpha, true);
  assert.deepEqual([...b.data], [1, 2, 3, 4]);
});

test('png decode Adam7-interlaced 8- and 16-bit images (written by fast-png)', () => {
  const h = 13;
  const w = 11;
  const rgb = Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 7) % 256);
  const a = decodePng(
    fastPngEncode({ width: w, height: h, data: rgb, channels: 3, depth: 8 }, { interlace: 'Adam7' }),
  );
  assert.deepEqual(a.shape, [h, w, 3]);
  assert.deepEqual(a.data, rgb);
  const ga = Uint16Array.from({ length: h * w * 2 }, (_, i) => (i * 4099) % 65536);
  const b = decodePng(
    fastPngEncode({ width: w, height: h, data: ga, channels: 2, depth: 16 }, { interlace: 'Adam7' }),
  );
  assert.deepEqual(b.shape, [h, w, 2]);
  assert.equal(b.alpha, true);
  assert.deepEqual(b.data, ga);
});

// --- files from other encoders -------------------------------------------------------------

test('png decode samples/astronaut.png: 512x512 RGB uint8 photo', () => {
  const a = decodePng(sample('astronaut.png'));
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [512, 512, 3]);
  assert.equal(a.alpha, undefined);
  const px = (y: number, x: number): number[] => [
    ...a.data.subarray((y * 512 + x) * 3, (y * 512 + x) * 3 + 3),
  ];
  // Values from PIL.
  assert.deepEqual(px(0, 0), [154, 147, 151]);
  assert.deepEqual(px(100, 200), [81, 57, 17]);
  assert.deepEqual(px(511, 511), [0, 0, 0]);
  let sum = 0;
  for (const v of a.data) sum += v;
  const mean = sum / a.data.length;
  assert.ok(Math.abs(mean - 114.59900410970052) < 1e-9);
});

test('png decode samples/camera.png: 512x512 gray uint8 as [H, W]', () => {
  const a = decodePng(sample('camera.png'));
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [512, 512]);
  assert.equal(a.data[0], 200);
  assert.equal(a.data[100 * 512 + 200], 54);
  assert.equal(a.data[511 * 512 + 511], 149);
  // Encode + decode is lossless.
  assert.deepEqual(decodePng(encodePng(a)).data, a.data);
});

// Written by PIL 9.4 (see the values in each test).
const PIL_PALETTE_RGB =
  'iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEAgMAAAA7XR3TAAAADFBMVEX/AAAA/wAAAP8KFB4iiCkEAAAAFElEQVR4nGOQZmDIcWDY2MBw7AAADhYDf5RJldUAAAAASUVORK5CYII=';
const PIL_PALETTE_RGBA =
  'iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEAgMAAAA7XR3TAAAADFBMVEX/AAAA/wAAAP8KFB4iiCkEAAAABHRSTlP/gAD/oaGUZgAAABRJREFUeJxjkGZgyHFg2NjAcOwAAA4WA3+USZXVAAAAAElFTkSuQmCC';
const PIL_1BIT =
  'iVBORw0KGgoAAAANSUhEUgAAAAoAAAADAQAAAACCRqPYAAAAEUlEQVR4nGOY5MCoEsPgyQAACRUBnZYNyrQAAAAASUVORK5CYII=';
const PIL_16BIT_GRAY =
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACEAAAAADoj+WFAAAAFklEQVR4nGNkYDCwNLBkmLD6wJOPsgAWQATBeFL/yAAAAABJRU5ErkJggg==';
const PALETTE = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [10, 20, 30],
];
const INDICES = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];

test('png decode 2-bit palette image (PIL) expands to RGB', () => {
  const a = decodePng(fromBase64(PIL_PALETTE_RGB));
  assert.deepEqual(a.shape, [4, 5, 3]);
  assert.equal(a.alpha, undefined);
  assert.deepEqual(
    [...a.data],
    INDICES.flatMap((i) => PALETTE[i]),
  );
});

test('png decode palette image with tRNS (PIL) expands to RGBA with alpha', () => {
  const alphas = [255, 128, 0, 255];
  const a = decodePng(fromBase64(PIL_PALETTE_RGBA));
  assert.deepEqual(a.shape, [4, 5, 4]);
  assert.equal(a.alpha, true);
  assert.deepEqual(
    [...a.data],
    INDICES.flatMap((i) => [...PALETTE[i], alphas[i]]),
  );
});

test('png decode 1-bit gray (PIL) scales to 0/255 uint8', () => {
  const a = decodePng(fromBase64(PIL_1BIT));
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [3, 10]);
  assert.deepEqual(
    [...a.data],
    Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 255 : 0)),
  );
});

test('png decode 16-bit gray (PIL) as uint16 [H, W]', () => {
  const a = decodePng(fromBase64(PIL_16BIT_GRAY));
  assert.equal(a.dtype, 'uint16');
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual([...a.data], [0, 12345, 24690, 37035, 49380, 61725]);
});

test('png decode 1-, 2- and 4-bit gray scale to 0..255 (width not a multiple of 8)', () => {
  for (const depth of [1, 2, 4] as const) {
    const levels = 1 << depth;
    const w = 7;
    const h = 3;
    const values = Array.from({ length: w * h }, (_, i) => (i * 5) % levels);
    // Pack rows MSB first, each row padded to a whole byte, as PNG does.
    const rowBytes = Math.ceil((w * depth) / 8);
    const packed = new Uint8Array(rowBytes * h);
    values.forEach((v, i) => {
      const y = Math.floor(i / w);
      const x = i % w;
      const bit = x * depth;
      packed[y * rowBytes + (bit >> 3)] |= v << (8 - depth - (bit & 7));
    });
    const bytes = fastPngEncode({ width: w, height: h, data: packed, channels: 1, depth });
    const a = decodePng(bytes);
    assert.equal(a.dtype, 'uint8');
    assert.deepEqual(a.shape, [h, w]);
    assert.deepEqual(
      [...a.data],
      values.map((v) => (v * 255) / (levels - 1)),
      `depth ${depth}`,
    );
  }
});

test('png decode 8-bit and 1-bit palette images written by fast-png', () => {
  const palette = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const idx8 = new Uint8Array([0, 1, 1, 0, 1, 0]);
  const a = decodePng(fastPngEncode({ width: 3, height: 2, data: idx8, channels: 1, depth: 8, palette }));
  assert.deepEqual(a.shape, [2, 3, 3]);
  assert.deepEqual(
    [...a.data],
    [...idx8].flatMap((i) => palette[i]),
  );
  const idx1 = new Uint8Array([0b01100000, 0b10100000]); // rows 0 1 1 / 1 0 1
  const b = decodePng(fastPngEncode({ width: 3, height: 2, data: idx1, channels: 1, depth: 1, palette }));
  assert.deepEqual(
    [...b.data],
    [0, 1, 1, 1, 0, 1].flatMap((i) => palette[i]),
  );
});

// --- encode errors -------------------------------------------------------------------------

test('png encode rejects float dtypes, 1-D arrays and more than 4 channels for option output', () => {
  expectOutputError(
    () => encodePng(ndarray(new Float32Array(4), [2, 2])),
    /^Expected a uint8 or uint16 image for PNG \(use --dtype uint8 or write \.npy\) for output, got "a float32 array"$/,
  );
  expectOutputError(() => encodePng(ndarray(new Float64Array(4), [2, 2])), /for PNG .*got "a float64 array"/);
  expectOutputError(
    () => encodePng(ndarray(new Uint8Array(4), [4])),
    /^Expected an H×W or H×W×C image with C = 1 to 4 for PNG \(write \.npy for other shapes\) for output, got "shape \[4\]"$/,
  );
  expectOutputError(() => encodePng(ndarray(new Uint16Array(10), [1, 2, 5])), /got "shape \[1, 2, 5\]"/);
  assert.throws(() => encodePng({ data: new Uint8Array(3), shape: [2, 2], dtype: 'uint8' }), /output/);
});

// --- decode errors -------------------------------------------------------------------------

const small = (): Uint8Array => encodePng(ndarray(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 3]));

test('png error: not a PNG, empty input', () => {
  expectFormatError(
    () => decodePng(new TextEncoder().encode('GIF89a...')),
    /^PNG: not a PNG file: the first bytes are 47 49 46 38 39 61 2e 2e, expected 89 50 4e 47 0d 0a 1a 0a$/,
  );
  expectFormatError(() => decodePng(new Uint8Array(0)), /not a PNG file: the first bytes are \(empty file\)/);
  expectFormatError(
    () => decodePng(sample('camera.png').subarray(0, 20)),
    /^PNG: truncated file: only 20 bytes$/,
  );
});

test('png error: truncated data and bad CRC', () => {
  const bytes = sample('camera.png');
  expectFormatError(
    () => decodePng(bytes.subarray(0, bytes.length - 20)),
    /^PNG: corrupt or truncated file \(.+\)$/,
  );
  expectFormatError(() => decodePng(bytes.subarray(0, 5000)), /corrupt or truncated file/);
  const flipped = small();
  flipped[45] ^= 0x10; // inside the IDAT chunk
  expectFormatError(() => decodePng(flipped), /corrupt or truncated file \(CRC mismatch for chunk IDAT/);
});

test('png error: IHDR checks (colour type, depth, interlace, size)', () => {
  const base = small();
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => v.setUint8(9, 5))),
    /unknown colour type 5; allowed: 0 \(gray\), 2 \(RGB\), 3 \(palette\), 4 \(gray\+alpha\), 6 \(RGBA\)/,
  );
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => (v.setUint8(8, 4), v.setUint8(9, 2)))),
    /bit depth 4 is not valid for RGB images; allowed: 8, 16/,
  );
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => (v.setUint8(8, 16), v.setUint8(9, 3)))),
    /bit depth 16 is not valid for palette images; allowed: 1, 2, 4, 8/,
  );
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => (v.setUint8(8, 2), v.setUint8(12, 1)))),
    /interlaced \(Adam7\) 2-bit gray images are not supported; re-save without interlacing/,
  );
  expectFormatError(() => decodePng(patchIhdr(base, (v) => v.setUint8(12, 2))), /unknown interlace method 2/);
  expectFormatError(() => decodePng(patchIhdr(base, (v) => v.setUint32(0, 0))), /empty image: 0x2/);
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => (v.setUint32(0, 100000), v.setUint32(4, 100000)))),
    /image 100000x100000 is too large: at most 1073741824 samples are allowed/,
  );
  // Dimensions that fit but do not match the data: fast-png finds too few rows.
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => v.setUint32(4, 50))),
    /corrupt or truncated file \(/,
  );
  // Dimensions the compressed data could never hold are refused before allocating.
  expectFormatError(
    () => decodePng(patchIhdr(base, (v) => (v.setUint32(0, 30000), v.setUint32(4, 30000)))),
    /^PNG: corrupt or truncated file: \d+ bytes of image data cannot hold a 30000x30000 image$/,
  );
  const notIhdr = base.slice();
  notIhdr[12] = 0x69; // 'iHDR'
  expectFormatError(() => decodePng(notIhdr), /the first chunk is not a 13-byte IHDR/);
});

// --- fuzzing -------------------------------------------------------------------------------

test('png fuzz: mutated or truncated files decode or throw FormatError', { timeout: 60_000 }, () => {
  const bases = [
    small(),
    encodePng(
      ndarray(
        Uint16Array.from({ length: 5 * 4 * 4 }, (_, i) => i * 800),
        [5, 4, 4],
      ),
    ),
    fromBase64(PIL_PALETTE_RGBA),
    fromBase64(PIL_1BIT),
    fastPngEncode(
      { width: 9, height: 7, data: new Uint8Array(9 * 7 * 3).fill(77), channels: 3 },
      { interlace: 'Adam7' },
    ),
  ];
  for (const base of bases)
    fc.assert(
      fc.property(mutate(base), (bytes) => decodesOrFormatError(decodePng, bytes)),
      { numRuns: 500 },
    );
});

test('png fuzz: edits confined to IHDR with a valid CRC', { timeout: 60_000 }, () => {
  const base = small();
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.integer({ min: 0, max: 12 }), v: fc.integer({ min: 0, max: 255 }) })),
      (edits) => {
        decodesOrFormatError(
          decodePng,
          patchIhdr(base, (view) => edits.forEach(({ at, v }) => view.setUint8(at, v))),
        );
      },
    ),
    { numRuns: 500 },
  );
});

test('png fuzz: a real photo truncated anywhere', { timeout: 60_000 }, () => {
  const bytes = sample('camera.png');
  fc.assert(
    fc.property(fc.nat({ max: bytes.length - 1 }), (cut) => {
      expectFormatError(() => decodePng(bytes.subarray(0, cut)), /./);
    }),
    { numRuns: 30 },
  );
});

test('png decode works on a subarray at an odd offset (as Node Buffer views are)', () => {
  const bytes = sample('camera.png');
  const big = new Uint8Array(bytes.length + 5);
  big.set(bytes, 5);
  assert.deepEqual(decodePng(big.subarray(5)).data, decodePng(bytes).data);
});

test('png decode does not modify its input', () => {
  const bytes = sample('astronaut.png');
  const copy = bytes.slice();
  decodePng(bytes);
  assert.deepEqual(bytes, copy);
  const a: NDArray = ndarray(new Uint8Array([9, 8, 7]), [1, 3]);
  encodePng(a);
  assert.deepEqual([...a.data], [9, 8, 7]);
});
