/**
 * Derivative kernels: Sobel, Scharr, Prewitt (OpenCV `getDerivKernels` semantics), the
 * Laplacian (OpenCV's ksize 1, 3, 5 …), Laplacian of Gaussian and difference of Gaussians.
 *
 * Sign convention (as OpenCV and SciPy): applied by CORRELATION (`correlate`, and the named
 * filters sobel/scharr/laplacian), an x-derivative kernel is positive where intensity
 * increases to the right, a y-derivative where it increases downwards (rows grow down):
 * Sobel x = [1 2 1]ᵀ ⊗ [−1 0 1]. Applied by convolution the sign flips for odd orders.
 * Laplacian, LoG: negative at the centre of a bright spot (∇² of a peak is negative).
 */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, MAX_KERNEL_TAPS } from './kernel.js';
import { outerKernel } from './algebra.js';
import { withFactors } from './separable.js';
import { gaussianKernel } from './gaussian.js';

/** OpenCV's limit for Sobel/Laplacian apertures. */
export const MAX_DERIV_SIZE = 31;

/** Convolves two 1-D integer lists (full). */
function conv1(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return out;
}

function checkOrder(order: number, option: string): void {
  if (!Number.isInteger(order) || order < 0) invalidArgument(option, 'an integer ≥ 0', order);
}

/**
 * 1-D Sobel taps of derivative `order` and odd `ksize` (OpenCV getDerivKernels): the
 * binomial smoothing [1 1]^(ksize−1−order) convolved `order` times with the difference
 * [−1 1], so order 1 reads x[n+1] − x[n−1] under correlation. ksize 1 means 1 for order 0
 * and the 3-tap kernel otherwise (as OpenCV). `normalize` divides by 2^(ksize−order−1).
 *
 * @example
 *   sobelTaps(1, 3);   // [-1, 0, 1]
 *   sobelTaps(0, 5);   // [1, 4, 6, 4, 1]
 *   sobelTaps(2, 5);   // [1, 0, -2, 0, 1]
 */
export function sobelTaps(order: number, ksize = 3, normalize = false, option = 'ksize'): Float64Array {
  checkOrder(order, 'order');
  if (!Number.isInteger(ksize) || ksize < 1 || ksize % 2 === 0 || ksize > MAX_DERIV_SIZE)
    invalidArgument(option, `an odd integer from 1 to ${MAX_DERIV_SIZE}`, ksize);
  const n = ksize === 1 && order > 0 ? 3 : ksize;
  if (order >= n)
    invalidArgument(
      'order',
      `a derivative order below the kernel size (${n}${ksize === 1 ? ', ksize 1 means 3 for orders > 0' : ''})`,
      order,
    );
  let taps = [1];
  for (let i = 0; i < n - order - 1; i++) taps = conv1(taps, [1, 1]);
  for (let i = 0; i < order; i++) taps = conv1(taps, [-1, 1]);
  const scale = normalize ? 1 / 2 ** (n - order - 1) : 1;
  return Float64Array.from(taps, (v) => v * scale + 0); // + 0 turns −0 into 0
}

/** Which derivative: orders along x (columns) and y (rows). */
export interface DerivOptions {
  dx: number;
  dy: number;
  /** Odd aperture 1..31 (Sobel default 3; Prewitt ≥ 3). */
  ksize?: number;
  /** Divide by the smoothing sum, as OpenCV's `normalize` flag (default false). */
  normalize?: boolean;
}

function checkOrders(dx: number, dy: number): void {
  checkOrder(dx, 'dx');
  checkOrder(dy, 'dy');
  if (dx + dy === 0)
    invalidArgument('dx', 'dx + dy ≥ 1 (dx = dy = 0 is no derivative)', `dx=${dx}, dy=${dy}`);
}

/**
 * The 1-D factors of a Sobel kernel, as OpenCV `getDerivKernels(dx, dy, ksize)`:
 * `row` (along x, order dx) and `col` (along y, order dy). The 2-D kernel is col ⊗ row.
 */
export function sobelFactors({ dx, dy, ksize = 3, normalize = false }: DerivOptions): {
  row: Float64Array;
  col: Float64Array;
} {
  checkOrders(dx, dy);
  const n = ksize === 1 ? 3 : ksize;
  if (dx >= n) invalidArgument('dx', `an order below the kernel size ${n}`, dx);
  if (dy >= n) invalidArgument('dy', `an order below the kernel size ${n}`, dy);
  return { row: sobelTaps(dx, ksize, normalize), col: sobelTaps(dy, ksize, normalize) };
}

/**
 * Sobel kernel (correlation): col ⊗ row of `sobelFactors`. Positive where intensity
 * increases to the right (dx) / downwards (dy).
 *
 * @example
 *   sobelKernel({ dx: 1, dy: 0 });   // [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
 */
export function sobelKernel(options: DerivOptions): Kernel {
  const { row, col } = sobelFactors(options);
  return withFactors(outerKernel(col, row), col, row);
}

/**
 * The factors of the 3×3 Scharr kernel (OpenCV `getDerivKernels(dx, dy, -1)`): derivative
 * [−1 0 1] and smoothing [3 10 3]; one of dx, dy is 1 and the other 0. `normalize` scales
 * the smoothing factor by 1/32, as OpenCV's flag does.
 */
export function scharrFactors({ dx, dy, normalize = false }: Omit<DerivOptions, 'ksize'>): {
  row: Float64Array;
  col: Float64Array;
} {
  checkOrders(dx, dy);
  if (!((dx === 1 && dy === 0) || (dx === 0 && dy === 1)))
    invalidArgument('dx', 'dx, dy = 1, 0 or 0, 1 for Scharr', `dx=${dx}, dy=${dy}`);
  const smooth = normalize ? [3 / 32, 10 / 32, 3 / 32] : [3, 10, 3];
  const deriv = [-1, 0, 1];
  return dx === 1
    ? { row: Float64Array.from(deriv), col: Float64Array.from(smooth) }
    : { row: Float64Array.from(smooth), col: Float64Array.from(deriv) };
}

/**
 * Scharr kernel (correlation): [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]] for dx = 1.
 */
export function scharrKernel(options: Omit<DerivOptions, 'ksize'>): Kernel {
  const { row, col } = scharrFactors(options);
  return withFactors(outerKernel(col, row), col, row);
}

/**
 * Prewitt kernel (correlation): box smoothing ones(ksize) across the derivative axis and
 * the Sobel derivative taps of the same size along it (ksize odd ≥ 3; 3 gives the classic
 * [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]] for dx = 1). Not in OpenCV; defined here so that
 * size and order mean what they mean for Sobel.
 */
export function prewittKernel({ dx, dy, ksize = 3 }: Omit<DerivOptions, 'normalize'>): Kernel {
  checkOrders(dx, dy);
  if (!Number.isInteger(ksize) || ksize < 3 || ksize % 2 === 0 || ksize > MAX_DERIV_SIZE)
    invalidArgument('ksize', `an odd integer from 3 to ${MAX_DERIV_SIZE}`, ksize);
  const factor = (order: number, axis: 'dx' | 'dy') => {
    if (order >= ksize) invalidArgument(axis, `an order below the kernel size ${ksize}`, order);
    return order === 0 ? new Float64Array(ksize).fill(1) : sobelTaps(order, ksize);
  };
  const row = factor(dx, 'dx');
  const col = factor(dy, 'dy');
  return withFactors(outerKernel(col, row), col, row);
}

/**
 * The Laplacian ∂²/∂x² + ∂²/∂y² as OpenCV `Laplacian(ksize)`: ksize 1 →
 * [[0, 1, 0], [1, −4, 1], [0, 1, 0]]; ksize 3 → [[2, 0, 2], [0, −8, 0], [2, 0, 2]];
 * ksize ≥ 5 (odd, ≤ 31) → Sobel(2, 0, ksize) + Sobel(0, 2, ksize). Zero sum; not separable
 * (rank 2). Negative at the centre of a bright spot.
 */
export function laplacianKernel(ksize = 1): Kernel {
  if (!Number.isInteger(ksize) || ksize < 1 || ksize % 2 === 0 || ksize > MAX_DERIV_SIZE)
    invalidArgument('ksize', `an odd integer from 1 to ${MAX_DERIV_SIZE}`, ksize);
  if (ksize === 1) return { data: Float64Array.from([0, 1, 0, 1, -4, 1, 0, 1, 0]), rows: 3, cols: 3 };
  if (ksize === 3) return { data: Float64Array.from([2, 0, 2, 0, -8, 0, 2, 0, 2]), rows: 3, cols: 3 };
  const d2 = sobelTaps(2, ksize);
  const s = sobelTaps(0, ksize);
  const data = new Float64Array(ksize * ksize);
  for (let i = 0; i < ksize; i++)
    for (let j = 0; j < ksize; j++) data[i * ksize + j] = s[i] * d2[j] + d2[i] * s[j];
  return { data, rows: ksize, cols: ksize };
}

function checkLoGSize(ksize: number | undefined, sigma: number): number {
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0)
    invalidArgument('sigma', 'a finite number > 0', sigma);
  const n = ksize ?? 2 * Math.ceil(3 * sigma) + 1;
  if (!Number.isInteger(n) || n < 1 || n % 2 === 0 || n * n > MAX_KERNEL_TAPS)
    invalidArgument('ksize', 'an odd integer ≥ 1 (default 2·ceil(3σ) + 1)', ksize);
  return n;
}

/**
 * Laplacian of Gaussian (MATLAB `fspecial('log')` definition): g = exp(−r²/2σ²) normalised
 * to sum 1, h = g·(r² − 2σ²)/σ⁴, then shifted so the taps sum to 0. Default size
 * 2·ceil(3σ) + 1. Negative at the centre (same sign as the Laplacian).
 */
export function logKernel(sigma: number, ksize?: number): Kernel {
  const n = checkLoGSize(ksize, sigma);
  const half = (n - 1) / 2;
  const g = new Float64Array(n * n);
  let gs = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r2 = (i - half) ** 2 + (j - half) ** 2;
      g[i * n + j] = Math.exp(-r2 / (2 * sigma * sigma));
      gs += g[i * n + j];
    }
  const data = new Float64Array(n * n);
  let hs = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r2 = (i - half) ** 2 + (j - half) ** 2;
      data[i * n + j] = ((g[i * n + j] / gs) * (r2 - 2 * sigma * sigma)) / sigma ** 4;
      hs += data[i * n + j];
    }
  const shift = hs / (n * n);
  for (let i = 0; i < data.length; i++) data[i] -= shift;
  return { data, rows: n, cols: n };
}

/**
 * Difference of Gaussians G(σ1) − G(σ2) on an n×n grid (each Gaussian normalised to sum 1,
 * so the taps sum to 0). σ2 defaults to 1.6·σ1 (Marr–Hildreth's LoG approximation); size
 * defaults to 2·ceil(3·max σ) + 1. Positive at the centre when σ1 < σ2 (the opposite sign
 * of LoG: DoG ≈ −(σ2 − σ1)·σ·∇²G).
 */
export function dogKernel(sigma1: number, sigma2 = 1.6 * sigma1, ksize?: number): Kernel {
  if (typeof sigma1 !== 'number' || !Number.isFinite(sigma1) || sigma1 <= 0)
    invalidArgument('sigma', 'a finite number > 0', sigma1);
  if (typeof sigma2 !== 'number' || !Number.isFinite(sigma2) || sigma2 <= 0)
    invalidArgument('sigma2', 'a finite number > 0', sigma2);
  const n = checkLoGSize(ksize, Math.max(sigma1, sigma2));
  const a = gaussianKernel({ sigma: sigma1, ksize: [n, n] });
  const b = gaussianKernel({ sigma: sigma2, ksize: [n, n] });
  return { data: a.data.map((v, i) => v - b.data[i]), rows: n, cols: n };
}
