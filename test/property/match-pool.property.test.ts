// Template matching's window statistics on the worker pool (bands of the fixed grid of
// src/match/integral.ts): the same bits for 1, 2 and 3 threads and for the plain-TypeScript
// path, every method, one and three channels.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ndarray } from '../../src/core/ndarray.js';
import { MATCH_METHODS, STATS_POOL_MIN, matchTemplate } from '../../src/match/match.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';
import { simdStatus } from '../../src/engine/simd.js';
import { rng } from '../helpers.js';

const skip = simdStatus().available ? false : 'WebAssembly SIMD unavailable here';

test(
  'matchTemplate statistics on the pool = one thread = plain TypeScript, bit for bit',
  { skip },
  async () => {
    after(() => setCallerClaims(true));
    assert.equal(await warmPoolAsync(3), 2);
    fc.assert(
      fc.property(
        fc.constantFrom(...MATCH_METHODS),
        fc.constantFrom(1, 3),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.boolean(),
        fc.boolean(),
        (method, channels, th, seed, f32, callerClaims) => {
          // Enough window positions for the pool, and several bands of the grid.
          const H = 1500 + th;
          const W = Math.ceil(STATS_POOL_MIN / (H - th + 1)) + 20;
          const r = rng(seed);
          const v = Float64Array.from({ length: H * W * channels }, () => r() * 3 - 1);
          // A flat patch (0/0 windows) to exercise the defined values.
          for (let i = 0; i < 40; i++)
            for (let j = 0; j < 30; j++)
              for (let c = 0; c < channels; c++) v[((300 + i) * W + j) * channels + c] = 0.5;
          const shape = channels === 1 ? [H, W] : [H, W, channels];
          const img = ndarray(f32 ? Float32Array.from(v) : v, shape);
          const t = ndarray(
            Float64Array.from({ length: th * 7 * channels }, () => r() - 0.5),
            channels === 1 ? [th, 7] : [th, 7, channels],
          );
          // The correlation direct on both (so only the statistics' threads differ).
          const o = { method, correlation: 'direct' as const };
          const want = matchTemplate(img, t, { ...o, backend: 'js' });
          const one = matchTemplate(img, t, { ...o, threads: 1 });
          setCallerClaims(callerClaims);
          const two = matchTemplate(img, t, { ...o, threads: 2 });
          if (method !== 'ccorr' && method !== 'ccoeff') assert.equal(lastPoolRun.bands, 4);
          const three = matchTemplate(img, t, { ...o, threads: 3 });
          setCallerClaims(true);
          assert.deepEqual(one.data, want.data);
          assert.deepEqual(two.data, want.data);
          assert.deepEqual(three.data, want.data);
        },
      ),
      { numRuns: 12 },
    );
  },
);
