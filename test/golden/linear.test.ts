// The `linear` and `seed` golden suites (SciPy/OpenCV-checked) through the library API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convolve, correlate } from '../../src/index.js';
import type { LinearOptions } from '../../src/linear/correlate.js';
import { parseInlineKernel } from '../../src/kernels/kernel.js';
import { loadNpy, loadSuite, mismatch } from '../helpers.js';

for (const suite of ['linear', 'seed']) {
  const { dir, cases } = loadSuite(suite);
  for (const c of cases) {
    const name = `${suite}/${c.id} ${c.op} ${c.border} shape=${c.shape} anchor=${c.anchor ?? 'default'} ${c.dtype}`;
    test(name, () => {
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
      };
      const got = (c.op === 'correlate' ? correlate : convolve)(input, kernel, options);
      const want = loadNpy(join(dir, c.expected as string));
      assert.equal(mismatch(got, want, c.tolerance), null);
    });
  }
}
