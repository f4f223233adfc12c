/**
 * The plan a linear filter would run with, without running it: what the playground shows
 * beside its result, and what `--explain-plan` prints.
 */
import type { NDArray } from '../core/ndarray.js';
import type { KernelLike } from '../kernels/kernel.js';
import { type LinearOptions, linearSpec } from './correlate.js';
import { type LinearPlan, planLinear } from './plan.js';

/**
 * The execution plan (method, backend, threads, and why) that `correlate` — or `convolve`
 * when `operation` is `'convolve'` — would use for these arguments. Validates exactly as they
 * do, so it throws the same errors. A plan changes speed, never the result.
 *
 * @example
 *   linearPlan(img, [[1, 2, 1], [2, 4, 2], [1, 2, 1]]).reason;   // "direct: the only method available for …"
 */
export function linearPlan(
  input: NDArray,
  kernel: KernelLike,
  options: LinearOptions = {},
  operation: 'correlate' | 'convolve' = 'correlate',
): LinearPlan {
  return planLinear(input, linearSpec(input, kernel, options, operation === 'convolve'), options);
}
