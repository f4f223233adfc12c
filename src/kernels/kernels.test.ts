// Kernel factories against their peers (OpenCV 4.6 and SciPy 1.10 values stored in
// test/fixtures/kernels/kernels.json by make_fixtures.py) and against their definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../test/helpers.js';
import { InvalidArgumentError } from '../core/errors.js';
import { gaussianFactors, gaussianKernel, gaussianTaps, gaussianTapsTruncated } from './gaussian.js';
import {
  dogKernel,
  laplacianKernel,
  logKernel,
  prewittKernel,
  scharrFactors,
  scharrKernel,
  sobelFactors,
  sobelKernel,
  sobelTaps,
} from './derivatives.js';
import {
  LECTURE_MASKS,
  binomialTaps,
  boxKernel,
  diskKernel,
  embossKernel,
  motionKernel,
  sharpenKernel,
  unsharpKernel,
} from './presets.js';
import { composeKernels, kernelSum, normalizeKernel, outerKernel, transposeKernel } from './algebra.js';
import { displayFactors, separate } from './separable.js';
import { NAMED_KERNELS, namedKernel } from './named.js';
import { type Kernel, flipKernel } from './kernel.js';

interface Fixtures {
  gaussian: { ksize: number; sigma: number; taps: number[] }[];
  deriv: { dx: number; dy: number; ksize: number; normalize: boolean; kx: number[]; ky: number[] }[];
  laplacian: { ksize: number; kernel: number[][] }[];
  sobel2d: { dx: number; dy: number; ksize: number; kernel: number[][] }[];
  scipy_gaussian: { sigma: number; truncate: number; taps: number[] }[];
}
const peers = JSON.parse(readFileSync(join(FIXTURES, 'kernels', 'kernels.json'), 'utf8')) as Fixtures;

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++)
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

const rows = (k: Kernel) =>
  Array.from({ length: k.rows }, (_, i) => Array.from(k.data.subarray(i * k.cols, (i + 1) * k.cols)));

test('gaussianTaps = OpenCV getGaussianKernel for 81 (ksize, σ) pairs, σ ≤ 0 tables included', () => {
  assert.equal(peers.gaussian.length, 81);
  for (const c of peers.gaussian)
    close(gaussianTaps(c.ksize, c.sigma), c.taps, 1e-15, `N=${c.ksize} σ=${c.sigma}`);
});

test('σ ≤ 0 uses OpenCV’s fixed tables for N ≤ 9 exactly (dyadic)', () => {
  assert.deepEqual(Array.from(gaussianTaps(3, 0)), [0.25, 0.5, 0.25]);
  assert.deepEqual(
    Array.from(gaussianTaps(7, -1)),
    [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  );
  assert.deepEqual(
    Array.from(gaussianTaps(9, 0), (v) => v * 256),
    [4, 13, 30, 51, 60, 51, 30, 13, 4],
  );
});

test('gaussianTapsTruncated = SciPy gaussian_filter1d taps (radius floor(T·σ + 0.5))', () => {
  for (const c of peers.scipy_gaussian)
    close(gaussianTapsTruncated(c.sigma, c.truncate), c.taps, 1e-15, `σ=${c.sigma} T=${c.truncate}`);
  assert.equal(gaussianTapsTruncated(2, 4).length, 17);
  assert.equal(gaussianTapsTruncated(10, 4).length, 81);
});

test('gaussian errors: even or non-positive size, σ ≤ 0 with no size, non-finite σ', () => {
  assert.throws(() => gaussianTaps(4, 1), /Expected an odd integer from 1 to \d+ for ksize, got 4/);
  assert.throws(() => gaussianTaps(0, 1), /for ksize, got 0/);
  assert.throws(() => gaussianTaps(-3, 1), /for ksize, got -3/);
  assert.throws(() => gaussianTaps(5, NaN), /for sigma/);
  assert.throws(
    () => gaussianFactors({ sigma: 0 }),
    /Expected a finite number > 0 \(or give ksize.*for sigma, got 0/,
  );
  assert.throws(() => gaussianTapsTruncated(-1), InvalidArgumentError);
  assert.throws(() => gaussianTapsTruncated(1, -2), /for truncate/);
});

test('2-D Gaussians: anisotropic = outer product of the OpenCV taps; rotation by 90° swaps the σs', () => {
  const k = gaussianKernel({ sigma: 2, sigmaY: 0.8, ksize: [7, 3] });
  assert.deepEqual([k.rows, k.cols], [3, 7]);
  close(k.data, outerKernel(gaussianTaps(3, 0.8), gaussianTaps(7, 2)).data, 0, 'outer');
  // OpenCV: sigmaY ≤ 0 means sigmaY = sigmaX
  close(
    gaussianKernel({ sigma: 1.5, sigmaY: 0, ksize: 5 }).data,
    gaussianKernel({ sigma: 1.5, ksize: 5 }).data,
    0,
    'σy=0',
  );
  // SciPy rule per axis: σx = 3 → 2·floor(9.5)+1 = 19 columns, σy = 1 → 7 rows
  const t = gaussianKernel({ sigma: 1, sigmaY: 3, truncate: 3 });
  assert.deepEqual([t.rows, t.cols], [19, 7]);
  const b = gaussianKernel({ sigma: 3, sigmaY: 1, truncate: 3, angle: 90 });
  assert.deepEqual([b.rows, b.cols], [19, 19]);
  const block: number[] = [];
  for (let i = 0; i < 19; i++) for (let j = 6; j < 13; j++) block.push(b.data[i * 19 + j]);
  const s = block.reduce((a, v) => a + v, 0);
  close(
    block.map((v) => v / s),
    t.data,
    1e-15,
    'rotated 90°',
  );
  const r = gaussianKernel({ sigma: 3, sigmaY: 1, angle: 30 });
  assert.equal(separate(r), undefined, 'a rotated anisotropic Gaussian is not separable');
  assert.ok(Math.abs(kernelSum(r) - 1) < 1e-14);
});

test('getDerivKernels: Sobel/Scharr factors = OpenCV for 92 (dx, dy, ksize, normalize) cases', () => {
  assert.equal(peers.deriv.length, 92);
  for (const c of peers.deriv) {
    const f =
      c.ksize === -1
        ? scharrFactors({ dx: c.dx, dy: c.dy, normalize: c.normalize })
        : sobelFactors({ dx: c.dx, dy: c.dy, ksize: c.ksize, normalize: c.normalize });
    const what = `dx=${c.dx} dy=${c.dy} ksize=${c.ksize} normalize=${c.normalize}`;
    close(f.row, c.kx, 0, `${what} kx`);
    close(f.col, c.ky, 0, `${what} ky`);
  }
});

test('Sobel 2-D kernels = OpenCV Sobel impulse responses; positive where intensity increases', () => {
  for (const c of peers.sobel2d)
    assert.deepEqual(rows(sobelKernel(c)), c.kernel, `dx=${c.dx} dy=${c.dy} ksize=${c.ksize}`);
  assert.deepEqual(rows(sobelKernel({ dx: 1, dy: 0 })), [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]);
  assert.deepEqual(rows(sobelKernel({ dx: 0, dy: 1 })), [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ]);
  assert.deepEqual(rows(scharrKernel({ dx: 1, dy: 0 })), [
    [-3, 0, 3],
    [-10, 0, 10],
    [-3, 0, 3],
  ]);
  assert.deepEqual(Array.from(sobelTaps(2, 5)), [1, 0, -2, 0, 1]);
});

test('derivative errors: dx = dy = 0, order ≥ size, even or oversized aperture, Scharr orders', () => {
  assert.throws(() => sobelKernel({ dx: 0, dy: 0 }), /Expected dx \+ dy ≥ 1.*for dx, got "dx=0, dy=0"/);
  assert.throws(
    () => sobelKernel({ dx: 3, dy: 0, ksize: 3 }),
    /Expected an order below the kernel size 3 for dx, got 3/,
  );
  assert.throws(() => sobelKernel({ dx: 0, dy: 5, ksize: 5 }), /for dy, got 5/);
  assert.throws(() => sobelKernel({ dx: 1, dy: 0, ksize: 4 }), /odd integer from 1 to 31 for ksize, got 4/);
  assert.throws(() => sobelKernel({ dx: 1, dy: 0, ksize: 33 }), /for ksize, got 33/);
  assert.throws(() => sobelKernel({ dx: -1, dy: 1 }), /Expected an integer ≥ 0 for dx, got -1/);
  assert.throws(() => scharrKernel({ dx: 1, dy: 1 }), /dx, dy = 1, 0 or 0, 1 for Scharr/);
  assert.throws(() => prewittKernel({ dx: 1, dy: 0, ksize: 1 }), /odd integer from 3 to 31 for ksize/);
});

test('Laplacian kernels = OpenCV Laplacian impulse responses for ksize 1, 3, 5, 7', () => {
  for (const c of peers.laplacian)
    assert.deepEqual(rows(laplacianKernel(c.ksize)), c.kernel, `ksize ${c.ksize}`);
  for (const k of [1, 3, 5, 7]) {
    assert.equal(kernelSum(laplacianKernel(k)), 0);
    assert.equal(separate(laplacianKernel(k)), undefined, 'the Laplacian is rank 2');
  }
});

test('Prewitt: ones across, derivative along; transpose swaps dx and dy', () => {
  assert.deepEqual(rows(prewittKernel({ dx: 1, dy: 0 })), [
    [-1, 0, 1],
    [-1, 0, 1],
    [-1, 0, 1],
  ]);
  assert.deepEqual(
    rows(transposeKernel(prewittKernel({ dx: 1, dy: 0, ksize: 5 }))),
    rows(prewittKernel({ dx: 0, dy: 1, ksize: 5 })),
  );
});

test('LoG and DoG: zero sum, symmetric, documented centre signs', () => {
  const l = logKernel(1.4);
  assert.equal(l.rows, 2 * Math.ceil(3 * 1.4) + 1);
  assert.ok(Math.abs(kernelSum(l)) < 1e-14);
  assert.ok(l.data[(l.rows >> 1) * l.cols + (l.cols >> 1)] < 0);
  close(flipKernel(l).data, l.data, 0, 'LoG symmetric');
  close(transposeKernel(l).data, l.data, 0, 'LoG isotropic');
  const d = dogKernel(1, 1.6);
  assert.ok(Math.abs(kernelSum(d)) < 1e-14);
  assert.ok(d.data[(d.rows >> 1) * d.cols + (d.cols >> 1)] > 0);
  assert.throws(() => logKernel(0), /for sigma, got 0/);
  assert.throws(() => logKernel(1, 6), /for ksize, got 6/);
});

test('box any W×H (even too), binomial rows of Pascal’s triangle, sharpen/unsharp/emboss sum to 1', () => {
  const b = boxKernel([4, 2]);
  assert.deepEqual([b.rows, b.cols], [2, 4]);
  assert.ok(b.data.every((v) => v === 1 / 8));
  assert.ok(boxKernel(5, { normalize: false }).data.every((v) => v === 1));
  assert.throws(() => boxKernel([0, 3]), /for ksize/);
  assert.deepEqual(
    Array.from(binomialTaps(5), (v) => v * 16),
    [1, 4, 6, 4, 1],
  );
  assert.deepEqual(Array.from(binomialTaps(1)), [1]);
  assert.equal(kernelSum(sharpenKernel(1)), 1);
  assert.deepEqual(rows(sharpenKernel()), [
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ]);
  assert.ok(Math.abs(kernelSum(unsharpKernel(1.5, 0.7)) - 1) < 1e-14);
  assert.equal(kernelSum(embossKernel(2)), 1);
});

test('motion blur: angle 0 is a 1×L row of 1/L, angle 90 its transpose, any angle sums to 1', () => {
  const m = motionKernel(7, 0);
  assert.deepEqual([m.rows, m.cols], [1, 7]);
  close(m.data, new Array(7).fill(1 / 7), 1e-16, 'row');
  const v = motionKernel(7, 90);
  assert.deepEqual([v.rows, v.cols], [7, 1]);
  const d = motionKernel(9, 45);
  assert.ok(Math.abs(kernelSum(d) - 1) < 1e-14);
  // 45° counter-clockwise on screen: towards the upper right, so the top-right corner has weight
  assert.ok(d.data[d.cols - 1] > 0 && d.data[0] === 0);
  assert.throws(() => motionKernel(0), /for length, got 0/);
});

test('disk: exact pixel coverage (total area πr² before normalising), symmetric', () => {
  const k = diskKernel(2.5);
  assert.deepEqual([k.rows, k.cols], [5, 5]);
  assert.ok(Math.abs(kernelSum(k) - 1) < 1e-14);
  close(transposeKernel(k).data, k.data, 1e-15, 'disk symmetric');
  const area = (v: number) => v * Math.PI * 2.5 * 2.5; // the disk lies inside the 5×5 grid
  assert.ok(Math.abs(area(k.data[2 * 5 + 2]) - 1) < 1e-12, 'centre pixel fully covered');
  // corner pixel [1.5, 2.5]²: the area under y = √(r² − x²) above y = 1.5, for x in [1.5, 2]
  const numeric = (x0: number, x1: number, y0: number, y1: number) => {
    let a = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = x0 + ((i + 0.5) * (x1 - x0)) / n;
      const h = Math.sqrt(Math.max(0, 6.25 - x * x));
      a += Math.max(0, Math.min(y1, h) - Math.max(y0, -h)) * ((x1 - x0) / n);
    }
    return a;
  };
  assert.ok(Math.abs(area(k.data[0]) - numeric(1.5, 2.5, 1.5, 2.5)) < 1e-6, `corner ${area(k.data[0])}`);
  assert.ok(Math.abs(area(k.data[2 * 5 + 4]) - numeric(1.5, 2.5, -0.5, 0.5)) < 1e-5, 'edge pixel');
  assert.deepEqual([diskKernel(1.5).rows, diskKernel(0.4).rows], [3, 1]);
});

test('lecture masks as printed in the notes', () => {
  const get = (n: string) => rows(LECTURE_MASKS[n].make());
  assert.deepEqual(get('averaging').flat(), new Array(9).fill(1 / 9));
  assert.deepEqual(get('y-derivative'), [
    [0.5, 0.5, 0.5],
    [0, 0, 0],
    [-0.5, -0.5, -0.5],
  ]);
  assert.deepEqual(get('y-derivative-averaging')[0], [2 / 18, 3 / 18, 2 / 18]);
  assert.deepEqual(
    get('gaussian-961')[0],
    [6, 61, 242, 343, 242, 61, 6].map((v) => v / 961),
  );
  assert.equal(get('gaussian-273')[2][2], 41 / 273);
  assert.ok(Math.abs(kernelSum(LECTURE_MASKS['gaussian-273'].make()) - 1) < 1e-15);
  assert.equal(separate(LECTURE_MASKS['gaussian-273'].make()), undefined);
  assert.ok(separate(LECTURE_MASKS['gaussian-961-2d'].make()));
});

test('algebra: compose = full convolution, normalize, transpose', () => {
  assert.deepEqual(rows(composeKernels([1, 2, 1], [1, 2, 1])), [[1, 4, 6, 4, 1]]);
  assert.deepEqual(rows(composeKernels([[1, 1]], [[1], [1]])), [
    [1, 1],
    [1, 1],
  ]);
  // convolution, not correlation: [1 2] ∗ [1 −1] = [1 1 −2]
  assert.deepEqual(rows(composeKernels([1, 2], [1, -1])), [[1, 1, -2]]);
  assert.deepEqual(Array.from(normalizeKernel([1, 2, 1]).data), [0.25, 0.5, 0.25]);
  assert.deepEqual(Array.from(normalizeKernel([-1, 0, 1], 'abs').data), [-0.5, 0, 0.5]);
  assert.throws(() => normalizeKernel([-1, 0, 1]), /non-zero sum/);
  assert.throws(
    () =>
      composeKernels(
        { data: new Float64Array(4096 * 4096), rows: 4096, cols: 4096 },
        { data: new Float64Array(4), rows: 2, cols: 2 },
      ),
    /would not fit in memory/,
  );
});

test('separability: rank-1 kernels factor exactly; display factors read as the 1-D kernels', () => {
  const s = separate(sobelKernel({ dx: 1, dy: 0 }))!;
  const d = displayFactors(s);
  assert.deepEqual(Array.from(d.col), [1, 2, 1]);
  assert.deepEqual(Array.from(d.row), [-1, 0, 1]);
  const g = gaussianKernel({ sigma: 1.2, ksize: [5, 7] });
  const f = displayFactors(separate({ data: g.data, rows: g.rows, cols: g.cols })!);
  close(f.row, gaussianTaps(5, 1.2), 1e-15, 'gaussian row');
  close(f.col, gaussianTaps(7, 1.2), 1e-15, 'gaussian col');
  const box = displayFactors(separate({ ...boxKernel([5, 3]) })!);
  close(box.row, new Array(5).fill(1 / 5), 1e-16, 'box row');
  assert.equal(separate(kernelFromFlat([1, 2, 3, 4], 2)), undefined);
  // a rank-1 kernel perturbed by 1e-9 of its largest tap is refused (tolerance 1e-12)
  const p = Float64Array.from(outerKernel([1, 2, 3], [4, 5]).data);
  p[3] += 1e-9 * 15;
  assert.equal(separate(kernelFromFlat(Array.from(p), 2)), undefined);
  assert.ok(separate(kernelFromFlat([0, 0, 0, 0], 2)));
  // an outer product whose row division underflows is still found (the column takes the pivot)
  const u = outerKernel([0.5000000000000001], [-3.999999999999999, -5e-324, 0]);
  assert.ok(separate({ data: u.data, rows: u.rows, cols: u.cols }));
  // a tap far below the tolerance still counts when its factor product is 0 (NaN reach)
  assert.equal(separate(kernelFromFlat([1, 0, 0, 1e-300], 2)), undefined);
});

function kernelFromFlat(data: number[], cols: number): Kernel {
  return { data: Float64Array.from(data), rows: data.length / cols, cols };
}

test('named kernels: positional and key=value parameters, defaults, errors', () => {
  assert.deepEqual(rows(namedKernel('gaussian', '3')), [[0.25, 0.5, 0.25]]);
  assert.deepEqual(namedKernel('gaussian', 'ksize=7,sigma=1.5').data, gaussianTaps(7, 1.5));
  assert.deepEqual(namedKernel('gaussian', 'sigma=2').cols, 17);
  assert.deepEqual(rows(namedKernel('sobel', 'dx=0,dy=1')), rows(sobelKernel({ dx: 0, dy: 1 })));
  assert.deepEqual(rows(namedKernel('box', '3x2,false')), [
    [1, 1, 1],
    [1, 1, 1],
  ]);
  assert.equal(namedKernel('SOBEL').rows, 3);
  assert.throws(
    () => namedKernel('gauss'),
    /Expected a kernel name \(box, gaussian,.*for kernel, got "gauss"/,
  );
  assert.throws(
    () => namedKernel('sobel', 'dz=1'),
    /Expected a parameter of sobel \(dx, dy, ksize, normalize\) for kernel, got "dz"/,
  );
  assert.throws(() => namedKernel('gaussian', '4,1'), /odd integer.*for ksize, got 4/);
  assert.throws(() => namedKernel('gaussian', ''), /σ > 0 when ksize is not given/);
  assert.throws(
    () => namedKernel('box', '3x3,maybe'),
    /Expected true or false for box normalize, got "maybe"/,
  );
  assert.throws(() => namedKernel('disk', '1,2'), /at most 1 parameter for disk/);
  for (const [name, k] of NAMED_KERNELS) {
    if (k.params.some((p) => p.default === undefined && p.name === 'ksize' && name === 'gaussian')) continue;
    const made = name === 'gaussian' ? namedKernel(name, '5') : namedKernel(name);
    assert.ok(made.rows >= 1 && made.cols >= 1 && made.data.every(Number.isFinite), name);
  }
});
