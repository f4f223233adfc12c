/**
 * Derivative filters as OpenCV: `sobel`, `scharr`, `laplacian` — dst = scale·(K ⋆ src) + delta.
 *
 * Correlation (not convolution), centre anchor, default border `mirror` (OpenCV's
 * BORDER_REFLECT_101). Sign: positive where intensity increases to the right (dx) or
 * downwards (dy); the Laplacian is negative on a bright spot. Output dtype: float32 for
 * uint8/uint16 images (so negative edges are not clipped to 0 — the trap of tools that
 * keep 8 bits), the input's for float images; `dtype` overrides (integer outputs then
 * saturate, as OpenCV's CV_8U ddepth). Alpha: channels are filtered separately.
 */
import type { NDArray } from '../core/ndarray.js';
import { checkArray } from '../core/ndarray.js';
import { laplacianKernel, scharrFactors, sobelFactors, sobelTaps } from '../kernels/derivatives.js';
import { outerKernel } from '../kernels/algebra.js';
import { type Defaults, type FilterOptions, type Recipe, derivativeDType, runSum } from './common.js';

export interface DerivativeOptions extends FilterOptions {
  /** Multiplies the result (OpenCV `scale`, default 1). */
  scale?: number;
  /** Added after scaling (OpenCV `delta`, default 0). */
  delta?: number;
}

export interface SobelOptions extends DerivativeOptions {
  /** Derivative order along x (columns). */
  dx: number;
  /** Derivative order along y (rows). */
  dy: number;
  /** Odd aperture 1..31 (default 3; 1 = the 3-tap difference without smoothing). */
  ksize?: number;
}

function defaults(input: NDArray): Defaults {
  return { border: 'mirror', dtype: derivativeDType(input), alpha: 'separate' };
}

function separableRecipe(col: Float64Array, row: Float64Array): Recipe {
  return { kernel: outerKernel(col, row), factors: { col, row } };
}

/**
 * Sobel derivative of order (dx, dy), as OpenCV `Sobel(src, ddepth, dx, dy, ksize)`:
 * correlation with [smoothing]ᵀ ⊗ [derivative] (getDerivKernels).
 *
 * @example
 *   sobel(img, { dx: 1, dy: 0 });   // [[-1 0 1], [-2 0 2], [-1 0 1]]: positive on a rising edge
 */
export function sobel(input: NDArray, options: SobelOptions): NDArray {
  checkArray(input);
  const { row, col } = sobelFactors({ dx: options?.dx, dy: options?.dy, ksize: options.ksize ?? 3 });
  return runSum(input, [separableRecipe(col, row)], options, defaults(input), options.scale, options.delta);
}

/**
 * Scharr derivative (dx, dy = 1, 0 or 0, 1), as OpenCV `Scharr`: [3 10 3]ᵀ ⊗ [−1 0 1] for x.
 */
export function scharr(input: NDArray, options: Omit<SobelOptions, 'ksize'>): NDArray {
  checkArray(input);
  const { row, col } = scharrFactors({ dx: options?.dx, dy: options?.dy });
  return runSum(input, [separableRecipe(col, row)], options, defaults(input), options.scale, options.delta);
}

export interface LaplacianOptions extends DerivativeOptions {
  /** Odd aperture 1..31 (default 1: [0 1 0; 1 −4 1; 0 1 0]). */
  ksize?: number;
}

/**
 * Laplacian ∂²/∂x² + ∂²/∂y², as OpenCV `Laplacian(src, ddepth, ksize)`: ksize 1 and 3 are
 * fixed 3×3 kernels; larger sizes sum two separable Sobel second derivatives.
 */
export function laplacian(input: NDArray, options: LaplacianOptions = {}): NDArray {
  checkArray(input);
  const ksize = options.ksize ?? 1;
  const recipes: Recipe[] =
    ksize <= 3
      ? [{ kernel: laplacianKernel(ksize) }]
      : [
          separableRecipe(sobelTaps(0, ksize), sobelTaps(2, ksize)),
          separableRecipe(sobelTaps(2, ksize), sobelTaps(0, ksize)),
        ];
  return runSum(input, recipes, options, defaults(input), options.scale, options.delta);
}
