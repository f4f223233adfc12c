// The WebAssembly SIMD FFT engine against the plain-TypeScript reference: every stage, and
// whole tile correlations, bit for bit (same operations in the same order, no fused
// multiply-add), on odd and mixed-radix sizes, odd lane counts and radix-7 fallbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JS_BUTTERFLIES } from './butterflies.js';
import { type CorrelationJob, TileCorrelator } from './correlate.js';
import { difLanes, ditLanes, radixPlan } from './plan.js';
import { simdTileEngine } from './simd.js';
import { simdArena } from '../engine/simd.js';
import { rng } from '../../test/helpers.js';

const arena = simdArena();
const skip = arena ? false : 'WebAssembly SIMD unavailable here';

/** Sizes whose plans use every radix with a SIMD stage (2, 3, 4, 5) and radix 7. */
const SIZES = [
  2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25, 30, 32, 45, 48, 60, 64, 75, 81, 90, 96, 100, 125, 7, 14, 21,
];

test(
  'each SIMD stage (DIF and DIT, forward and inverse) equals the plain stage bit for bit',
  { skip },
  () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIZES),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 1000 }),
        (n, halfL, extra, seed) => {
          const L = 2 * halfL;
          const stride = L + 2 * extra;
          const r = rng(seed);
          const data = Float64Array.from({ length: 2 * n * stride }, () => r() * 2 - 1);
          const engine = simdTileEngine(arena!);
          const plan = radixPlan(n);
          const [re, im] = engine.buffers([n * stride, n * stride], [plan]);
          for (const sign of [-1, 1] as const) {
            for (const kind of ['dif', 'dit'] as const) {
              const wantRe = data.slice(0, n * stride);
              const wantIm = data.slice(n * stride);
              re.set(wantRe);
              im.set(wantIm);
              const run = kind === 'dif' ? difLanes : ditLanes;
              run(plan, wantRe, wantIm, L, sign, stride, JS_BUTTERFLIES);
              run(plan, re, im, L, sign, stride, engine.butterflies);
              assert.deepEqual(re, wantRe, `${kind} n=${n} L=${L} sign=${sign}`);
              assert.deepEqual(im, wantIm);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  },
);

test(
  'SIMD tile correlation equals the plain one bit for bit (odd sizes, odd lanes, radix 7, float32 sources)',
  { skip },
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...SIZES.filter((s) => s >= 12)),
        fc.constantFrom(...SIZES.filter((s) => s >= 12)),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (oh, ow, kh, kw, n1, n2, f32, seed) => {
          fc.pre(n1 >= kh && n2 >= kw);
          const r = rng(seed);
          const pw = ow + kw - 1;
          const values = Float64Array.from({ length: (oh + kh - 1) * pw }, () => r() * 2 - 1);
          const P = f32 ? Float32Array.from(values) : values;
          const h = Float64Array.from({ length: kh * kw }, () => r() - 0.5);
          const job = (dst: Float64Array): CorrelationJob => ({
            src: { data: P, offset: 0, stride: pw },
            dst: { data: dst, offset: 0, stride: ow },
            height: oh,
            width: ow,
          });
          const want = new Float64Array(oh * ow);
          new TileCorrelator({ data: h, rows: kh, cols: kw }, n1, n2).run([job(want)]);
          const got = new Float64Array(oh * ow);
          new TileCorrelator({ data: h, rows: kh, cols: kw }, n1, n2, simdTileEngine(arena!)).run([job(got)]);
          assert.deepEqual(got, want, `${oh}×${ow}, ${kh}×${kw} kernel, tiles ${n1}×${n2}`);
        },
      ),
      { numRuns: 80 },
    );
  },
);
