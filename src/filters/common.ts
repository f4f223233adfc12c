/**
 * What the named linear filters share: their options and the one way they run — a recipe
 * (taps, default border, output dtype) handed to the same spec/plan core as `correlate`.
 */
import type { BorderMode } from '../border/border.js';
import { type Rounding, storeRow } from '../core/cast.js';
import { type DType, allocate } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, ndarray } from '../core/ndarray.js';
import type { Kernel } from '../kernels/kernel.js';
import { withFactors } from '../kernels/separable.js';
import { type AlphaMode, type LinearSpec, linearSpec } from '../linear/correlate.js';
import { type PlanOptions, copyInto, executeLinear, planLinear } from '../linear/plan.js';

/** Options every named filter takes. Each filter states its default border. */
export interface FilterOptions extends PlanOptions {
  /** Border mode or alias (see BORDER_PICTOGRAMS); the default is the filter's peer's. */
  border?: BorderMode | string;
  /** Value outside the image for border `constant` (default 0). */
  cval?: number;
  /** Output dtype; the filter states its default. Integer outputs round (see `rounding`) and saturate. */
  dtype?: DType;
  /** Integer rounding: `half-even` (default), `half-away`, `truncate`. */
  rounding?: Rounding;
  /** RGBA / gray+alpha: `premultiply` or `separate`; the filter states its default. */
  alpha?: AlphaMode;
  /** Called with the chosen execution plan's one-line reason (`--explain-plan`). */
  onPlan?: (reason: string) => void;
}

/** One rank-1 or general term of a filter: a kernel (correlated, centre anchor) with known factors if separable. */
export interface Recipe {
  readonly kernel: Kernel;
  readonly factors?: { readonly col: ArrayLike<number>; readonly row: ArrayLike<number> };
}

export interface Defaults {
  readonly border: BorderMode;
  readonly dtype: DType;
  readonly alpha: AlphaMode;
}

/** The spec of a recipe on an input (validates options), with the recipe's factors attached. */
export function recipeSpec(
  input: NDArray,
  recipe: Recipe,
  options: FilterOptions,
  defaults: Defaults,
): LinearSpec {
  const spec = linearSpec(
    input,
    recipe.kernel,
    {
      border: options.border ?? defaults.border,
      cval: options.cval,
      dtype: options.dtype ?? defaults.dtype,
      rounding: options.rounding,
      alpha: options.alpha ?? defaults.alpha,
      shape: 'same',
    },
    false,
  );
  if (recipe.factors) withFactors(spec.kernel, recipe.factors.col, recipe.factors.row);
  return spec;
}

/** Runs a recipe through the plan core: correlation, shape `same`, centre anchor. */
export function runRecipe(
  input: NDArray,
  recipe: Recipe,
  options: FilterOptions,
  defaults: Defaults,
): NDArray {
  const spec = recipeSpec(input, recipe, options, defaults);
  const plan = planLinear(input, spec, options);
  options.onPlan?.(plan.reason);
  return executeLinear(input, spec, plan, options.out);
}

/**
 * Σ of several recipes, times `scale`, plus `delta` (OpenCV's dst = scale·Σ + delta), then
 * one conversion to the output dtype: each term runs in float64 so nothing is rounded twice.
 */
export function runSum(
  input: NDArray,
  recipes: readonly Recipe[],
  options: FilterOptions,
  defaults: Defaults,
  scale = 1,
  delta = 0,
): NDArray {
  checkArray(input);
  if (!Number.isFinite(scale)) invalidArgument('scale', 'a finite number', scale);
  if (!Number.isFinite(delta)) invalidArgument('delta', 'a finite number', delta);
  const dtype = options.dtype ?? defaults.dtype;
  if (recipes.length === 1 && scale === 1 && delta === 0)
    return runRecipe(input, recipes[0], options, defaults);
  let acc: Float64Array | undefined;
  let first: NDArray | undefined;
  for (const r of recipes) {
    const y = runRecipe(input, r, { ...options, dtype: 'float64', out: undefined }, defaults);
    first ??= y;
    if (!acc) acc = y.data as Float64Array;
    else for (let i = 0; i < acc.length; i++) acc[i] += y.data[i];
  }
  for (let i = 0; i < acc!.length; i++) acc![i] = acc![i] * scale + delta;
  const out = allocate(recipeSpec(input, recipes[0], options, defaults).dtype, acc!.length);
  storeRow(acc!, acc!.length, out, 0, 1, dtype, options.rounding ?? 'half-even');
  const result = ndarray(out, first!.shape, { alpha: first!.alpha });
  return options.out ? copyInto(options.out, result) : result;
}

/** float32 for integer inputs (so negative responses survive), else the input's dtype. */
export function derivativeDType(input: NDArray): DType {
  return input.dtype === 'uint8' || input.dtype === 'uint16' ? 'float32' : input.dtype;
}
