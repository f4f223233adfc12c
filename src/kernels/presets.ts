/**
 * Smoothing and effect kernels: box, binomial, sharpen, unsharp mask, emboss, motion blur,
 * disk — and the lecture notes' masks by name.
 *
 * Smoothing kernels sum to 1 and are symmetric (correlation = convolution). Emboss and the
 * lecture's derivative masks are not: their sign is documented on each.
 */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, MAX_KERNEL_TAPS, kernelFromRows, toKernel } from './kernel.js';
import { outerKernel } from './algebra.js';
import { withFactors } from './separable.js';
import { gaussianKernel } from './gaussian.js';

function checkSize(w: number, h: number, option = 'ksize'): void {
  const ok = (v: number) => Number.isInteger(v) && v >= 1;
  if (!ok(w) || !ok(h) || w * h > MAX_KERNEL_TAPS)
    invalidArgument(option, `[width, height] with positive integers, at most ${MAX_KERNEL_TAPS} taps`, [
      w,
      h,
    ]);
}

function sizePair(ksize: readonly [number, number] | number): [number, number] {
  return typeof ksize === 'number' ? [ksize, ksize] : [ksize[0], ksize[1]];
}

/**
 * Box (averaging) kernel of any width × height, even sizes included: every tap 1/(w·h), or
 * 1 with `normalize: false`. Separable: ones(h)ᵀ ⊗ ones(w) scaled.
 *
 * @example
 *   boxKernel([3, 3]);                         // nine taps of 1/9 (the lecture's averaging mask)
 *   boxKernel([4, 2], { normalize: false });   // 2 rows × 4 columns of 1
 */
export function boxKernel(
  ksize: readonly [number, number] | number,
  options: { normalize?: boolean } = {},
): Kernel {
  const [w, h] = sizePair(ksize);
  checkSize(w, h);
  const v = options.normalize === false ? 1 : 1 / (w * h);
  const col = new Float64Array(h).fill(v);
  const row = new Float64Array(w).fill(1);
  return withFactors({ data: new Float64Array(w * h).fill(v), rows: h, cols: w }, col, row);
}

/**
 * 1-D binomial taps C(n−1, k) / 2^(n−1), k = 0..n−1 (n ≥ 1): [1 2 1]/4, [1 4 6 4 1]/16, …
 * The discrete Gaussian of variance (n−1)/4; exact in float64 up to n = 53.
 */
export function binomialTaps(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1 || n > 1024) invalidArgument('ksize', 'an integer from 1 to 1024', n);
  const c = new Float64Array(n);
  c[0] = 1;
  for (let i = 1; i < n; i++) for (let k = i; k > 0; k--) c[k] += c[k - 1];
  const scale = 2 ** -(n - 1);
  return c.map((v) => v * scale);
}

/** 2-D binomial kernel (width × height): binomial(h)ᵀ ⊗ binomial(w). */
export function binomialKernel(ksize: readonly [number, number] | number): Kernel {
  const [w, h] = sizePair(ksize);
  checkSize(w, h);
  const row = binomialTaps(w);
  const col = binomialTaps(h);
  return withFactors(outerKernel(col, row), col, row);
}

/**
 * Sharpening: the identity plus `amount` times the negated 4-neighbour Laplacian,
 * [[0, −a, 0], [−a, 1 + 4a, −a], [0, −a, 0]] (sum 1; amount 1 is the classic mask).
 */
export function sharpenKernel(amount = 1): Kernel {
  if (typeof amount !== 'number' || !Number.isFinite(amount))
    invalidArgument('amount', 'a finite number', amount);
  const a = amount;
  return kernelFromRows([
    [0, -a, 0],
    [-a, 1 + 4 * a, -a],
    [0, -a, 0],
  ]);
}

/**
 * Unsharp mask as one linear kernel: (1 + amount)·δ − amount·G, with G the 2-D Gaussian
 * of σ (SciPy truncate rule, or an explicit odd ksize as OpenCV). Sum 1. (The `unsharp`
 * filter adds a threshold, which is not linear.)
 */
export function unsharpKernel(
  sigma = 1,
  amount = 1,
  options: { ksize?: number; truncate?: number } = {},
): Kernel {
  if (typeof amount !== 'number' || !Number.isFinite(amount))
    invalidArgument('amount', 'a finite number', amount);
  const g = gaussianKernel({
    sigma,
    ksize: options.ksize === undefined ? undefined : [options.ksize, options.ksize],
    truncate: options.truncate,
  });
  const data = g.data.map((v) => -amount * v);
  data[(g.rows >> 1) * g.cols + (g.cols >> 1)] += 1 + amount;
  return toKernel({ data, rows: g.rows, cols: g.cols });
}

/**
 * Emboss: [[−2s, −s, 0], [−s, 1, s], [0, s, 2s]] (strength s, default 1). Under correlation
 * the response is positive where intensity increases towards the lower right; the centre 1
 * keeps the image's level (sum 1).
 */
export function embossKernel(strength = 1): Kernel {
  if (typeof strength !== 'number' || !Number.isFinite(strength))
    invalidArgument('strength', 'a finite number', strength);
  const s = strength;
  return kernelFromRows([
    [-2 * s, -s, 0],
    [-s, 1, s],
    [0, s, 2 * s],
  ]);
}

/** Distance from (x, y) to the segment from −e to e. */
function distToSegment(x: number, y: number, ex: number, ey: number): number {
  const len2 = ex * ex + ey * ey;
  const t = len2 === 0 ? 0 : Math.max(-1, Math.min(1, (x * ex + y * ey) / len2));
  return Math.hypot(x - t * ex, y - t * ey);
}

/**
 * Motion blur along a line of `length` pixels through the centre at `angle` degrees
 * (counter-clockwise on screen from the +x axis; rows grow downwards). Each tap weighs
 * max(0, 1 − d), d = the distance from its centre to the segment of length − 1 (a 1-pixel
 * wide antialiased line), normalised to sum 1; the size is the smallest odd-sized box
 * around the line (centre = anchor). Angle 0 with an odd length gives a 1 × length row of
 * 1/length.
 */
export function motionKernel(length: number, angle = 0): Kernel {
  if (typeof length !== 'number' || !Number.isFinite(length) || length < 1 || length > 4096)
    invalidArgument('length', 'a number of pixels from 1 to 4096', length);
  if (typeof angle !== 'number' || !Number.isFinite(angle))
    invalidArgument('angle', 'a finite number of degrees', angle);
  const t = (angle * Math.PI) / 180;
  const half = (length - 1) / 2;
  const ex = half * Math.cos(t);
  const ey = -half * Math.sin(t); // screen y points down
  const r = Math.ceil(Math.max(Math.abs(ex), Math.abs(ey)) - 1e-9) + 1;
  const n = 2 * r + 1;
  const data = new Float64Array(n * n);
  let sum = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const w = Math.max(0, 1 - distToSegment(j - r, i - r, ex, ey));
      // distances within 1e-12 of 1 are 0: keeps angle 0 free of 1e-17 crumbs
      data[i * n + j] = w < 1e-12 ? 0 : w;
      sum += data[i * n + j];
    }
  for (let i = 0; i < data.length; i++) data[i] /= sum;
  return trimZeroBorder({ data, rows: n, cols: n });
}

/** Removes all-zero outer rows and columns symmetrically (the centre stays the centre). */
function trimZeroBorder(k: Kernel): Kernel {
  let { rows, cols } = k;
  const rowZero = (i: number) => k.data.subarray(i * k.cols, (i + 1) * k.cols).every((v) => v === 0);
  const colZero = (j: number) => {
    for (let i = 0; i < k.rows; i++) if (k.data[i * k.cols + j] !== 0) return false;
    return true;
  };
  let top = 0;
  while (rows - 2 * top > 1 && rowZero(top) && rowZero(k.rows - 1 - top)) top++;
  let left = 0;
  while (cols - 2 * left > 1 && colZero(left) && colZero(k.cols - 1 - left)) left++;
  rows -= 2 * top;
  cols -= 2 * left;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    data.set(k.data.subarray((i + top) * k.cols + left, (i + top) * k.cols + left + cols), i * cols);
  return { data, rows, cols };
}

/** ∫ √(r² − x²) dx. */
function circleIntegral(x: number, r: number): number {
  const c = Math.max(-r, Math.min(r, x));
  return 0.5 * (c * Math.sqrt(r * r - c * c) + r * r * Math.asin(c / r));
}

/** Exact area of the disk x² + y² ≤ r² inside the rectangle [x0, x1] × [y0, y1]. */
function diskArea(x0: number, x1: number, y0: number, y1: number, r: number): number {
  // Between the breakpoints the upper bound is y1 or h(x) and the lower y0 or −h(x).
  const cuts = [x0, x1];
  for (const y of [y0, y1]) {
    if (Math.abs(y) <= r) {
      const x = Math.sqrt(r * r - y * y);
      cuts.push(x, -x);
    }
  }
  cuts.push(-r, r);
  const xs = cuts.filter((x) => x >= x0 && x <= x1).sort((a, b) => a - b);
  let area = 0;
  for (let k = 0; k + 1 < xs.length; k++) {
    const a = xs[k];
    const b = xs[k + 1];
    if (b <= a) continue;
    const m = (a + b) / 2;
    if (Math.abs(m) >= r) continue;
    const h = Math.sqrt(r * r - m * m);
    // (ties happen only where the circle touches the edge at a cut: either branch is right there)
    const upperIsH = h <= y1;
    const lowerIsH = -h >= y0;
    const upper = upperIsH ? circleIntegral(b, r) - circleIntegral(a, r) : y1 * (b - a);
    const lower = lowerIsH ? -(circleIntegral(b, r) - circleIntegral(a, r)) : y0 * (b - a);
    if ((upperIsH ? h : y1) > (lowerIsH ? -h : y0)) area += upper - lower;
  }
  return area;
}

/**
 * Disk (pillbox) of `radius` pixels, sized as MATLAB `fspecial('disk')`
 * (2·ceil(r − 0.5) + 1): each tap is the exact area of the pixel square covered by the disk
 * (MATLAB approximates the boundary pixels), normalised to sum 1.
 */
export function diskKernel(radius: number): Kernel {
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0 || radius > 2048)
    invalidArgument('radius', 'a number of pixels > 0 and ≤ 2048', radius);
  const r = Math.ceil(radius - 0.5);
  const n = 2 * r + 1;
  const data = new Float64Array(n * n);
  let sum = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = j - r;
      const y = i - r;
      const a = diskArea(x - 0.5, x + 0.5, y - 0.5, y + 0.5, radius);
      data[i * n + j] = a;
      sum += a;
    }
  for (let i = 0; i < data.length; i++) data[i] /= sum;
  return { data, rows: n, cols: n };
}

/**
 * The lecture notes' masks (Nazar Khan, Computer Vision, "Convolution Masks" and
 * "Gaussian Kernel"), written as in the notes. They are meant for CONVOLUTION (I ∗ M, the
 * mask flipped): convolved, `y-derivative` gives +∂I/∂y (positive where intensity
 * increases downwards); correlated, it gives −∂I/∂y.
 */
export const LECTURE_MASKS: Readonly<Record<string, { summary: string; make: () => Kernel }>> = {
  averaging: {
    summary: '1/9 [1 1 1; 1 1 1; 1 1 1] (3×3 averaging)',
    make: () => boxKernel([3, 3]),
  },
  'y-derivative': {
    summary: '1/2 [1 1 1; 0 0 0; −1 −1 −1] (convolve: +∂/∂y downwards)',
    make: () =>
      divided(
        [
          [1, 1, 1],
          [0, 0, 0],
          [-1, -1, -1],
        ],
        2,
      ),
  },
  'y-derivative-averaging': {
    summary: '1/18 [2 3 2; 0 0 0; −2 −3 −2] (convolve: +∂/∂y downwards, smoothed)',
    make: () =>
      divided(
        [
          [2, 3, 2],
          [0, 0, 0],
          [-2, -3, -2],
        ],
        18,
      ),
  },
  'gaussian-961': {
    summary: '1/961 [6 61 242 343 242 61 6] (1-D, integer Gaussian approximation)',
    make: () => divided([[6, 61, 242, 343, 242, 61, 6]], 961),
  },
  'gaussian-961-2d': {
    summary: '1/961² [6 61 242 343 242 61 6]ᵀ ⊗ [6 61 242 343 242 61 6] (7×7)',
    make: () => {
      const t = [6, 61, 242, 343, 242, 61, 6].map((v) => v / 961);
      return withFactors(outerKernel(t, t), t, t);
    },
  },
  'gaussian-273': {
    summary: '1/273 [1 4 7 4 1; 4 16 26 16 4; 7 26 41 26 7; 4 16 26 16 4; 1 4 7 4 1] (5×5, not separable)',
    make: () =>
      divided(
        [
          [1, 4, 7, 4, 1],
          [4, 16, 26, 16, 4],
          [7, 26, 41, 26, 7],
          [4, 16, 26, 16, 4],
          [1, 4, 7, 4, 1],
        ],
        273,
      ),
  },
};

/** rows / d, each tap correctly rounded (v / d rather than v · (1/d)). */
function divided(rows: number[][], d: number): Kernel {
  return kernelFromRows(rows.map((r) => r.map((v) => v / d)));
}
