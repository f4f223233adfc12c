// The `linear` and `seed` golden suites through the library with method fft and auto:
// a method changes speed, never the result (FFT within the suites' tolerances).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convolve, correlate } from '../../src/index.js';
import type { LinearOptions } from '../../src/linear/correlate.js';
import { parseInlineKernel } from '../../src/kernels/kernel.js';
import { loadNpy, loadSuite, mismatch } from '../helpers.js';

for (const suite of ['linear', 'seed']) {
  const { dir, cases } = loadSuite(suite);
  for (const method of ['fft', 'auto'] as const) {
    test(`${suite} suite with method ${method}: every case within tolerance`, () => {
      const failures: string[] = [];
      for (const c of cases) {
        const input = loadNpy(join(dir, c.input as string));
        const kIndex = c.cli.indexOf('--kernel') + 1;
        const kernel =
          c.cli[kIndex] === 'KERNEL'
            ? loadNpy(join(dir, c.kernel as string))
            : parseInlineKernel(c.cli[kIndex]);
        const options: LinearOptions = {
          border: c.border as string,
          cval: c.cval as number,
          shape: c.shape as LinearOptions['shape'],
          anchor: (c.anchor as [number, number] | null) ?? undefined,
          method,
        };
        const got = (c.op === 'correlate' ? correlate : convolve)(input, kernel, options);
        const why = mismatch(got, loadNpy(join(dir, c.expected as string)), c.tolerance);
        if (why) failures.push(`${c.id}: ${why}`);
      }
      assert.deepEqual(failures, []);
    });
  }
}
