import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray, type NDArray } from '../core/ndarray.js';
import type { DType } from '../core/dtypes.js';
import type { BorderMode } from '../border/border.js';
import { convolve, correlate, type OutputShape } from '../linear/correlate.js';
import { explain, type ExplainOp } from './explain.js';
import {
  explanationToJSON,
  explanationToJSONText,
  explanationToMarkdown,
  explanationToText,
  formulaOf,
} from './format.js';
import { explanationToSvg } from './svg.js';
import { sourceIndex } from '../../test/helpers.js';

const LETTERS3 = { rows: 3, cols: 3, values: 'abcdefghi'.split('') };
const pairs = (e: ReturnType<typeof explain>) => e.terms.map((t) => [t.pixel, t.tap]);
const sortPairs = (p: number[][][]) => p.map((x) => JSON.stringify(x)).sort();

test('blog worked example 1: convolution y[1, 1] of a 7×7 image, centered — pixels [0..2, 0..2] meet taps [1−i, 1−j]', () => {
  const e = explain({ height: 7, width: 7 }, LETTERS3, { at: [1, 1], centered: true, op: 'convolve' });
  const want: number[][][] = [];
  for (let i = 0; i <= 2; i++)
    for (let j = 0; j <= 2; j++)
      want.push([
        [i, j],
        [1 - i, 1 - j],
      ]);
  assert.deepEqual(sortPairs(pairs(e)), sortPairs(want));
  assert.equal(e.indexing, 'centered');
  assert.deepEqual(e.at, [1, 1]);
  // The flipped kernel: x[0, 0] meets the bottom-right letter i, x[2, 2] the top-left a.
  const letterAt = (r: number, c: number) => e.terms.find((t) => t.pixel[0] === r && t.pixel[1] === c)!.h;
  assert.equal(letterAt(0, 0), 'i');
  assert.equal(letterAt(2, 2), 'a');
  assert.equal(letterAt(0, 2), 'g');
  assert.equal(e.terms.filter((t) => t.border).length, 0);
});

test('blog worked example 2: cross-correlation y[−1, −1], centered — pixels [−2..0, −2..0] meet taps [i, j] unflipped', () => {
  const e = explain({ height: 7, width: 7 }, LETTERS3, { at: [-1, -1], centered: true, op: 'correlate' });
  const want: number[][][] = [];
  // y[m, n] = Σ x[m + i, n + j] h[i, j] with m = n = −1 and i, j ∈ −1..1.
  for (let i = -1; i <= 1; i++)
    for (let j = -1; j <= 1; j++)
      want.push([
        [-1 + i, -1 + j],
        [i, j],
      ]);
  assert.deepEqual(sortPairs(pairs(e)), sortPairs(want));
  // Unflipped: the top-left pixel of the patch meets the top-left letter.
  assert.equal(e.terms[0].h, 'a');
  assert.deepEqual(e.terms[0].pixel, [-2, -2]);
  assert.equal(e.terms[8].h, 'i');
});

test('convolution y[1, 1] and correlation y[−1, −1] read the patches the blog boxes in red and green', () => {
  const conv = explain({ height: 7, width: 7 }, LETTERS3, { at: [1, 1], centered: true });
  const corr = explain({ height: 7, width: 7 }, LETTERS3, { at: [-1, -1], centered: true, op: 'correlate' });
  const patch = (e: typeof conv) => e.terms.map((t) => t.pixel);
  // Convolution at [1, 1] reads [0..2]²; correlation at [−1, −1] reads [−2..0]²: the same
  // 3×3 patch position is a different output index for the two, as the blog's figures show.
  const square = (lo: number) => [lo, lo + 1, lo + 2].flatMap((i) => [lo, lo + 1, lo + 2].map((j) => [i, j]));
  assert.deepEqual(patch(conv), square(0));
  assert.deepEqual(patch(corr), square(-2));
});

test('doc example: 1-D convolve y[1] = x[2] − x[0]', () => {
  const x = ndarray(Float64Array.from([1, 2, 3, 4]), [4]);
  const e = explain(x, [1, 0, -1], { at: 1 });
  assert.deepEqual(
    e.terms.map((t) => [t.pixel[1], t.tap[1]]),
    [
      [0, 2],
      [1, 1],
      [2, 0],
    ],
  );
  assert.equal(e.sum, 2);
  assert.equal(e.output, convolve(x, [1, 0, -1]).data[1]);
});

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const DTYPES: DType[] = ['uint8', 'uint16', 'float32', 'float64'];

function randomImage(h: number, w: number, c: number, dtype: DType, seed: number[], oneD: boolean): NDArray {
  const n = h * w * c;
  const vals = Array.from({ length: n }, (_, k) => seed[k % seed.length] * (k + 1));
  const data =
    dtype === 'uint8'
      ? Uint8Array.from(vals, (v) => Math.floor(v) % 256)
      : dtype === 'uint16'
        ? Uint16Array.from(vals, (v) => Math.floor(v * 37) % 65536)
        : dtype === 'float32'
          ? Float32Array.from(vals, (v) => (v % 17) - 8.3)
          : Float64Array.from(vals, (v) => (v % 13) - 6.1);
  return ndarray(data, oneD ? [w] : c === 1 ? [h, w] : [h, w, c]);
}

test('property: the explained sum, cast to the output dtype, equals convolve/correlate (direct method) at that position, bit for bit', () => {
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 7 }),
        w: fc.integer({ min: 1, max: 8 }),
        c: fc.integer({ min: 1, max: 3 }),
        oneD: fc.boolean(),
        dtype: fc.constantFrom(...DTYPES),
        outDtype: fc.option(fc.constantFrom(...DTYPES), { nil: undefined }),
        kh: fc.integer({ min: 1, max: 5 }),
        kw: fc.integer({ min: 1, max: 5 }),
        taps: fc.array(
          fc.oneof(
            fc.constant(0),
            fc.integer({ min: -4, max: 4 }),
            fc.double({ min: -3, max: 3, noNaN: true }),
          ),
          {
            minLength: 25,
            maxLength: 25,
          },
        ),
        seed: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 9 }),
        mode: fc.constantFrom(...MODES),
        cval: fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 300 }), fc.constant(0.1)),
        shape: fc.constantFrom<OutputShape>('same', 'full', 'valid'),
        op: fc.constantFrom<ExplainOp>('convolve', 'correlate'),
        anchorPick: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
        pos: fc.tuple(fc.nat(), fc.nat()),
        centered: fc.boolean(),
        rounding: fc.constantFrom('half-even' as const, 'half-away' as const, 'truncate' as const),
      }),
      (p) => {
        const kh = p.oneD ? 1 : p.kh;
        const h = p.oneD ? 1 : p.h;
        const c = p.oneD ? 1 : p.c;
        if (p.shape === 'valid' && (kh > h || p.kw > p.w)) return;
        const x = randomImage(h, p.w, c, p.dtype, p.seed, p.oneD);
        const rows = Array.from({ length: kh }, (_, i) => p.taps.slice(i * p.kw, (i + 1) * p.kw));
        const kernel = p.oneD ? rows[0] : rows;
        const anchor = p.anchorPick
          ? ([p.anchorPick[0] % kh, p.anchorPick[1] % p.kw] as [number, number])
          : undefined;
        const options = {
          border: p.mode,
          cval: p.cval,
          shape: p.shape,
          anchor,
          dtype: p.outDtype,
          rounding: p.rounding,
        };
        const y = (p.op === 'convolve' ? convolve : correlate)(x, kernel, {
          ...options,
          method: 'direct',
          backend: 'js',
        });
        const oh = p.oneD ? 1 : y.shape[0];
        const ow = p.oneD ? y.shape[0] : y.shape[1];
        const m = p.pos[0] % oh;
        const n = p.pos[1] % ow;
        for (let ch = 0; ch < c; ch++) {
          const at: [number, number] = p.centered ? [m - (oh >> 1), n - (ow >> 1)] : [m, n];
          const e = explain(x, kernel, { ...options, op: p.op, at, centered: p.centered, channel: ch });
          const want = y.data[(m * ow + n) * c + ch];
          assert.ok(
            e.output === want || (Number.isNaN(e.output) && Number.isNaN(want)),
            `explained ${e.output} (sum ${e.sum}) but ${p.op} gives ${want}`,
          );
          assert.deepEqual(e.at, at);
          assert.equal(e.terms.length, kh * p.kw);
          // Border provenance, checked against an independent source-index rule.
          const [H, W] = [h, p.w];
          const oi = p.centered ? e.origins.image : [0, 0];
          for (const t of e.terms) {
            const r = t.pixel[0] + oi[0];
            const cc = t.pixel[1] + oi[1];
            const outside = r < 0 || r >= H || cc < 0 || cc >= W;
            assert.equal(t.border, outside ? p.mode : undefined);
            const sr = sourceIndex(r, H, p.mode);
            const sc = sourceIndex(cc, W, p.mode);
            const v = sr < 0 || sc < 0 ? e.params.cval : x.data[(sr * W + sc) * c + ch];
            assert.equal(t.x, v);
            if (outside && sr >= 0 && sc >= 0) assert.deepEqual(t.from, [sr - oi[0], sc - oi[1]]);
            else assert.equal(t.from, undefined);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('property: centered indices read y[m, n] = Σ h[m − i, n − j]·x[i, j] (convolve) and Σ h[i, j]·x[m + i, n + j] (correlate) in every shape', () => {
  fc.assert(
    fc.property(
      fc.record({
        H: fc.integer({ min: 0, max: 4 }).map((k) => 2 * k + 1),
        W: fc.integer({ min: 0, max: 4 }).map((k) => 2 * k + 1),
        kh: fc.integer({ min: 0, max: 2 }).map((k) => 2 * k + 1),
        kw: fc.integer({ min: 0, max: 2 }).map((k) => 2 * k + 1),
        shape: fc.constantFrom<OutputShape>('same', 'full', 'valid'),
        op: fc.constantFrom<ExplainOp>('convolve', 'correlate'),
        pos: fc.tuple(fc.nat(), fc.nat()),
      }),
      ({ H, W, kh, kw, shape, op, pos }) => {
        if (shape === 'valid' && (kh > H || kw > W)) return;
        const oh = shape === 'full' ? H + kh - 1 : shape === 'valid' ? H - kh + 1 : H;
        const ow = shape === 'full' ? W + kw - 1 : shape === 'valid' ? W - kw + 1 : W;
        const at: [number, number] = [(pos[0] % oh) - (oh - 1) / 2, (pos[1] % ow) - (ow - 1) / 2];
        const k = { rows: kh, cols: kw, values: Array.from({ length: kh * kw }, (_, i) => `k${i}`) };
        const e = explain({ height: H, width: W }, k, { at, op, shape, centered: true });
        assert.deepEqual(e.notes, []);
        for (const t of e.terms) {
          const s = op === 'convolve' ? -1 : 1;
          assert.deepEqual(t.pixel, [at[0] + s * t.tap[0], at[1] + s * t.tap[1]]);
          // The tap index is as written: k0 is the top-left element, [−(kh−1)/2, −(kw−1)/2].
          const idx = (t.tap[0] + (kh - 1) / 2) * kw + t.tap[1] + (kw - 1) / 2;
          assert.equal(t.h, `k${idx}`);
        }
        assert.equal(
          formulaOf(e),
          op === 'convolve'
            ? 'y[m, n] = Σ_i Σ_j h[m − i, n − j] · x[i, j]'
            : 'y[m, n] = Σ_i Σ_j h[i, j] · x[m + i, n + j]',
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('--centered with even sizes: index 0 is element size//2, the kernel origin is its anchor, and notes say so', () => {
  const x = ndarray(
    Float64Array.from({ length: 24 }, (_, i) => i),
    [4, 6],
  );
  const e = explain(
    x,
    [
      [1, 2],
      [3, 4],
    ],
    { at: [0, 0], centered: true, op: 'correlate' },
  );
  assert.deepEqual(e.origins.image, [2, 3]);
  assert.deepEqual(e.origins.kernel, [1, 1]);
  assert.equal(e.notes.length, 3);
  assert.match(e.notes[0], /even height 4 and width 6.*\[2, 3\]/);
  assert.match(
    e.notes[1],
    /2×2 kernel has no centre element; its \[0, 0\] is its anchor, zero-based \[1, 1\]/,
  );
  // The anchor tap [0, 0] sits on the output pixel, which is image pixel [0, 0] in centered indices.
  const anchorTerm = e.terms.find((t) => t.tap[0] === 0 && t.tap[1] === 0)!;
  assert.deepEqual(anchorTerm.pixel, [0, 0]);
  assert.equal(anchorTerm.x, 15);
  assert.equal(
    e.output,
    correlate(x, [
      [1, 2],
      [3, 4],
    ]).data[2 * 6 + 3],
  );
});

test('symbolic kernel on a numeric image and numeric kernel on a symbolic image', () => {
  const x = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3]);
  const e = explain(x, LETTERS3, { at: [1, 1], op: 'correlate' });
  assert.equal(e.sum, 'a·1 + b·2 + c·3 + d·4 + e·5 + f·6 + g·7 + h·8 + i·9');
  assert.equal(e.output, undefined);
  const s = explain(
    { height: 3, width: 3 },
    [
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ],
    { at: [0, 0], border: 'replicate' },
  );
  // Zero taps are left out of the symbolic sum; border pixels name the pixel they copy.
  assert.equal(s.sum, 'x[0, 0] + x[0, 0] − 4·x[0, 0] + x[0, 1] + x[1, 0]');
  assert.deepEqual(s.terms[1].from, [0, 0]);
  assert.equal(s.terms[1].border, 'replicate');
});

test('bad input: a position outside the output, a bad channel, a bad op — one clear message each', () => {
  const x = ndarray(new Float64Array(12), [3, 4]);
  assert.throws(
    () => explain(x, [[1, 2, 1]], { at: [3, 0] }),
    /Expected R,C with 0 ≤ R ≤ 2 and 0 ≤ C ≤ 3 \(inside the 3×4 output\) for at, got \[3, 0\]/,
  );
  assert.throws(
    () => explain(x, [[1, 2, 1]], { at: [2, 2], centered: true }),
    /Expected R,C with -1 ≤ R ≤ 1 and -2 ≤ C ≤ 1 .*centered.* for at, got \[2, 2\]/,
  );
  assert.throws(
    () => explain(x, [[1, 2, 1]], { at: [0, 0], shape: 'full', channel: 1 }),
    /from 0 to 0 .* for channel, got 1/,
  );
  assert.throws(
    () => explain(x, [1], { at: [0, 0], op: 'convolute' as ExplainOp }),
    /Expected convolve or correlate for op/,
  );
  assert.throws(() => explain(x, [1], { at: 2 }), /for at, got 2/);
  assert.throws(() => explain({ height: 0, width: 3 }, [1], { at: [0, 0] }), /symbolic image size/);
});

test('renderers: text lists every term; JSON has the stable keys; Markdown and SVG draw the grids', () => {
  const x = ndarray(
    Uint8Array.from({ length: 20 }, (_, i) => i * 13),
    [4, 5],
  );
  const k = [
    [1, 2, 0],
    [0, 0, 0],
    [0, 0, -1],
  ];
  const e = explain(x, k, { at: [0, 4], border: 'mirror', dtype: 'float64' });
  const text = explanationToText(e);
  for (const t of e.terms)
    assert.ok(text.includes(`h[${t.tap.join(', ')}] · x[${t.pixel.join(', ')}]`), JSON.stringify(t));
  assert.match(text, /x\[-1, 5\] is x\[1, 3\] \(mirror border\)/);
  assert.match(text, /Kernel as laid over the image \(flipped in both axes: convolution\)/);
  assert.ok(text.includes(`= Σ h·x = ${e.sum}`));

  const json = JSON.parse(explanationToJSONText(e));
  assert.deepEqual(json, JSON.parse(JSON.stringify(explanationToJSON(e))));
  assert.deepEqual(Object.keys(json), ['op', 'at', 'indexing', 'terms', 'sum', 'output', 'params', 'notes']);
  for (const t of json.terms) {
    for (const key of Object.keys(t))
      assert.ok(['pixel', 'tap', 'x', 'h', 'product', 'border', 'from'].includes(key), key);
    assert.equal(t.product, t.x * t.h);
  }
  assert.equal(
    json.sum,
    correlate(
      x,
      [
        [-1, 0, 0],
        [0, 0, 0],
        [0, 2, 1],
      ],
      { border: 'mirror', dtype: 'float64' },
    ).data[4],
  );

  const md = explanationToMarkdown(e);
  assert.equal(md.split('\n').filter((l) => /^\| h\[/.test(l) || /^\| x\[/.test(l)).length, 9);
  const svg = explanationToSvg(e);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect /g) ?? []).length, 1 + 4 * 9);
  assert.equal((svg.match(/<text /g) ?? []).length > 30, true);
});

test('large kernels are summarized, never a wall of numbers', () => {
  const x = ndarray(new Float32Array(60 * 60).fill(1), [60, 60]);
  const k = Array.from({ length: 45 }, () => new Array(45).fill(1 / 2025));
  const e = explain(x, k, { at: [0, 0], border: 'replicate' });
  const text = explanationToText(e);
  assert.ok(text.split('\n').length < 40, `${text.split('\n').length} lines`);
  assert.match(text, /2009 more terms/);
  assert.match(text, /2025 terms \(45×45 kernel\), 1496 of them from outside the image \(replicate border\)/);
  assert.match(explanationToSvg(e), /too large to draw/);
  assert.equal(explanationToMarkdown(e).split('\n').length < 60, true);
  assert.equal(e.output, correlate(x, k, { border: 'replicate' }).data[0]);
});

test('an image with alpha is explained channel by channel, as alpha "separate" filters it, and a note says so', () => {
  const px = [255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255];
  const img = ndarray(Uint8Array.from(px), [1, 3, 4], { alpha: true });
  const box = [[1 / 3, 1 / 3, 1 / 3]];
  const e = explain(img, box, { at: [0, 1], channel: 1, border: 'replicate', op: 'correlate' });
  assert.equal(e.output, correlate(img, box, { border: 'replicate', alpha: 'separate' }).data[4 + 1]);
  assert.equal(e.notes.length, 1);
  assert.match(e.notes[0], /alpha "separate".*premultiply/);
});
