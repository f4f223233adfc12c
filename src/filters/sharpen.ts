/**
 * Sharpening: the 3×3 `sharpen` kernel and the unsharp mask with a threshold.
 */
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray } from '../core/ndarray.js';
import { sharpenKernel } from '../kernels/presets.js';
import { storeRow } from '../core/cast.js';
import { allocate, isDType } from '../core/dtypes.js';
import { ndarray } from '../core/ndarray.js';
import { type FilterOptions, runRecipe } from './common.js';
import { gaussianBlur } from './gaussian.js';
import { copyInto } from '../linear/plan.js';

/**
 * Correlates with [0 −a 0; −a 1+4a −a; 0 −a 0] (`amount` a, default 1): the image minus a
 * times its 4-neighbour Laplacian. Default border `mirror`; output dtype = the input's.
 */
export function sharpen(input: NDArray, options: FilterOptions & { amount?: number } = {}): NDArray {
  return runRecipe(input, { kernel: sharpenKernel(options.amount ?? 1) }, options, {
    border: 'mirror',
    dtype: input.dtype,
    alpha: 'premultiply',
  });
}

export interface UnsharpOptions extends FilterOptions {
  /** σ of the Gaussian blur (default 1; SciPy truncate rule unless `ksize`). */
  sigma?: number;
  /** Strength (default 1): y = x + amount·(x − blur(x)). */
  amount?: number;
  /** Sharpen only where |x − blur(x)| ≥ threshold (default 0: everywhere), as PIL's UnsharpMask. */
  threshold?: number;
  /** Odd size of the blur (OpenCV taps) instead of the truncate rule. */
  ksize?: number;
  /** SciPy truncate for the blur (default 4). */
  truncate?: number;
}

/**
 * Unsharp mask, as scikit-image `unsharp_mask(radius=σ, amount)` plus PIL's threshold:
 * y = x + amount·(x − G_σ ⋆ x) where |x − G_σ ⋆ x| ≥ threshold, else x. Default border
 * `replicate` (scikit-image's 'nearest'); output dtype = the input's (integers rounded half
 * to even and saturated once, from the float64 result; threshold in the image's units).
 */
export function unsharpMask(input: NDArray, options: UnsharpOptions = {}): NDArray {
  checkArray(input);
  const amount = options.amount ?? 1;
  const threshold = options.threshold ?? 0;
  if (!Number.isFinite(amount)) invalidArgument('amount', 'a finite number', amount);
  if (!(threshold >= 0 && Number.isFinite(threshold)))
    invalidArgument('threshold', 'a finite number ≥ 0', threshold);
  const blurred = gaussianBlur(input, {
    sigma: options.sigma ?? 1,
    ksize: options.ksize,
    truncate: options.truncate,
    border: options.border ?? 'replicate',
    cval: options.cval,
    alpha: options.alpha,
    method: options.method,
    onPlan: options.onPlan,
    dtype: 'float64',
  });
  const x = input.data;
  const b = blurred.data;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const diff = x[i] - b[i];
    y[i] = Math.abs(diff) >= threshold ? x[i] + amount * diff : x[i];
  }
  const dtype = options.dtype ?? input.dtype;
  if (!isDType(dtype)) invalidArgument('dtype', 'one of uint8, uint16, float32, float64', dtype);
  const out = allocate(dtype, y.length);
  storeRow(y, y.length, out, 0, 1, dtype, options.rounding ?? 'half-even');
  const result = ndarray(out, input.shape, { alpha: input.alpha });
  return options.out ? copyInto(options.out, result) : result;
}
