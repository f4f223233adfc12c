// The playground's own modules, in Node: the worked example against the library's output,
// the header sniffer, the kernel facts and the letter grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BORDER_MODES,
  OUTPUT_SHAPES,
  bilateralFilter,
  bilateralSpec,
  medianFilter,
  NAMED_KERNELS,
  namedKernel,
  encodePng,
  ndarray,
  type NDArray,
} from '../../src/index.js';
import { bilateralExample, medianExample } from '../../web/src/explain-local.js';
import { fromRGBA, headerSize } from '../../web/src/decode.js';
import { PRESETS, cellsFor } from '../../web/src/presets.js';
import { parseCell } from '../../web/src/kernel-editor.js';
import { toRGBA } from '../../web/src/display.js';
import type { BilateralParams, MedianParams } from '../../web/src/protocol.js';

const image = (h: number, w: number, c: number, values: number[], alpha = false): NDArray =>
  ndarray(Uint8Array.from(values.slice(0, h * w * c)), c === 1 ? [h, w] : [h, w, c], { alpha });

const case_ = fc
  .record({
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    c: fc.constantFrom(1, 3, 4),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    border: fc.constantFrom(...BORDER_MODES),
    shape: fc.constantFrom(...OUTPUT_SHAPES),
    operation: fc.constantFrom('correlate' as const, 'convolve' as const),
    cval: fc.integer({ min: -3, max: 300 }),
    values: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6 * 6 * 4, maxLength: 6 * 6 * 4 }),
    taps: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 25, maxLength: 25 }),
    seed: fc.nat(),
    useAnchor: fc.boolean(),
  })
  .filter((k) => k.shape !== 'valid' || (k.kh <= k.h && k.kw <= k.w));

test('header sizes: PNG from the library’s encoder, JPEG, GIF, BMP, WebP; other bytes are not images', () => {
  const png = encodePng(ndarray(new Uint8Array(7 * 5 * 3), [5, 7, 3]));
  assert.deepEqual(headerSize(png), { format: 'PNG', width: 7, height: 5 });
  // JPEG: SOI, an APP0 segment, then SOF0 with height 480 and width 640.
  const jpeg = Uint8Array.from([
    0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 3, 0, 0, 0, 0,
  ]);
  assert.deepEqual(headerSize(jpeg), { format: 'JPEG', width: 640, height: 480 });
  const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([0x10, 0x01, 0x20, 0]));
  assert.deepEqual(headerSize(gif), { format: 'GIF', width: 272, height: 32 });
  const bmp = new Uint8Array(30);
  bmp.set([0x42, 0x4d]);
  new DataView(bmp.buffer).setInt32(18, 300, true);
  new DataView(bmp.buffer).setInt32(22, -200, true);
  assert.deepEqual(headerSize(bmp), { format: 'BMP', width: 300, height: 200 });
  const webp = new Uint8Array(30);
  webp.set([...'RIFF\0\0\0\0WEBPVP8X'].map((c) => c.charCodeAt(0)));
  webp.set([0x3f, 0x1f, 0, 0x7f, 0x0f, 0], 24); // width−1 = 7999, height−1 = 3967
  assert.deepEqual(headerSize(webp), { format: 'WebP', width: 8000, height: 3968 });
  assert.equal(headerSize(new TextEncoder().encode('just some text, not an image')), null);
});

test('fromRGBA keeps gray images gray, colour RGB, and transparency RGBA with alpha', () => {
  const gray = fromRGBA(Uint8ClampedArray.from([5, 5, 5, 255, 9, 9, 9, 255]), 2, 1);
  assert.deepEqual(
    [gray.shape, [...gray.data]],
    [
      [1, 2],
      [5, 9],
    ],
  );
  const rgb = fromRGBA(Uint8ClampedArray.from([5, 6, 7, 255, 9, 9, 9, 255]), 2, 1);
  assert.deepEqual(
    [rgb.shape, [...rgb.data]],
    [
      [1, 2, 3],
      [5, 6, 7, 9, 9, 9],
    ],
  );
  const rgba = fromRGBA(Uint8ClampedArray.from([5, 6, 7, 128, 9, 9, 9, 255]), 2, 1);
  assert.deepEqual([rgba.shape, rgba.alpha, [...rgba.data]], [[1, 2, 4], true, [5, 6, 7, 128, 9, 9, 9, 255]]);
});

test('presets: every named kernel with its starting parameters, cells × scale giving the library’s taps exactly', () => {
  let named = 0;
  for (const p of PRESETS) {
    const k = p.make(p.initial);
    assert.ok(
      k.rows <= 15 && k.cols <= 15,
      `${p.id} starts at ${k.rows}×${k.cols}, more than the editor holds`,
    );
    const { rows, scale } = cellsFor(k);
    const over = /^1\/(\d+)$/.exec(scale);
    const taps = rows.flat().map((c) => {
      const v = parseCell(c);
      assert.equal(typeof v, 'number', `${p.id}: cell ${c}`);
      return over ? (v as number) / Number(over[1]) : (v as number);
    });
    assert.deepEqual(taps, Array.from(k.data), p.id);
    if (p.id.startsWith('named:')) named++;
  }
  assert.equal(named, NAMED_KERNELS.size);
  // integers and a common denominator where there is one
  const binomial = cellsFor(namedKernel('binomial2d', 'ksize=3x3'));
  assert.deepEqual(binomial, {
    rows: [
      ['1', '2', '1'],
      ['2', '4', '2'],
      ['1', '2', '1'],
    ],
    scale: '1/16',
  });
  assert.equal(cellsFor(namedKernel('box', '5x3')).scale, '1/15');
});

test('kernel cells: numbers and fractions, with a message for anything else', () => {
  assert.equal(parseCell('1/16'), 1 / 16);
  assert.equal(parseCell(' -2.5e-1 '), -0.25);
  assert.match(String(parseCell('abc')), /“abc” is not a number/);
  assert.match(String(parseCell('')), /is empty/);
  assert.match(String(parseCell('1 2')), /holds 2 numbers/);
  assert.match(String(parseCell('NaN')), /not a number/);
  assert.match(String(parseCell('Infinity')), /not a number/);
});

test('display: uint8 as stored, floats stretched, signed around grey, or by magnitude', () => {
  const u8 = toRGBA(ndarray(Uint8Array.from([0, 128, 255]), [1, 3]));
  assert.deepEqual([...u8.rgba], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  const f = ndarray(Float64Array.from([-2, 0, 1]), [1, 3]);
  assert.deepEqual(
    [...toRGBA(f, 'stretch').rgba].filter((_, i) => i % 4 === 0),
    [0, 170, 255],
  );
  assert.deepEqual(
    [...toRGBA(f, 'signed').rgba].filter((_, i) => i % 4 === 0),
    [0, 128, 191],
  );
  assert.deepEqual(
    [...toRGBA(f, 'magnitude').rgba].filter((_, i) => i % 4 === 0),
    [255, 0, 128],
  );
  assert.deepEqual(toRGBA(f).range, [-2, 1]);
});

test('median worked example: the rank ⌊n/2⌋ element of the window is the library’s output', () => {
  fc.assert(
    fc.property(case_, (k) => {
      const input = image(k.h, k.w, k.c, k.values);
      const p: MedianParams = {
        kind: 'median',
        width: k.kw,
        height: k.kh,
        border: k.border,
        cval: k.border === 'constant' ? Math.min(255, Math.max(0, k.cval)) : 0,
        display: 'stretch',
      };
      const out = medianFilter(input, [k.kw, k.kh], { border: p.border, cval: p.cval });
      const row = k.seed % k.h;
      const col = (k.seed >> 5) % k.w;
      for (let ch = 0; ch < k.c; ch++) {
        const ex = medianExample(input, out, p, row, col, ch);
        assert.equal(ex.cells.length, k.kw * k.kh);
        assert.equal(ex.sorted[ex.rank], ex.stored);
      }
    }),
    { numRuns: 150 },
  );
});

test('bilateral worked example: the weighted mean rounds to the library’s output (within float32 accumulation)', () => {
  fc.assert(
    fc.property(case_, fc.constantFrom(3, 5, 9), (k, d) => {
      const input = image(k.h, k.w, k.c === 4 ? 3 : k.c, k.values);
      const p: BilateralParams = {
        kind: 'bilateral',
        diameter: d,
        sigmaColor: 30,
        sigmaSpace: 3,
        border: k.border,
        cval: k.border === 'constant' ? Math.min(255, Math.max(0, k.cval)) : 0,
        display: 'stretch',
      };
      const out = bilateralFilter(input, d, 30, 3, { border: p.border, cval: p.cval });
      const row = k.seed % k.h;
      const col = (k.seed >> 5) % k.w;
      const ex = bilateralExample(input, out, p, row, col, 0);
      assert.equal(ex.taps.length, bilateralSpec(d, 3).offsets.length);
      assert.ok(Math.abs(ex.mean - ex.stored) <= 0.5 + 1e-3, `mean ${ex.mean}, stored ${ex.stored}`);
    }),
    { numRuns: 150 },
  );
});
