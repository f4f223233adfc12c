// The `linear` and `seed` golden suites (SciPy/OpenCV-checked) through the library API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convolve, correlate } from '../../src/index.js';
import { linearCase, loadNpy, loadSuite, mismatch } from '../helpers.js';

for (const suite of ['linear', 'seed']) {
  const { dir, cases } = loadSuite(suite);
  for (const c of cases) {
    const name = `${suite}/${c.id} ${c.op} ${c.border} shape=${c.shape} anchor=${c.anchor ?? 'default'} ${c.dtype}`;
    test(name, () => {
      const { input, kernel, options } = linearCase(c, dir);
      const got = (c.op === 'correlate' ? correlate : convolve)(input, kernel, options);
      const want = loadNpy(join(dir, c.expected as string));
      assert.equal(mismatch(got, want, c.tolerance), null);
    });
  }
}
