// The FFT plan on the WebAssembly SIMD engine (bands of tile rows, this thread or the worker
// pool) against the plain-TypeScript FFT plan: bit-identical for every border, shape, anchor,
// dtype and thread count (docs/fft.md), on odd sizes and small tiles (many bands).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray } from '../../src/core/ndarray.js';
import { linearSpec } from '../../src/linear/correlate.js';
import { runLinearFft } from '../../src/linear/fft.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';
import { simdStatus } from '../../src/engine/simd.js';
import { rng } from '../helpers.js';

const skip = simdStatus().available ? false : 'WebAssembly SIMD unavailable here';
const BORDERS = ['constant', 'replicate', 'reflect', 'mirror', 'wrap'] as const;
const SHAPES = ['same', 'full', 'valid'] as const;
/** Fast sizes including radix 7 (its stages run plain on the engine's memory). */
const TILES = [12, 15, 16, 20, 21, 25, 27, 30, 32, 35, 36, 45, 48, 60];

function image(h: number, w: number, dtype: 'uint8' | 'float32' | 'float64', seed: number) {
  const r = rng(seed);
  const n = h * w;
  if (dtype === 'uint8')
    return ndarray(
      Uint8Array.from({ length: n }, () => Math.floor(r() * 256)),
      [h, w],
    );
  const v = Float64Array.from({ length: n }, () => r() * 4 - 1);
  return ndarray(dtype === 'float32' ? Float32Array.from(v) : v, [h, w]);
}

const caseArb = fc.record({
  h: fc.integer({ min: 1, max: 60 }),
  w: fc.integer({ min: 1, max: 60 }),
  kh: fc.integer({ min: 1, max: 11 }),
  kw: fc.integer({ min: 1, max: 11 }),
  n1: fc.constantFrom(...TILES),
  n2: fc.constantFrom(...TILES),
  border: fc.constantFrom(...BORDERS),
  shape: fc.constantFrom(...SHAPES),
  dtype: fc.constantFrom('uint8' as const, 'float32' as const, 'float64' as const),
  out: fc.constantFrom('same' as const, 'float32' as const, 'float64' as const),
  flip: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 20 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function check(c: Case, threads: number): void {
  fc.pre(c.n1 >= c.kh && c.n2 >= c.kw && (c.shape !== 'valid' || (c.kh <= c.h && c.kw <= c.w)));
  const x = image(c.h, c.w, c.dtype, c.seed);
  const r = rng(c.seed + 1);
  const k = ndarray(
    Float64Array.from({ length: c.kh * c.kw }, () => r() - 0.4),
    [c.kh, c.kw],
  );
  const spec = linearSpec(
    x,
    k,
    { border: c.border, cval: 0.5, shape: c.shape, dtype: c.out === 'same' ? undefined : c.out },
    c.flip,
  );
  const tiling = { n1: c.n1, n2: c.n2 };
  const want = runLinearFft(x, spec, { tiling, backend: 'js' });
  const got = runLinearFft(x, spec, { tiling, backend: 'wasm', threads });
  assert.deepEqual(got.shape, want.shape);
  assert.deepEqual(got.data, want.data, JSON.stringify(c));
}

test('FFT plan, SIMD engine on one thread = plain TypeScript, bit for bit', { skip }, () => {
  fc.assert(
    fc.property(caseArb, (c) => check(c, 1)),
    { numRuns: 120 },
  );
});

test(
  'FFT plan on the worker pool (workers run every band) = plain TypeScript, bit for bit',
  { skip },
  async () => {
    after(() => setCallerClaims(true));
    assert.equal(await warmPoolAsync(3), 2);
    for (const callerClaims of [false, true]) {
      setCallerClaims(callerClaims);
      fc.assert(
        fc.property(caseArb, (c) => {
          check({ ...c, h: c.h + 40, n1: Math.min(c.n1, 20) }, 3);
          if (!callerClaims && lastPoolRun.bands > 0)
            assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
        }),
        { numRuns: 25 },
      );
    }
  },
);
