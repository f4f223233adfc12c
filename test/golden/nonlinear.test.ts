// The median, bilateral and non-local means cases of the shared `filters` suite and of our own
// `nonlinear` suite (OpenCV/SciPy outputs), through the library API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bilateralFilter, medianFilter, ndarray, nlMeans, type NDArray } from '../../src/index.js';
import { colourToLab, labToColour } from '../../src/nonlinear/lab.js';
import { type GoldenCase, loadNpy, loadSuite, mismatch } from '../helpers.js';

/** Runs one golden case of op median, bilateral, nlmeans, lbgr2lab or lab2lbgr. */
export function runCase(c: GoldenCase, dir: string): NDArray {
  const x = loadNpy(join(dir, c.input as string));
  switch (c.op) {
    case 'median': {
      const k = c.ksize as number | [number, number];
      return medianFilter(x, k, { border: c.border as string });
    }
    case 'bilateral':
      return bilateralFilter(x, c.diameter as number, c.sigma_color as number, c.sigma_space as number, {
        border: c.border as string,
      });
    case 'nlmeans':
      return nlMeans(x, c.h as number, {
        hColor: (c.h_color as number | null) ?? undefined,
        templateSize: c.template as number,
        searchSize: c.search as number,
      });
    case 'lbgr2lab':
    case 'lab2lbgr': {
      const n = x.data.length / 3;
      const out = new Uint8Array(n * 3);
      const [L, A, B] = [0, 1, 2].map(() => new Uint8Array(n));
      if (c.op === 'lbgr2lab') {
        colourToLab(x.data as Uint8Array, 3, true, L, A, B);
        for (let p = 0; p < n; p++) [out[3 * p], out[3 * p + 1], out[3 * p + 2]] = [L[p], A[p], B[p]];
      } else {
        for (let p = 0; p < n; p++)
          [L[p], A[p], B[p]] = [x.data[3 * p], x.data[3 * p + 1], x.data[3 * p + 2]];
        labToColour(L, A, B, out, 3, true);
      }
      return ndarray(out, x.shape);
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const OURS = /^(median|bilateral|nlmeans|lbgr2lab|lab2lbgr)$/;

for (const suite of ['filters', 'nonlinear']) {
  const { dir, cases } = loadSuite(suite);
  const mine = cases.filter((c) => OURS.test(c.op));
  test(`${suite}: ${mine.length} non-linear cases are present`, () => {
    assert.equal(mine.length, suite === 'filters' ? 14 : 26);
  });
  for (const c of mine) {
    const params = ['ksize', 'border', 'diameter', 'sigma_color', 'sigma_space', 'h', 'template', 'search']
      .filter((k) => c[k] !== undefined && c[k] !== null)
      .map((k) => `${k}=${JSON.stringify(c[k])}`)
      .join(' ');
    test(`${suite}/${c.id} ${c.op} ${params} ${c.dtype}`, () => {
      const got = runCase(c, dir);
      const want = loadNpy(join(dir, c.expected as string));
      if ('mean_abs_diff' in c.tolerance) {
        // non-local means of the shared suite: mean |diff| and PSNR against the clean image
        const tol = c.tolerance as unknown as {
          mean_abs_diff: number;
          psnr_vs_clean_at_least_peer_minus_db: number;
        };
        let sum = 0;
        for (let i = 0; i < want.data.length; i++) sum += Math.abs(got.data[i] - want.data[i]);
        assert.ok(sum / want.data.length <= tol.mean_abs_diff);
        const clean = loadNpy(join(dir, c.clean as string));
        let se = 0;
        for (let i = 0; i < clean.data.length; i++) se += (got.data[i] - clean.data[i]) ** 2;
        const psnr = 10 * Math.log10((255 * 255) / (se / clean.data.length));
        assert.ok(psnr >= (c.peer_psnr_vs_clean as number) - tol.psnr_vs_clean_at_least_peer_minus_db);
        // and in fact: identical to OpenCV
        assert.equal(mismatch(got, want, { max_abs_diff: 0 }), null);
      } else {
        assert.equal(mismatch(got, want, c.tolerance), null);
      }
    });
  }
}
