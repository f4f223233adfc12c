/**
 * Gaussian taps, by the two rules users meet in practice:
 *
 *  - OpenCV (`getGaussianKernel(N, σ)`, and GaussianBlur with an explicit size): N odd taps
 *    g[i] = exp(−x²/(2σ²)) with x = i − (N−1)/2, divided by their sum. σ ≤ 0 means
 *    σ = 0.3·((N−1)/2 − 1) + 0.8, and for N ∈ {1, 3, 5, 7, 9} OpenCV 4.x then returns
 *    fixed binomial-like tables instead (reproduced below, checked against OpenCV 4.6).
 *  - SciPy (`ndimage.gaussian_filter(σ, truncate=T)`): radius r = floor(T·σ + 0.5), taps
 *    x = −r..r, the same normalised samples.
 *
 * All taps are symmetric (a Gaussian is its own flip), so correlation and convolution agree.
 */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, MAX_KERNEL_TAPS } from './kernel.js';
import { outerKernel } from './algebra.js';

/**
 * OpenCV 4.x's tables for σ ≤ 0 and small N: exact dyadic fractions (x/256 for N = 9), which
 * GaussianBlur's fixed-point uint8 path relies on. Not the sampled formula (that differs by
 * up to 0.022 for N = 3).
 */
const OPENCV_SMALL_TABLES: Readonly<Record<number, readonly number[]>> = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  9: [4 / 256, 13 / 256, 30 / 256, 51 / 256, 60 / 256, 51 / 256, 30 / 256, 13 / 256, 4 / 256],
};

/** The largest 1-D Gaussian we build: a side of a kernel that could still be applied. */
export const MAX_GAUSSIAN_TAPS = MAX_KERNEL_TAPS;

/** σ that OpenCV derives from a size when σ ≤ 0: 0.3·((N−1)/2 − 1) + 0.8. */
export function gaussianSigmaForSize(ksize: number): number {
  return 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
}

/** SciPy's radius for a Gaussian of σ truncated at T standard deviations: floor(T·σ + 0.5). */
export function gaussianRadius(sigma: number, truncate = 4.0, option = 'sigma'): number {
  checkPositive(sigma, option);
  if (typeof truncate !== 'number' || !Number.isFinite(truncate) || truncate < 0)
    invalidArgument('truncate', 'a finite number ≥ 0', truncate);
  const r = Math.floor(truncate * sigma + 0.5);
  if (2 * r + 1 > MAX_GAUSSIAN_TAPS)
    invalidArgument(option, `σ·truncate giving at most ${MAX_GAUSSIAN_TAPS} taps`, sigma);
  return r;
}

/**
 * OpenCV's size for a Gaussian with only σ given (GaussianBlur with ksize 0):
 * round(σ·4·2 + 1) | 1 for float images, round(σ·3·2 + 1) | 1 for uint8.
 */
export function opencvGaussianSize(sigma: number, uint8 = false): number {
  checkPositive(sigma, 'sigma');
  const n = Math.round(sigma * (uint8 ? 3 : 4) * 2 + 1) | 1;
  if (!(n <= MAX_GAUSSIAN_TAPS))
    invalidArgument('sigma', `a σ giving at most ${MAX_GAUSSIAN_TAPS} taps`, sigma);
  return n;
}

function checkPositive(v: number, option: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    invalidArgument(option, 'a finite number > 0', v);
}

function checkOddSize(ksize: number, option: string): void {
  if (!Number.isInteger(ksize) || ksize < 1 || ksize % 2 === 0 || ksize > MAX_GAUSSIAN_TAPS)
    invalidArgument(option, `an odd integer from 1 to ${MAX_GAUSSIAN_TAPS}`, ksize);
}

/** exp(−x²/(2σ²)) at x = −r..r, normalised to sum 1, summed symmetrically from the tails in. */
function sampled(n: number, sigma: number): Float64Array {
  const taps = new Float64Array(n);
  const half = (n - 1) / 2;
  const s = -0.5 / (sigma * sigma);
  for (let i = 0; i < n; i++) {
    const x = i - half;
    taps[i] = Math.exp(s * x * x);
  }
  // Sum the small tails first so the normalisation does not depend on argument order.
  let sum = 0;
  for (let i = 0; i < (n - 1) / 2; i++) sum += taps[i] + taps[n - 1 - i];
  sum += taps[(n - 1) / 2];
  const inv = 1 / sum;
  for (let i = 0; i < n; i++) taps[i] *= inv;
  return taps;
}

/**
 * 1-D Gaussian taps as OpenCV's `getGaussianKernel(ksize, sigma)` (float64): ksize odd;
 * σ ≤ 0 derives σ from the size (and uses OpenCV's fixed tables for ksize ≤ 9).
 * Symmetric, sums to 1 (within rounding).
 *
 * @example
 *   gaussianTaps(3, 0);     // [0.25, 0.5, 0.25]   (OpenCV's table)
 *   gaussianTaps(5, 1.0);   // [0.0545, 0.2442, 0.4026, 0.2442, 0.0545]
 */
export function gaussianTaps(ksize: number, sigma = 0): Float64Array {
  checkOddSize(ksize, 'ksize');
  if (typeof sigma !== 'number' || Number.isNaN(sigma) || sigma === Infinity)
    invalidArgument('sigma', 'a finite number (≤ 0: derived from ksize)', sigma);
  if (sigma <= 0) {
    const table = OPENCV_SMALL_TABLES[ksize];
    if (table) return Float64Array.from(table);
    return sampled(ksize, gaussianSigmaForSize(ksize));
  }
  return sampled(ksize, sigma);
}

/**
 * 1-D Gaussian taps by SciPy's rule: radius floor(truncate·σ + 0.5), 2·radius + 1 taps,
 * normalised to sum 1 (as `scipy.ndimage.gaussian_filter1d`, order 0).
 *
 * @example
 *   gaussianTapsTruncated(1.0, 4.0).length;   // 9
 */
export function gaussianTapsTruncated(sigma: number, truncate = 4.0): Float64Array {
  const r = gaussianRadius(sigma, truncate);
  return sampled(2 * r + 1, sigma);
}

/** Options of a 2-D Gaussian kernel. */
export interface Gaussian2DOptions {
  /** σ along x (columns). With `ksize`, σ ≤ 0 derives it from the width (OpenCV). */
  sigma: number;
  /** σ along y (rows); default σ (OpenCV: ≤ 0 also means σ). */
  sigmaY?: number;
  /** [width, height], both odd: the OpenCV rule. Omitted: SciPy's truncate rule per axis. */
  ksize?: readonly [number, number] | number;
  /** SciPy rule: radius floor(truncate·σ + 0.5) (default 4). */
  truncate?: number;
  /**
   * Rotation of the x axis in degrees, counter-clockwise as seen on screen (rows grow
   * downwards). 0 (default) gives the separable axis-aligned kernel; otherwise the kernel is
   * sampled as exp(−(u²/2σx² + v²/2σy²)) on the rotated axes and normalised (not separable).
   */
  angle?: number;
}

/**
 * The two 1-D factors of an axis-aligned 2-D Gaussian: `row` (along x, length = width) and
 * `col` (along y, length = height). The kernel is col ⊗ row.
 */
export function gaussianFactors(options: Gaussian2DOptions): { row: Float64Array; col: Float64Array } {
  const { sigma, ksize, truncate } = options;
  let sigmaY = options.sigmaY ?? sigma;
  if (ksize !== undefined) {
    const [w, h] = typeof ksize === 'number' ? [ksize, ksize] : ksize;
    // OpenCV: sigmaY ≤ 0 means sigmaY = sigmaX; both ≤ 0 derive from the sizes.
    if (!(sigmaY > 0)) sigmaY = sigma;
    checkOddSize(w, 'ksize');
    checkOddSize(h, 'ksize');
    return { row: gaussianTaps(w, sigma), col: gaussianTaps(h, sigmaY) };
  }
  if (!(typeof sigma === 'number' && sigma > 0 && Number.isFinite(sigma)))
    invalidArgument('sigma', 'a finite number > 0 (or give ksize, which derives σ from the size)', sigma);
  checkPositive(sigmaY, 'sigmaY');
  return { row: gaussianTapsTruncated(sigma, truncate), col: gaussianTapsTruncated(sigmaY, truncate) };
}

/**
 * A 2-D Gaussian kernel (normalised to sum 1): axis-aligned (col ⊗ row of the 1-D taps, by
 * the OpenCV rule when `ksize` is given, else SciPy's) or rotated by `angle` degrees.
 *
 * @example
 *   gaussianKernel({ sigma: 1, ksize: [5, 3] });      // 3 rows × 5 cols, OpenCV taps
 *   gaussianKernel({ sigma: 3, sigmaY: 1, angle: 30 }); // an oriented blob
 */
export function gaussianKernel(options: Gaussian2DOptions): Kernel {
  const angle = options.angle ?? 0;
  if (typeof angle !== 'number' || !Number.isFinite(angle))
    invalidArgument('angle', 'a finite number of degrees', angle);
  const { row, col } = gaussianFactors(options);
  if (angle % 180 === 0) return outerKernel(col, row);
  const sx = options.sigma > 0 ? options.sigma : gaussianSigmaForSize(row.length);
  const syOpt = options.sigmaY ?? options.sigma;
  const sy = syOpt > 0 ? syOpt : col.length === row.length ? sx : gaussianSigmaForSize(col.length);
  // A rotated kernel needs room along both axes: use the larger extent for both.
  const n = Math.max(row.length, col.length);
  if (n * n > MAX_KERNEL_TAPS)
    invalidArgument('sigma', `a kernel of at most ${MAX_KERNEL_TAPS} taps`, options.sigma);
  const t = (angle * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const data = new Float64Array(n * n);
  const half = (n - 1) / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = i - half; // rows grow downwards; the angle is counter-clockwise on screen
    for (let j = 0; j < n; j++) {
      const x = j - half;
      const u = x * c - y * s;
      const v = x * s + y * c;
      const w = Math.exp(-(u * u) / (2 * sx * sx) - (v * v) / (2 * sy * sy));
      data[i * n + j] = w;
      sum += w;
    }
  }
  for (let i = 0; i < data.length; i++) data[i] /= sum;
  return { data, rows: n, cols: n };
}
