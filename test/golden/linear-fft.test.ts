// The `linear` and `seed` golden suites through the library with method fft and auto:
// a method changes speed, never the result (FFT within the suites' tolerances).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convolve, correlate } from '../../src/index.js';
import { linearCase, loadNpy, loadSuite, mismatch } from '../helpers.js';

for (const suite of ['linear', 'seed']) {
  const { dir, cases } = loadSuite(suite);
  // The FFT plan on the plain-TypeScript reference and on the SIMD engine, and auto.
  for (const [method, backend] of [
    ['fft', 'js'],
    ['fft', 'wasm'],
    ['auto', undefined],
  ] as const) {
    test(`${suite} suite with method ${method}${backend ? `, backend ${backend}` : ''}: every case within tolerance`, () => {
      const failures: string[] = [];
      for (const c of cases) {
        const { input, kernel, options: base } = linearCase(c, dir);
        const options = { ...base, method, ...(backend ? { backend } : {}) };
        const got = (c.op === 'correlate' ? correlate : convolve)(input, kernel, options);
        const why = mismatch(got, loadNpy(join(dir, c.expected as string)), c.tolerance);
        if (why) failures.push(`${c.id}: ${why}`);
      }
      assert.deepEqual(failures, []);
    });
  }
}
