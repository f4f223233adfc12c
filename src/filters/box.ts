/**
 * Box (mean) filter, as OpenCV `blur` / `boxFilter`: the sum of the w × h window, divided
 * by w·h unless `normalize: false`. Correlation (the kernel is constant, so = convolution),
 * anchor (h//2, w//2) — the centre for odd sizes, the lower-right of the centre four for
 * even ones (as OpenCV's default anchor). Default border `mirror` (OpenCV
 * BORDER_REFLECT_101). Output dtype = the input's.
 *
 * Computed by running sums, O(1) per pixel whatever the window. For integer images the sums
 * are exact integers and the mean is one division, so integer outputs are round-half-even of
 * the EXACT mean (correlating with taps 1/(w·h) can land on the other side of a .5 tie).
 */
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims } from '../core/ndarray.js';
import { boxKernel } from '../kernels/presets.js';
import { linearGeometry, runPlanes } from '../linear/correlate.js';
import { chooseBoxEngine, runEngine } from '../engine/backend.js';
import { boxSumPlanes, runBoxInteger } from '../linear/separable.js';
import { checkOut, copyInto, executeLinear, planLinear } from '../linear/plan.js';
import { type FilterOptions, recipeSpec } from './common.js';

export interface BoxFilterOptions extends FilterOptions {
  /** Window [width, height] (any positive integers, even too) or one number for both. */
  ksize: readonly [number, number] | number;
  /** Divide by width·height (default true). */
  normalize?: boolean;
}

function hasNonFinite(a: NDArray): boolean {
  if (a.dtype === 'uint8' || a.dtype === 'uint16') return false;
  const d = a.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return true;
  return false;
}

/**
 * Box filter (see the module doc). With `method` 'direct' or 'separable' the window is
 * applied as taps 1/(w·h) through the general core instead (same result within float
 * rounding); the default runs the running-sum path — except on float images holding NaN or
 * ±Infinity, which take the separable path so that they reach only the windows they are in.
 *
 * @example
 *   boxFilter(img, { ksize: [45, 45] });                      // cv2.blur(img, (45, 45))
 *   boxFilter(img, { ksize: [4, 4], normalize: false, border: 'symmetric' });
 */
export function boxFilter(input: NDArray, options: BoxFilterOptions): NDArray {
  checkArray(input);
  if (typeof options !== 'object' || options === null || options.ksize === undefined)
    invalidArgument('ksize', '[width, height] with positive integers', options?.ksize);
  const normalize = options.normalize ?? true;
  if (typeof normalize !== 'boolean') invalidArgument('normalize', 'true or false', normalize);
  const kernel = boxKernel(options.ksize, { normalize });
  const { rows: kh, cols: kw } = kernel;
  const factors = { col: new Float64Array(kh).fill(kernel.data[0]), row: new Float64Array(kw).fill(1) };
  const spec = recipeSpec(input, { kernel, factors }, options, {
    border: 'mirror',
    dtype: input.dtype,
    alpha: 'premultiply',
  });
  const method = options.method ?? 'auto';
  if (method !== 'auto' || hasNonFinite(input)) {
    const m = method === 'auto' ? (kh > 1 && kw > 1 ? 'separable' : 'direct') : method;
    const plan = planLinear(input, spec, { ...options, method: m });
    options.onPlan?.(
      method === 'auto'
        ? `${plan.reason} (the image holds NaN or ±Infinity, which running sums would spread)`
        : plan.reason,
    );
    return executeLinear(input, spec, plan, options.out);
  }
  const divisor = normalize ? kh * kw : 1;
  const what = `box running sums: O(1) per pixel for the ${kw}×${kh} window (${input.shape.join('×')})`;
  const { height, width } = imageDims(input);
  const engine = chooseBoxEngine(input, spec, linearGeometry(spec, height, width), options, kh, kw, divisor);
  const out = options.out;
  if (out) checkOut(out, input.shape, spec.dtype);
  if (engine.backend === 'wasm') {
    options.onPlan?.(`${what}; ${engine.note}`);
    return runEngine(input, engine, spec.dtype, out);
  }
  const exact = runBoxInteger(input, spec, divisor);
  options.onPlan?.(
    `${what}${exact ? ', integer sums to the output through a table of rounded means' : ''}; ${engine.note}`,
  );
  const result = exact ?? runPlanes(input, spec, boxSumPlanes(kh, kw, divisor));
  return out ? copyInto(out, result) : result;
}
