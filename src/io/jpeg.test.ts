import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodesOrFormatError, mutate } from '../../test/fuzz.js';

import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import { decodeJpeg, encodeJpeg, frameComponents } from './jpeg.js';
import { decodePng } from './png.js';

const astronaut = (): NDArray =>
  decodePng(new Uint8Array(readFileSync(new URL('../../samples/astronaut.png', import.meta.url))));

/** A 16x12 one-component (grayscale) JPEG written by PIL 9.4 at quality 95; pixel (y, x) = (16x + 4y) mod 256. */
const PIL_GRAY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAMABABAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APhf/gm38Nv+PD/R/wC72r9wPgb4r/4Ze/ZY8eftMf8ACH/25/wrv4f6v4n/ALE+2/Zv7Q+wWM119n87ZJ5XmeVs37H27s7Wxg/lX/wTb0LTf9A/c/3a/QD/AIK26Fpv/Dib4yfuf+hW/wDUn0mv/9k=',
  'base64',
);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.format, 'JPEG');
    assert.match(e.message, pattern);
    return true;
  });
}

function expectArgError(option: string, fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
    assert.equal(e.option, option);
    assert.match(e.message, pattern);
    return true;
  });
}

// --- decode --------------------------------------------------------------------------------

test('jpeg decode one-component (gray) JPEG from PIL gives [H, W] uint8', () => {
  const bytes = new Uint8Array(PIL_GRAY_JPEG);
  assert.equal(frameComponents(bytes), 1);
  const a = decodeJpeg(bytes);
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [12, 16]);
  const expected = Array.from({ length: 12 * 16 }, (_, i) => (16 * (i % 16) + 4 * Math.floor(i / 16)) % 256);
  assert.ok(maxAbsDiff(a.data, expected) <= 4, `max diff ${maxAbsDiff(a.data, expected)}`);
});

test('jpeg encode -> decode of a real photo is close (PSNR > 35 dB at quality 92)', () => {
  const photo = astronaut();
  const bytes = encodeJpeg(photo);
  assert.equal(frameComponents(bytes), 3);
  assert.ok(bytes.length < photo.data.length / 4, `${bytes.length} bytes`);
  const back = decodeJpeg(bytes);
  assert.equal(back.dtype, 'uint8');
  assert.deepEqual(back.shape, [512, 512, 3]);
  assert.equal(back.alpha, undefined);
  const p = psnr(photo.data, back.data);
  assert.ok(p > 35, `PSNR ${p.toFixed(2)} dB`);
});

test('jpeg quality changes size and fidelity', () => {
  const photo = astronaut();
  const low = encodeJpeg(photo, 10);
  const high = encodeJpeg(photo, 100);
  assert.ok(low.length < high.length / 3, `${low.length} vs ${high.length}`);
  assert.ok(psnr(photo.data, decodeJpeg(low).data) < psnr(photo.data, decodeJpeg(high).data));
});

test('jpeg property: smooth RGB images survive encode -> decode within a few levels', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
      ),
      (h, w, [r, g, b]) => {
        const data = new Uint8Array(h * w * 3);
        for (let i = 0; i < h * w; i++) data.set([r, g, b], 3 * i);
        const back = decodeJpeg(encodeJpeg(ndarray(data, [h, w, 3])));
        assert.deepEqual(back.shape, [h, w, 3]);
        assert.ok(maxAbsDiff(back.data, data) <= 3, `max diff ${maxAbsDiff(back.data, data)}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('jpeg encode gray [H, W] and [H, W, 1]: written as RGB, decoded as [H, W, 3] with equal channels', () => {
  const h = 24;
  const w = 20;
  const gray = Uint8Array.from({ length: h * w }, (_, i) => 40 + (i % w) * 8);
  for (const shape of [
    [h, w],
    [h, w, 1],
  ]) {
    const back = decodeJpeg(encodeJpeg(ndarray(gray, shape)));
    assert.deepEqual(back.shape, [h, w, 3]);
    const channel = (c: number): number[] => Array.from({ length: h * w }, (_, i) => back.data[3 * i + c]);
    assert.ok(maxAbsDiff(channel(0), gray) <= 6);
    assert.ok(maxAbsDiff(channel(0), channel(1)) <= 1);
    assert.ok(maxAbsDiff(channel(0), channel(2)) <= 1);
  }
});

test('jpeg encode returns a plain Uint8Array that owns its bytes', () => {
  const bytes = encodeJpeg(ndarray(new Uint8Array(12), [2, 2, 3]));
  assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.buffer.byteLength, bytes.length);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
});

// --- encode errors -------------------------------------------------------------------------

test('jpeg encode RGBA and gray+alpha: error for output says to drop alpha or use PNG', () => {
  expectArgError(
    'output',
    () => encodeJpeg(ndarray(new Uint8Array(16), [2, 2, 4], { alpha: true })),
    /^Expected an H×W, H×W×1 or H×W×3 image for JPEG \(drop the alpha channel or write PNG\) for output, got "shape \[2, 2, 4\]"$/,
  );
  expectArgError(
    'output',
    () => encodeJpeg(ndarray(new Uint8Array(8), [2, 2, 2])),
    /drop the alpha channel or write PNG/,
  );
});

test('jpeg encode rejects other dtypes, 1-D arrays and bad quality', () => {
  expectArgError(
    'output',
    () => encodeJpeg(ndarray(new Uint16Array(4), [2, 2])),
    /^Expected a uint8 image for JPEG \(use --dtype uint8, or write PNG or \.npy\) for output, got "a uint16 array"$/,
  );
  expectArgError('output', () => encodeJpeg(ndarray(new Float32Array(4), [2, 2])), /got "a float32 array"/);
  expectArgError('output', () => encodeJpeg(ndarray(new Uint8Array(4), [4])), /got "shape \[4\]"/);
  expectArgError('output', () => encodeJpeg(ndarray(new Uint8Array(10), [1, 2, 5])), /write PNG or \.npy/);
  for (const q of [0, 101, 50.5, Number.NaN, -1]) {
    expectArgError(
      'quality',
      () => encodeJpeg(ndarray(new Uint8Array(4), [2, 2]), q),
      /^Expected an integer from 1 to 100 for quality, got .+ \(number\)$/,
    );
  }
  expectArgError('quality', () => encodeJpeg(ndarray(new Uint8Array(4), [2, 2]), '90' as never), /got "90"/);
});

// --- decode errors -------------------------------------------------------------------------

test('jpeg error: not a JPEG, empty input', () => {
  expectFormatError(
    () => decodeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2])),
    /^JPEG: not a JPEG file: the first bytes are 89 50 4e 47, expected ff d8 ff$/,
  );
  expectFormatError(() => decodeJpeg(new Uint8Array(0)), /the first bytes are \(empty file\)/);
});

test('jpeg error: truncated and corrupt files', () => {
  const bytes = encodeJpeg(ndarray(new Uint8Array(16 * 16 * 3).fill(100), [16, 16, 3]));
  expectFormatError(
    () => decodeJpeg(bytes.subarray(0, 300)),
    /^JPEG: corrupt, truncated or unsupported file \(.+\)$/,
  );
  expectFormatError(() => decodeJpeg(bytes.subarray(0, 4)), /corrupt, truncated or unsupported file/);
  const garbage = new Uint8Array(64).fill(0x41);
  garbage.set([0xff, 0xd8, 0xff, 0x00]);
  expectFormatError(
    () => decodeJpeg(garbage),
    /corrupt, truncated or unsupported file \(unknown JPEG marker/,
  );
});

test('jpeg frameComponents walks markers and gives up cleanly', () => {
  assert.equal(frameComponents(new Uint8Array([0xff, 0xd8])), undefined);
  assert.equal(frameComponents(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 0, 0])), undefined);
  assert.equal(frameComponents(new Uint8Array([0xff, 0xd8, 0x12, 0x34, 0, 2])), undefined);
  // Fill byte, APP0 (length 4), then SOF2 (progressive) with 3 components.
  const sof = [0xff, 0xd8, 0xff, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc2, 0, 17, 8, 0, 1, 0, 1, 3];
  assert.equal(frameComponents(new Uint8Array(sof)), 3);
});

// --- fuzzing -------------------------------------------------------------------------------

test('jpeg fuzz: mutated or truncated files decode or throw FormatError', { timeout: 120_000 }, () => {
  const rgb = Uint8Array.from({ length: 24 * 17 * 3 }, (_, i) => (i * 37) % 256);
  const bases = [new Uint8Array(PIL_GRAY_JPEG), encodeJpeg(ndarray(rgb, [24, 17, 3]), 75)];
  for (const base of bases) {
    fc.assert(
      fc.property(mutate(base), (bytes) => decodesOrFormatError(decodeJpeg, bytes)),
      { numRuns: 500 },
    );
  }
});

test('jpeg decode does not modify its input', () => {
  const bytes = new Uint8Array(PIL_GRAY_JPEG);
  const copy = bytes.slice();
  decodeJpeg(bytes);
  assert.deepEqual(bytes, copy);
});
