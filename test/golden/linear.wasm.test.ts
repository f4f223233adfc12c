// The `linear` and `seed` golden suites again, with the WebAssembly SIMD plan forced
// (CONVKIT_BACKEND=wasm) on one and on three threads, plus a check that the forced plan
// really runs on WASM wherever the SIMD loops cover the case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { correlate, convolve } from '../../src/index.js';
import { linearSpec, type LinearOptions } from '../../src/linear/correlate.js';
import { planLinear } from '../../src/linear/plan.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { linearCase, loadNpy, loadSuite, mismatch } from '../helpers.js';

setPoolCrossover(0); // the pool runs even on these small images

for (const threads of [1, 3]) {
  for (const suite of ['linear', 'seed']) {
    const { dir, cases } = loadSuite(suite);
    let onWasm = 0;
    for (const c of cases) {
      test(`wasm×${threads} ${suite}/${c.id} ${c.op} ${c.border} shape=${c.shape} ${c.dtype}`, () => {
        const { input, kernel, options: base } = linearCase(c, dir);
        const options: LinearOptions = { ...base, backend: 'wasm', threads };
        const plan = planLinear(input, linearSpec(input, kernel, options, c.op === 'convolve'), options);
        if (plan.backend === 'wasm') onWasm++;
        const got = (c.op === 'correlate' ? correlate : convolve)(input, kernel, options);
        const want = loadNpy(join(dir, c.expected as string));
        assert.equal(mismatch(got, want, c.tolerance), null, plan.reason);
      });
    }
    if (suite === 'linear') {
      test(`wasm×${threads} linear: the forced plan runs on WASM for the cases it covers`, () => {
        // Every case of the suite runs on WASM today; the SIMD loops leave dtype conversions
        // other than uint8 → float32, and a cval not exact in float32 (float32/uint8 data), to
        // plain TypeScript.
        assert.equal(onWasm, cases.length);
      });
    }
  }
}
