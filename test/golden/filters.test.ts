// The `gaussian` suite and the box/derivative/Laplacian cases of `filters` (OpenCV 4.6 and
// SciPy 1.10 outputs) through the library API, on every method that applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { boxFilter, gaussianBlur, gaussianTaps, laplacian, scharr, sobel } from '../../src/index.js';
import type { Method } from '../../src/linear/plan.js';
import type { NDArray } from '../../src/core/ndarray.js';
import { loadNpy, loadSuite, mismatch } from '../helpers.js';

const gaussian = loadSuite('gaussian');
const filters = loadSuite('filters');
const OURS = /^(box|der|lap)/;

test('suites hold the expected number of cases', () => {
  assert.equal(gaussian.cases.length, 16);
  assert.equal(filters.cases.filter((c) => OURS.test(c.id)).length, 13);
});

for (const c of gaussian.cases) {
  const methods: Method[] = c.op === 'gaussian' ? ['auto', 'direct', 'separable'] : ['auto'];
  for (const method of methods) {
    test(`gaussian/${c.id} ${c.op} σ=${c.sigma} ${c.ksize ? `ksize=${c.ksize}` : `truncate=${c.truncate}`} ${c.border ?? ''} ${c.dtype ?? ''} method=${method}`, () => {
      const want = loadNpy(join(gaussian.dir, c.expected as string));
      let got: NDArray;
      if (c.op === 'gaussian-kernel') {
        const taps = gaussianTaps(c.ksize as number, c.sigma as number);
        got = { data: taps, shape: [taps.length], dtype: 'float64' };
      } else {
        const input = loadNpy(join(gaussian.dir, c.input as string));
        const k = c.ksize as [number, number] | undefined;
        got = gaussianBlur(input, {
          sigma: c.sigma as number,
          sigmaY: c.sigma_y as number | undefined,
          ksize: k,
          truncate: c.truncate as number | undefined,
          border: c.border as string,
          method,
        });
      }
      assert.equal(mismatch(got, want, c.tolerance), null);
    });
  }
}

for (const c of filters.cases.filter((x) => OURS.test(x.id))) {
  for (const method of ['auto', 'direct', 'separable'] as Method[]) {
    if (c.op === 'laplacian' && method === 'separable' && (c.ksize as number) <= 3) continue; // rank 2: not separable
    test(`filters/${c.id} ${c.op} ${JSON.stringify(c.ksize)} ${c.border} method=${method}`, () => {
      const input = loadNpy(join(filters.dir, c.input as string));
      const want = loadNpy(join(filters.dir, c.expected as string));
      let got: NDArray;
      const border = c.border as string;
      if (c.op === 'box')
        got = boxFilter(input, {
          ksize: c.ksize as [number, number],
          normalize: c.normalize as boolean,
          border,
          method,
        });
      else if (c.op === 'sobel')
        got = sobel(input, { dx: c.dx as number, dy: c.dy as number, ksize: c.ksize as number, method });
      else if (c.op === 'scharr') got = scharr(input, { dx: c.dx as number, dy: c.dy as number, method });
      else got = laplacian(input, { ksize: c.ksize as number, method });
      assert.equal(mismatch(got, want, c.tolerance), null);
    });
  }
}

test('uint8 GaussianBlur: convkit is round-half-even of the exact result; OpenCV fixed point is within 1', () => {
  for (const id of ['u814', 'u815']) {
    const c = gaussian.cases.find((x) => x.id === id)!;
    const input = loadNpy(join(gaussian.dir, c.input as string));
    const opts = { sigma: c.sigma as number, ksize: c.ksize as [number, number] };
    const exact = gaussianBlur(input, { ...opts, dtype: 'float64' });
    const got = gaussianBlur(input, opts);
    for (let i = 0; i < got.data.length; i++) {
      const e = exact.data[i];
      const r = Math.round(e);
      const want = r - e === 0.5 && r % 2 !== 0 ? r - 1 : r;
      assert.equal(got.data[i], Math.min(255, Math.max(0, want)), `${id}[${i}]`);
    }
  }
});

test('gaussianBlur called with a bare σ says it wants an options object', () => {
  const img = { data: new Float32Array(4), shape: [2, 2], dtype: 'float32' } as unknown as NDArray;
  assert.throws(
    () => gaussianBlur(img, 2 as unknown as { sigma: number }),
    /Expected an options object such as \{ sigma: 2 \} for options, got 2/,
  );
});
