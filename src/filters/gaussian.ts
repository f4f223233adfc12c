/**
 * Gaussian blur, by either peer's rule:
 *
 *  - `truncate` (default, SciPy `ndimage.gaussian_filter`): radius floor(truncate·σ + 0.5)
 *    per axis; default border `symmetric` (SciPy's 'reflect').
 *  - `ksize` [width, height] (OpenCV `GaussianBlur`): the taps of getGaussianKernel(width, σx)
 *    and getGaussianKernel(height, σy), σ ≤ 0 derived from the size; a 0 in ksize derives
 *    that size from σ as OpenCV does (round(σ·4·2 + 1) | 1, or ·3· for uint8); default
 *    border `mirror` (OpenCV's BORDER_REFLECT_101).
 *
 * Correlation (= convolution: the kernel is symmetric), centre anchor, output dtype = the
 * input's. Integer outputs are exactly rounded (half to even) from the float64 result —
 * where OpenCV's fixed-point uint8 path can be off by one.
 */
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray } from '../core/ndarray.js';
import { gaussianFactors, opencvGaussianSize } from '../kernels/gaussian.js';
import { outerKernel } from '../kernels/algebra.js';
import { MAX_KERNEL_TAPS } from '../kernels/kernel.js';
import { type FilterOptions, runRecipe } from './common.js';

export interface GaussianBlurOptions extends FilterOptions {
  /** σ along x (columns), in pixels. Must be > 0 unless `ksize` is given (then ≤ 0 derives it from the size). */
  sigma: number;
  /** σ along y (rows); default σ (anisotropic blur when different). */
  sigmaY?: number;
  /** [width, height] (odd, or 0 = from σ), or one number for both: the OpenCV rule. */
  ksize?: readonly [number, number] | number;
  /** SciPy rule when `ksize` is absent: radius floor(truncate·σ + 0.5) (default 4). */
  truncate?: number;
}

/**
 * Gaussian blur (see the module doc for the two rules). Default border: `mirror` with
 * `ksize` (OpenCV), `symmetric` without (SciPy). Output dtype: the input's.
 *
 * @example
 *   gaussianBlur(img, { sigma: 2 });                    // SciPy: 17×17 taps, border symmetric
 *   gaussianBlur(img, { sigma: 1.2, ksize: [5, 5] });   // OpenCV GaussianBlur(img, (5, 5), 1.2)
 */
export function gaussianBlur(input: NDArray, options: GaussianBlurOptions): NDArray {
  checkArray(input);
  if (typeof options !== 'object' || options === null)
    invalidArgument('options', 'an options object such as { sigma: 2 }', options);
  let ksize = options.ksize;
  if (ksize !== undefined) {
    const [w0, h0] = typeof ksize === 'number' ? [ksize, ksize] : ksize;
    const sigmaY = options.sigmaY !== undefined && options.sigmaY > 0 ? options.sigmaY : options.sigma;
    // OpenCV: a 0 size comes from σ (×3 for 8-bit images, ×4 otherwise)
    const u8 = input.dtype === 'uint8';
    if (w0 === 0 && !(options.sigma > 0))
      invalidArgument('sigma', 'a σ > 0 when the width is 0 (derived from σ)', options.sigma);
    if (h0 === 0 && !(sigmaY > 0))
      invalidArgument('sigmaY', 'a σ > 0 when the height is 0 (derived from σ)', sigmaY);
    ksize = [
      w0 === 0 ? opencvGaussianSize(options.sigma, u8) : w0,
      h0 === 0 ? opencvGaussianSize(sigmaY, u8) : h0,
    ];
  }
  const { row, col } = gaussianFactors({ ...options, ksize });
  if (row.length * col.length > MAX_KERNEL_TAPS)
    invalidArgument(
      'sigma',
      `σ giving at most ${MAX_KERNEL_TAPS} taps in all`,
      options.sigma,
      `${col.length}×${row.length} taps`,
    );
  return runRecipe(input, { kernel: outerKernel(col, row), factors: { col, row } }, options, {
    border: ksize === undefined ? 'symmetric' : 'mirror',
    dtype: input.dtype,
    alpha: 'premultiply',
  });
}
