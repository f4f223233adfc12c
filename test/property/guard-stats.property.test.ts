// The float32 guard's statistics of each band (src/engine/bands.ts guardTrace) against the
// band read straight from its definition: every element of the band's input — its output rows'
// windows, halo rows and columns included, the border's values where they fall outside the
// image. The runners gather them in pieces (the generated tap loops as they filter, the rest
// in rectangles around them; the 3×3 loop in a pass of its own), in place on engine arrays and
// on padded bands; a piece left out or counted twice shows as a band whose largest |x| or sign
// differs. A few extreme values (negative, −0, NaN, ±Infinity, huge) among positive ones make
// each band's statistics depend on where they sit. The separable passes likewise, padded and in
// place.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { correlate, engineArray, ndarray, releaseEngineArray } from '../../src/index.js';
import { type BorderMode, borderIndex } from '../../src/border/border.js';
import { guardTrace, setBandRows } from '../../src/engine/bands.js';
import { generatedCalls } from '../../src/engine/taps-jit.js';
import { mulberry32 as rand } from '../../src/core/random.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
const EXTREMES = [-7, -0, NaN, Infinity, -Infinity, 1e30, -1e-30];

after(() => {
  guardTrace.on = false;
  setBandRows(undefined);
});

test('each band’s guard statistics cover exactly its input, in place and padded, for every loop', () => {
  let generated = 0;
  fc.assert(
    fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 23 }),
        w: fc.integer({ min: 1, max: 29 }),
        channels: fc.constantFrom(1, 1, 2, 3),
        kh: fc.integer({ min: 1, max: 3 }),
        kw: fc.integer({ min: 1, max: 3 }),
        mask: fc.integer({ min: 1, max: 511 }),
        mode: fc.constantFrom(...MODES),
        cval: fc.constantFrom(0, 0.5, -0, -0.25, 3),
        bandRows: fc.integer({ min: 1, max: 6 }),
        extremes: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...EXTREMES)), { maxLength: 3 }),
        seed: fc.integer(),
      }),
      (c) => {
        const r = rand(c.seed);
        const kernel = Array.from({ length: c.kh }, (_, i) =>
          Array.from({ length: c.kw }, (_, j) =>
            c.mask & (1 << (3 * i + j)) || (i === 0 && j === 0) ? r() * 2 - 0.9 : 0,
          ),
        );
        const C = c.channels;
        const n = c.h * c.w * C;
        const data = Float32Array.from({ length: n }, () => r() * 10);
        for (const [at, v] of c.extremes) data[at % n] = v;
        const shape = C === 1 ? [c.h, c.w] : [c.h, c.w, C];
        const anchor = [Math.floor(c.kh / 2), Math.floor(c.kw / 2)] as const;
        const opts = {
          border: c.mode,
          cval: c.cval,
          anchor,
          method: 'direct' as const,
          backend: 'wasm' as const,
          threads: 1,
        };
        // The statistics of padded rows [p0, p1) (all padded columns), as the guard states them.
        const pw = (c.w + c.kw - 1) * C;
        const expected = (p0: number, p1: number): [number, number] => {
          let largest = 0;
          let signed = false;
          for (let p = p0; p < p1; p++) {
            const ir = borderIndex(p - anchor[0], c.h, c.mode);
            for (let q = 0; q < pw; q++) {
              const ic = borderIndex(Math.floor(q / C) - anchor[1], c.w, c.mode);
              const v = ir < 0 || ic < 0 ? Math.fround(c.cval) : data[(ir * c.w + ic) * C + (q % C)];
              largest = Math.max(largest, Number.isFinite(v) ? Math.abs(v) : NaN);
              signed ||= v < 0 || Object.is(v, -0) || Number.isNaN(v);
            }
          }
          return [largest, signed ? -Infinity : 0];
        };
        const check = (label: string, run: () => void) => {
          guardTrace.bands = [];
          guardTrace.on = true;
          try {
            run();
          } finally {
            guardTrace.on = false;
          }
          const seen = new Set<number>();
          for (const [m0, maxX, minX] of guardTrace.bands) {
            seen.add(m0);
            const rows = Math.min(c.bandRows, c.h - m0);
            const [wantMax, wantMin] = expected(m0, m0 + rows + c.kh - 1);
            const where = `${label}: band at row ${m0} of ${c.h}×${c.w}×${C}, kernel ${c.kh}×${c.kw}, ${c.mode}`;
            assert.ok(Object.is(maxX, wantMax), `${where}: largest |x| ${maxX}, expected ${wantMax}`);
            // (a NaN's sign bit is its own: the test cannot know it, so NaN bands skip the sign)
            if (!Number.isNaN(wantMax)) assert.equal(minX, wantMin, `${where}: sign`);
          }
          assert.equal(seen.size, Math.ceil(c.h / c.bandRows), `${label}: every band traced`);
        };
        setBandRows(c.bandRows);
        const img = ndarray(data, shape);
        // The separable passes on a kernel of the same size (an outer product): padded, and in
        // place, where the first and last bands' border rows go through row strips.
        const col = Array.from({ length: c.kh }, () => r() * 2 - 0.9);
        const row = Array.from({ length: c.kw }, () => r() * 2 - 0.9);
        const outer = col.map((a) => row.map((b) => a * b));
        const sep = { ...opts, method: 'separable' as const };
        const before = generatedCalls.count;
        check('padded', () => correlate(img, kernel, opts));
        check('separable, padded', () => correlate(img, outer, sep));
        const input = engineArray(shape, 'float32');
        const out = engineArray(shape, 'float32');
        try {
          input.data.set(data);
          check('in place', () => correlate(input, kernel, { ...opts, out }));
          // an engine-memory input into an ordinary array: padded bands read shared memory,
          // whose rows may sit further apart than the padded row
          check('padded from shared memory', () => correlate(input, kernel, opts));
          check('separable, in place', () => correlate(input, outer, { ...sep, out }));
        } finally {
          releaseEngineArray(input);
          releaseEngineArray(out);
        }
        if (generatedCalls.count > before) generated++;
      },
    ),
    { numRuns: 150 },
  );
  assert.ok(generated > 50, `the generated loops ran in ${generated} of 150 cases`);
});
