// Border pictures, comparison grids, the bitmap font and kernel warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, loadNpy, mismatch } from '../../test/helpers.js';
import { ndarray } from '../core/ndarray.js';
import { parseInlineKernel, toKernel } from '../kernels/kernel.js';
import type { BorderMode } from '../border/border.js';
import {
  FRAME_COLORS,
  borderPicture,
  borderPictureGrid,
  bordersText,
  frameThickness,
  padImage,
  paddedLetterGrid,
} from './borders.js';
import { compareFilterNames, compareGrid, compareReport, getCompareFilter } from './compare.js';
import { medianFilter } from '../nonlinear/median.js';
import { bilateralFilter } from '../nonlinear/bilateral.js';
import { FONT_CHARACTERS, GLYPH_HEIGHT, glyph, rasterizeText, textWidth } from './font.js';
import { createCanvas, drawText, fitCanvas, toRgbCanvas } from './raster.js';
import {
  gaussianBlurWarnings,
  gaussianMass,
  gaussianTruncationWarning,
  isPointSymmetric,
  kernelWarnings,
} from './warnings.js';

const DIR = join(FIXTURES, 'explain');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  cases: {
    pad: { mode: BorderMode; cval: number; pad: number; expected: string }[];
    box: { input: string; size: number; border: BorderMode; expected: string }[];
    gaussian: { input: string; size: number; border: BorderMode; expected: string }[];
  };
};

const grid = (rows: string) =>
  rows
    .trim()
    .split('\n')
    .map((r) => r.trim().split(' '));

test('letter grid: the lecture’s three pictures of a 5×5 image a…y padded for a 5×5 mask', () => {
  assert.deepEqual(
    paddedLetterGrid('constant'),
    grid(`
      0 0 0 0 0 0 0 0 0
      0 0 0 0 0 0 0 0 0
      0 0 a b c d e 0 0
      0 0 f g h i j 0 0
      0 0 k l m n o 0 0
      0 0 p q r s t 0 0
      0 0 u v w x y 0 0
      0 0 0 0 0 0 0 0 0
      0 0 0 0 0 0 0 0 0`),
  );
  assert.deepEqual(
    paddedLetterGrid('replicate'),
    grid(`
      a a a b c d e e e
      a a a b c d e e e
      a a a b c d e e e
      f f f g h i j j j
      k k k l m n o o o
      p p p q r s t t t
      u u u v w x y y y
      u u u v w x y y y
      u u u v w x y y y`),
  );
  // The lecture's "reflecting boundaries" is convkit's mirror (OpenCV REFLECT_101).
  assert.deepEqual(
    paddedLetterGrid('mirror'),
    grid(`
      m l k l m n o n m
      h g f g h i j i h
      c b a b c d e d c
      h g f g h i j i h
      m l k l m n o n m
      r q p q r s t s r
      w v u v w x y x w
      r q p q r s t s r
      m l k l m n o n m`),
  );
  // symmetric repeats the edge; wrap continues from the other side.
  assert.deepEqual(paddedLetterGrid('symmetric')[0], 'g f f g h i j j i'.split(' '));
  assert.deepEqual(paddedLetterGrid('wrap')[0], 's t p q r s t p q'.split(' '));
});

test('letter grid text: every mode, the image boxed, wider pads and other sizes', () => {
  const text = bordersText();
  for (const m of ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'])
    assert.match(text, new RegExp(`^${m} `, 'm'));
  assert.ok(text.includes('  c b │ a b c d e │ d c'), text);
  assert.ok(text.includes('      ┌───────────┐'));
  assert.ok(text.includes('  m l   k l m n o   n m'));
  assert.match(text, /the lecture's "reflecting boundaries"/);
  const wide = paddedLetterGrid('wrap', { height: 2, width: 3, pad: 4 });
  assert.equal(wide.length, 10);
  assert.deepEqual(wide[4], 'c a b c a b c a b c a'.split(' ').slice(0, 11));
  assert.throws(
    () => paddedLetterGrid('wrap', { height: 8, width: 8 }),
    /at most 52 pixels .* for size, got "8x8"/,
  );
  assert.equal(paddedLetterGrid('constant', { cval: 1.5, pad: 1, height: 1, width: 1 })[0][0], '1.5');
});

test('padImage equals numpy.pad in every mode, also for pads wider than the image (fixtures)', () => {
  const x = loadNpy(join(DIR, 'pad.in.npy'));
  assert.ok(manifest.cases.pad.length >= 10);
  for (const c of manifest.cases.pad) {
    const got = padImage(x, c.pad, { mode: c.mode, cval: c.cval });
    assert.equal(mismatch(got, loadNpy(join(DIR, c.expected)), { max_abs_diff: 0 }), null, c.expected);
  }
});

test('border picture: image and border pixels exact except the dashed frame just outside the image', () => {
  const x = loadNpy(join(DIR, 'pad.in.npy')); // 5×7×3 uint8
  for (const c of manifest.cases.pad) {
    const want = loadNpy(join(DIR, c.expected));
    const pic = borderPicture(x, c.pad, { mode: c.mode, cval: c.cval });
    const t = frameThickness(5, 7, c.pad);
    assert.equal(t, 1);
    const [ph, pw] = [5 + 2 * c.pad, 7 + 2 * c.pad];
    assert.equal(pic.width, pw);
    assert.equal(pic.height, ph);
    let framed = 0;
    for (let r = 0; r < ph; r++) {
      for (let k = 0; k < pw; k++) {
        const onFrame =
          (r === c.pad - 1 || r === c.pad + 5) && k >= c.pad - 1 && k <= c.pad + 7
            ? true
            : (k === c.pad - 1 || k === c.pad + 7) && r >= c.pad - 1 && r <= c.pad + 5;
        const got = Array.from(pic.data.subarray((r * pw + k) * 3, (r * pw + k) * 3 + 3));
        if (onFrame) {
          framed++;
          assert.ok(
            FRAME_COLORS.some((f) => f.every((v, i) => v === got[i])),
            `frame at ${r},${k}`,
          );
        } else {
          assert.deepEqual(
            got,
            Array.from(want.data.subarray((r * pw + k) * 3, (r * pw + k) * 3 + 3)),
            `${c.expected} ${r},${k}`,
          );
        }
      }
    }
    assert.equal(framed, 2 * (9 + 7) - 4); // the 9×7 ring around the 7×5 image
  }
});

test('border picture grid: one labelled tile per mode', () => {
  const x = ndarray(
    Uint8Array.from({ length: 40 * 30 }, (_, i) => i % 251),
    [30, 40],
  );
  const modes: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
  const g = borderPictureGrid(x, 8, modes, 0, { columns: 3 });
  const cell = 40 + 16;
  assert.ok(g.width >= 3 * cell && g.width < 3 * cell + 40, String(g.width));
  // Two rows of tiles, each with a label band holding dark (text) pixels.
  let dark = 0;
  for (let p = 0; p < g.data.length; p += 3)
    if (g.data[p] === 0 && g.data[p + 1] === 0 && g.data[p + 2] === 0) dark++;
  assert.ok(dark > 5 * 30, `${dark} dark pixels`);
});

test('compare’s box equals OpenCV cv2.blur exactly on uint8 RGB and float32 (fixtures)', () => {
  assert.ok(manifest.cases.box.length >= 8);
  const box = getCompareFilter('box');
  for (const c of manifest.cases.box) {
    const x = loadNpy(join(DIR, c.input));
    const got = box.run(x, c.size, { border: c.border });
    const tol = x.dtype === 'uint8' ? { max_abs_diff: 0 } : { abs: 1e-6, rel: 0 };
    assert.equal(mismatch(got, loadNpy(join(DIR, c.expected)), tol), null, c.expected);
  }
});

test('compare’s gaussian is OpenCV GaussianBlur(img, (N, N), 0) within one grey level (fixtures)', () => {
  const gaussian = getCompareFilter('gaussian');
  for (const c of manifest.cases.gaussian) {
    const x = loadNpy(join(DIR, c.input));
    const tol = { max_abs_diff: 1, min_fraction_equal: 0.95 };
    assert.equal(
      mismatch(gaussian.run(x, c.size, {}), loadNpy(join(DIR, c.expected)), tol),
      null,
      c.expected,
    );
  }
  assert.deepEqual(gaussian.parameters(5, {}), { ksize: '5x5', sigma: 1.1, border: 'mirror' });
  assert.throws(() => gaussian.checkSize(4), /odd positive integers .* for sizes, got 4/);
});

test('compare grid: the original and every size, each tile exactly the filter output, labelled', () => {
  const x = loadNpy(join(DIR, 'box-rgb.in.npy')); // 37×41×3
  const steps: string[] = [];
  const { grid: g, tiles } = compareGrid(x, 'box', [3, 9], {
    onProgress: (done, total, label) => steps.push(`${done}/${total} ${label}`),
  });
  assert.deepEqual(steps, ['1/2 3×3 box', '2/2 9×9 box']);
  assert.deepEqual(
    tiles.map((t) => t.label),
    ['original', '3×3 box', '9×9 box'],
  );
  assert.deepEqual(tiles[2].image.data, loadNpy(join(DIR, 'box-rgb-9.npy')).data);
  // Find each tile in the grid: the layout is gap, label band, tile.
  const gap = 8;
  const labelH = 8 + 2 * 4;
  for (let k = 0; k < 3; k++) {
    const x0 = gap + k * (41 + gap);
    const y0 = gap + labelH;
    for (let r = 0; r < 37; r++) {
      for (let c = 0; c < 41; c++) {
        for (let ch = 0; ch < 3; ch++) {
          const got = g.data[((y0 + r) * g.width + x0 + c) * 3 + ch];
          assert.equal(got, tiles[k].image.data[(r * 41 + c) * 3 + ch]);
        }
      }
    }
  }
  assert.equal(g.width, 3 * 41 + 4 * gap);
  assert.equal(g.height, 37 + labelH + 2 * gap);
  // The labels are drawn in the band above the tiles.
  let dark = 0;
  for (let y = gap; y < gap + labelH; y++)
    for (let c = 0; c < g.width; c++) if (g.data[(y * g.width + c) * 3] === 0) dark++;
  assert.ok(dark > 40);
});

test('compare: median and bilateral tiles are exactly medianFilter and bilateralFilter (OpenCV defaults)', () => {
  const x = loadNpy(join(DIR, 'box-rgb.in.npy'));
  const fractions: number[] = [];
  const med = compareGrid(x, 'median', [5], { onProgress: (done) => fractions.push(done) });
  assert.deepEqual(med.tiles[1].image.data, medianFilter(x, 5, { border: 'replicate' }).data);
  assert.deepEqual(med.tiles[1].parameters, { ksize: '5x5', border: 'replicate' });
  assert.equal(fractions[fractions.length - 1], 1);
  const bil = compareGrid(x, 'bilateral', [7], { sigmaColor: 30 });
  assert.deepEqual(bil.tiles[1].image.data, bilateralFilter(x, 7, 30, 75).data);
  assert.equal(bil.tiles[1].label, 'bilateral d=7');
  assert.deepEqual(bil.tiles[1].parameters, {
    diameter: 7,
    'sigma-color': 30,
    'sigma-space': 75,
    border: 'mirror',
  });
});

test('compare: every filter of the issue is available; unknown ones list the choices', () => {
  assert.deepEqual(compareFilterNames(), ['box', 'gaussian', 'median', 'bilateral']);
  assert.throws(
    () => getCompareFilter('sharpen'),
    /Expected one of box, gaussian, median, bilateral for filter, got "sharpen"/,
  );
  const x = ndarray(new Uint8Array(16), [4, 4]);
  assert.throws(() => compareGrid(x, 'box', []), /non-empty list of sizes/);
  assert.throws(() => compareGrid(x, 'box', [0]), /positive integers for sizes, got 0/);
});

test('compare report: a self-contained page with every tile and its parameters', () => {
  const x = ndarray(
    Uint8Array.from({ length: 64 }, (_, i) => i * 4),
    [8, 8],
  );
  const result = compareGrid(x, 'box', [3, 5], { tile: 16 });
  const html = compareReport(
    result,
    { input: 'in.png', command: 'convkit compare in.png', grid: 'g.png' },
    () => 'data:image/png;base64,AA==',
  );
  assert.equal((html.match(/<figure>/g) ?? []).length, 3);
  assert.match(html, /<td>3×3 box<\/td><td>ksize 3x3, normalize yes, border mirror<\/td>/);
  assert.match(html, /8x8 uint8/);
  assert.ok(!html.includes('<script'));
});

test('bitmap font: every glyph is 5 wide, at most 8 tall, and distinct; text is drawn at scale', () => {
  const seen = new Map<string, string>();
  for (const ch of FONT_CHARACTERS) {
    const bits = glyph(ch);
    assert.equal(bits.length, GLYPH_HEIGHT);
    for (const row of bits) assert.ok(row < 32);
    const key = Array.from(bits).join(',');
    if (ch !== ' ') assert.equal(seen.get(key), undefined, `${ch} looks like ${seen.get(key)}`);
    seen.set(key, ch);
  }
  for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:-−+=()[]/×%σΣ·←≤≥')
    assert.ok(FONT_CHARACTERS.includes(ch), ch);
  let lit = 0;
  rasterizeText('1', 0, 0, 3, () => lit++);
  const ones = Array.from(glyph('1')).reduce((s, row) => s + row.toString(2).split('1').length - 1, 0);
  assert.equal(lit, ones * 9);
  assert.equal(textWidth('ab', 2), 22);
  const c = createCanvas(20, 10);
  drawText(c, '7', 1, 1);
  // The top bar of the 7: five dark pixels in row 1.
  assert.deepEqual(
    Array.from({ length: 7 }, (_, k) => c.data[(1 * 20 + k) * 3]),
    [255, 0, 0, 0, 0, 0, 255],
  );
});

test('toRgbCanvas scales uint16 and 0..1 floats; fitCanvas averages', () => {
  const a = toRgbCanvas(ndarray(Uint16Array.from([0, 65535, 257]), [1, 3]));
  assert.deepEqual(Array.from(a.data), [0, 0, 0, 255, 255, 255, 1, 1, 1]);
  const f = toRgbCanvas(ndarray(Float32Array.from([0.5, 2, -1]), [1, 3]), true);
  assert.deepEqual(Array.from(f.data), [128, 128, 128, 255, 255, 255, 0, 0, 0]);
  const big = toRgbCanvas(ndarray(Uint8Array.from([0, 100, 200, 60]), [2, 2]));
  assert.deepEqual(Array.from(fitCanvas(big, 1).data), [90, 90, 90]);
});

test('warnings: asymmetric kernels, even sizes under same, zero-sum normalisation', () => {
  const sobel = parseInlineKernel('-1 0 1; -2 0 2; -1 0 1');
  assert.equal(isPointSymmetric(sobel), false);
  const w = kernelWarnings(sobel, { op: 'convolve' });
  assert.equal(w.length, 1);
  assert.match(
    w[0],
    /not symmetric under a 180° rotation.*you asked for convolve — did you mean correlate\?/,
  );
  assert.match(kernelWarnings(sobel, { op: 'correlate' })[0], /did you mean convolve\?/);
  const gauss = parseInlineKernel('1 2 1; 2 4 2; 1 2 1');
  assert.deepEqual(kernelWarnings(gauss, { op: 'convolve' }), []);
  // A symmetric even kernel still differs under same: the flip moves the anchor.
  const even = toKernel([
    [1, 1],
    [1, 1],
  ]);
  const ew = kernelWarnings(even, { op: 'convolve', shape: 'same' });
  assert.equal(ew.length, 2);
  assert.match(ew[0], /anchor \[1, 1\] is not its centre/);
  assert.match(ew[1], /even height and width, so no element is its centre: element \[1, 1\]/);
  assert.deepEqual(kernelWarnings(even, { op: 'convolve', shape: 'full' }), []);
  assert.equal(kernelWarnings(even, { op: 'correlate', shape: 'same', anchor: [0, 0] }).length, 1);
  assert.match(kernelWarnings(sobel, { normalize: true })[0], /sums to 0/);
  assert.deepEqual(kernelWarnings(gauss, { normalize: true }), []);
});

test('warnings: a Gaussian cut so hard that its taps sum below 0.99', () => {
  // Independent check of the mass: the sampled density sums close to the integral for σ ≥ 1.
  assert.ok(Math.abs(gaussianMass(3, 30) - 1) < 1e-9);
  assert.equal(gaussianTruncationWarning(1, 3), undefined); // 7 taps keep 99.7%
  // An 11-tap kernel for σ = 10 samples about the mass within ±0.55σ: 2Φ(0.55) − 1 ≈ 0.418.
  const w = gaussianTruncationWarning(10, 5);
  assert.ok(w);
  assert.match(w, /σ = 10 cut to 11 taps keeps only 41\.[78]% .* (\d+) taps or more keep 99%/);
  const taps = Number(/(\d+) taps or more/.exec(w)![1]);
  assert.ok(gaussianMass(10, (taps - 1) / 2) >= 0.99 && gaussianMass(10, (taps - 3) / 2) < 0.99);
});

test('warnings: Gaussian blur options, per axis, by the OpenCV (ksize) and SciPy (truncate) rules', () => {
  assert.deepEqual(gaussianBlurWarnings({ sigma: 2 }), []); // truncate 4: 17 taps
  assert.deepEqual(gaussianBlurWarnings({ sigma: 0, ksize: [5, 5] }), []); // σ from the size
  assert.deepEqual(gaussianBlurWarnings({ sigma: 5, ksize: [0, 0] }), []); // size from σ
  assert.equal(gaussianBlurWarnings({ sigma: 10, ksize: 11 }).length, 1); // both axes alike: one line
  const aniso = gaussianBlurWarnings({ sigma: 1, sigmaY: 6, ksize: [7, 7] });
  assert.equal(aniso.length, 1);
  assert.match(aniso[0], /^along y: .*σ = 6 cut to 7 taps/);
  assert.match(
    gaussianBlurWarnings({ sigma: 3, truncate: 1.5 })[0],
    /σ = 3 cut to 11 taps keeps only 93\.\d%/,
  );
});
