/**
 * correlate / convolve: the front door of every linear filter.
 *
 * Correlation (shape `same`, anchor (ar, ac), X = the image extended by the border):
 *
 *     y[m, n] = Σ_i Σ_j  h[i, j] · X[m + i − ar, n + j − ac]
 *
 * Convolution is correlation with the kernel flipped in both axes and the anchor
 * mirrored: convolve(x, h, a) = correlate(x, flip(h), (kh−1−ar, kw−1−ac)). For both,
 * a kernel that is 1 at its anchor and 0 elsewhere returns the image unchanged.
 */
import { type Rounding, checkRounding, storeRow } from '../core/cast.js';
import {
  type AnyTypedArray,
  type DType,
  allocate,
  isDType,
  isIntegerDType,
  integerMax,
} from '../core/dtypes.js';
import { ShapeError, invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import {
  type Border,
  type BorderMode,
  type Padding,
  type PlaneView,
  borderIndexMap,
  padRows,
  resolveBorder,
} from '../border/border.js';
import { type Kernel, type KernelLike, flipKernel, toKernel } from '../kernels/kernel.js';
import { type RowLoop, rowLoopFor } from './direct.js';
import { type PlanOptions, executeLinear, planLinear } from './plan.js';

/** Which output positions to compute. */
export type OutputShape = 'same' | 'full' | 'valid';
export const OUTPUT_SHAPES: readonly OutputShape[] = ['same', 'full', 'valid'];

/** How an alpha channel (last channel of an image marked `alpha`) is treated. */
export type AlphaMode = 'premultiply' | 'separate';

/** Options shared by correlate and convolve. Border and anchor are documented once, here. */
export interface LinearOptions extends PlanOptions {
  /**
   * How the image is extended beyond its edges (see `BORDER_PICTOGRAMS`); any alias is
   * accepted. Default `constant` with `cval` 0, the mathematical definition.
   */
  border?: BorderMode | string;
  /** The value outside the image for `constant` (default 0). */
  cval?: number;
  /** `same` (default): H×W; `full`: (H+kh−1)×(W+kw−1); `valid`: (H−kh+1)×(W−kw+1). */
  shape?: OutputShape;
  /**
   * The kernel element [row, col] placed on the output pixel, for shape `same`
   * (a number for 1-D kernels). Default [kh//2, kw//2]: the centre for odd sizes, the
   * lower-right of the four centre elements for even sizes (as OpenCV and SciPy).
   */
  anchor?: readonly [number, number] | number;
  /** Output element type; default the input's. Integer outputs round and saturate. */
  dtype?: DType;
  /** Rounding for integer outputs: `half-even` (default), `half-away` (MATLAB), `truncate` (sharp, jimp). */
  rounding?: Rounding;
  /**
   * For images whose last channel is alpha (`alpha: true`, as PNG readers mark RGBA and
   * gray+alpha): `premultiply` (default) filters colour weighted by alpha so transparent
   * pixels do not bleed colour; `separate` filters every channel on its own.
   */
  alpha?: AlphaMode;
}

/** A validated linear filter: what to compute, independent of how (the plan). */
export interface LinearSpec {
  readonly kernel: Kernel;
  readonly anchor: readonly [number, number];
  readonly border: Border;
  readonly shape: OutputShape;
  readonly dtype: DType;
  readonly rounding: Rounding;
  readonly alpha: AlphaMode;
}

/**
 * Cross-correlation of an image or signal with a kernel (the kernel is NOT flipped;
 * this is what CNNs and OpenCV's filter2D call "convolution").
 *
 * Default border `constant` 0, anchor the kernel centre, output dtype the input's.
 * Channels are filtered independently. A 1-D kernel on an image is a row kernel.
 *
 * @example
 *   const img = ndarray(new Float64Array([1, 2, 3, 4]), [4]);
 *   correlate(img, [1, 0, -1]).data;   // [-2, -2, -2, 3]: y[n] = x[n−1] − x[n+1]
 */
export function correlate(input: NDArray, kernel: KernelLike, options: LinearOptions = {}): NDArray {
  const spec = linearSpec(input, kernel, options, false);
  return executeLinear(input, spec, planLinear(input, spec, options), options.out);
}

/**
 * Convolution of an image or signal with a kernel: correlation with the kernel
 * flipped in both axes (and the anchor mirrored), the textbook (f∗g)[n] = Σ f[m]·g[n−m].
 *
 * Default border `constant` 0, anchor the kernel centre, output dtype the input's.
 *
 * @example
 *   const img = ndarray(new Float64Array([1, 2, 3, 4]), [4]);
 *   convolve(img, [1, 0, -1]).data;    // [2, 2, 2, -3]: y[n] = x[n+1] − x[n−1]
 *   convolve(img, [1, 1], { shape: 'full' }).data;   // [1, 3, 5, 7, 4]
 */
export function convolve(input: NDArray, kernel: KernelLike, options: LinearOptions = {}): NDArray {
  const spec = linearSpec(input, kernel, options, true);
  return executeLinear(input, spec, planLinear(input, spec, options), options.out);
}

/**
 * Validates options against an input and returns the correlation spec. For `convolve`,
 * the kernel is flipped and the anchor mirrored here, once.
 */
export function linearSpec(
  input: NDArray,
  kernelLike: KernelLike,
  options: LinearOptions,
  flip: boolean,
): LinearSpec {
  checkArray(input);
  let kernel = toKernel(kernelLike);
  if (input.shape.length === 1 && kernel.rows !== 1) {
    invalidArgument('kernel', 'a 1-D kernel (one row) for a 1-D signal', `${kernel.rows}×${kernel.cols}`);
  }
  const shape = options.shape ?? 'same';
  if (!OUTPUT_SHAPES.includes(shape)) invalidArgument('shape', OUTPUT_SHAPES.join(', '), shape);
  const anchor = resolveAnchor(options.anchor, kernel);
  const border = resolveBorder(options.border, options.cval, 'constant');
  const dtype = options.dtype ?? input.dtype;
  if (!isDType(dtype)) invalidArgument('dtype', 'one of uint8, uint16, float32, float64', dtype);
  const rounding = checkRounding(options.rounding);
  const alpha = options.alpha ?? 'premultiply';
  if (alpha !== 'premultiply' && alpha !== 'separate')
    invalidArgument('alpha', 'premultiply or separate', alpha);
  let a = anchor;
  if (flip) {
    kernel = flipKernel(kernel);
    a = [kernel.rows - 1 - anchor[0], kernel.cols - 1 - anchor[1]];
  }
  return { kernel, anchor: a, border, shape, dtype, rounding, alpha };
}

function resolveAnchor(anchor: LinearOptions['anchor'], k: Kernel): [number, number] {
  if (anchor === undefined || anchor === null) return [k.rows >> 1, k.cols >> 1];
  const pair: readonly number[] = typeof anchor === 'number' ? [0, anchor] : anchor;
  const allowed = `[row, col] with 0 ≤ row < ${k.rows} and 0 ≤ col < ${k.cols} (inside the ${k.rows}×${k.cols} kernel)`;
  if (!Array.isArray(pair) && typeof anchor !== 'number') invalidArgument('anchor', allowed, anchor);
  if (pair.length !== 2) invalidArgument('anchor', allowed, anchor);
  const [r, c] = pair;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0 || r >= k.rows || c >= k.cols) {
    invalidArgument('anchor', allowed, typeof anchor === 'number' ? anchor : [r, c]);
  }
  return [r, c];
}

/** Padding and output size of a spec on an H×W plane. */
export function linearGeometry(spec: LinearSpec, height: number, width: number) {
  const { rows: kh, cols: kw } = spec.kernel;
  let pad: Padding;
  if (spec.shape === 'valid') {
    if (kh > height || kw > width) {
      throw new ShapeError(
        `shape "valid": the ${kh}×${kw} kernel is larger than the ${height}×${width} input, so the output would be empty ` +
          `(allowed: a kernel no larger than the input, or --shape same|full)`,
      );
    }
    pad = { top: 0, bottom: 0, left: 0, right: 0 };
  } else if (spec.shape === 'full') {
    pad = { top: kh - 1, bottom: kh - 1, left: kw - 1, right: kw - 1 };
  } else {
    const [ar, ac] = spec.anchor;
    pad = { top: ar, bottom: kh - 1 - ar, left: ac, right: kw - 1 - ac };
  }
  const paddedHeight = height + pad.top + pad.bottom;
  const paddedWidth = width + pad.left + pad.right;
  const outHeight = paddedHeight - kh + 1;
  const outWidth = paddedWidth - kw + 1;
  if (paddedHeight * paddedWidth > MAX_ELEMENTS) {
    invalidArgument(
      'kernel',
      `a padded plane of at most ${MAX_ELEMENTS} elements`,
      `${paddedHeight}×${paddedWidth}`,
      'the buffer would exceed memory',
    );
  }
  return { pad, paddedHeight, paddedWidth, outHeight, outWidth };
}

/** Output shape for an input shape: 1-D stays 1-D, channels stay last. */
export function outputShape(input: NDArray, outHeight: number, outWidth: number): number[] {
  if (input.shape.length === 1) return [outWidth];
  if (input.shape.length === 2) return [outHeight, outWidth];
  return [outHeight, outWidth, input.shape[2]];
}

/** Runs a spec with the plain-TypeScript direct plan. */
export function runLinear(
  input: NDArray,
  spec: LinearSpec,
  loop: RowLoop = rowLoopFor(spec.kernel),
): NDArray {
  return runPlanes(input, spec, (src, geo, border, Band, emit) =>
    filterPlane(src, geo, border, Band, (band, row, m) =>
      emit(m, (dst, d) => loop(band, geo.paddedWidth, row, dst, d, geo.outWidth)),
    ),
  );
}

/**
 * Hands output row m to its destination: the plane filter calls `emit(m, write)` and
 * `write(dst, d)` must fill dst[d .. d + outWidth) with the row's float values.
 */
export type RowEmitter = (m: number, write: (dst: Float32Array | Float64Array, d: number) => void) => void;

/**
 * The inner part of an execution method: computes every output row of one plane (a
 * channel, or a premultiplied colour plane) of the padded geometry `geo`. Edges are
 * reached only through src/border (`padRows`). `Band` is the element type that holds the
 * source values and cval exactly.
 */
export type PlaneFilter = (
  src: PlaneView,
  geo: Geometry,
  border: Border,
  Band: Float32ArrayConstructor | Float64ArrayConstructor,
  emit: RowEmitter,
) => void;

/**
 * Runs a spec plane by plane with a method's `PlaneFilter`: output allocation, channels,
 * alpha premultiplication and the conversion to the output dtype are shared by all methods.
 */
export function runPlanes(input: NDArray, spec: LinearSpec, filter: PlaneFilter): NDArray {
  const { height, width, channels } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  const out = allocate(spec.dtype, geo.outHeight * geo.outWidth * channels);
  const premultiply =
    input.alpha === true && spec.alpha === 'premultiply' && (channels === 2 || channels === 4);
  if (premultiply) {
    filterPremultiplied(input, spec, geo, out, (plane, border) => {
      const res = new Float64Array(geo.outHeight * geo.outWidth);
      const view = { data: plane, offset: 0, rowStride: width, colStride: 1, height, width };
      filter(view, geo, border, Float64Array, (m, write) => write(res, m * geo.outWidth));
      return res;
    });
  } else {
    // float32 holds every uint8/uint16 value exactly, so only float64 data needs a float64 band.
    const exactIn32 = input.dtype !== 'float64' && Math.fround(spec.border.cval) === spec.border.cval;
    const Band = exactIn32 ? Float32Array : Float64Array;
    const direct = channels === 1 && (spec.dtype === 'float32' || spec.dtype === 'float64');
    const acc = new Float64Array(geo.outWidth);
    for (let ch = 0; ch < channels; ch++) {
      filter(planeOf(input, ch), geo, spec.border, Band, (m, write) => {
        if (direct) {
          write(out as Float32Array | Float64Array, m * geo.outWidth);
        } else {
          write(acc, 0);
          storeRow(
            acc,
            geo.outWidth,
            out,
            m * geo.outWidth * channels + ch,
            channels,
            spec.dtype,
            spec.rounding,
          );
        }
      });
    }
  }
  return ndarray(out, outputShape(input, geo.outHeight, geo.outWidth), {
    alpha: premultiply || (input.alpha === true && (channels === 2 || channels === 4)),
  });
}

export type Geometry = ReturnType<typeof linearGeometry>;

/** Channel `ch` of an image as a plane view (no copy). */
export function planeOf(input: NDArray, ch: number): PlaneView {
  const { height, width, channels } = imageDims(input);
  return { data: input.data, offset: ch, rowStride: width * channels, colStride: channels, height, width };
}

/** Output rows per band: the padded band (rows + kh − 1) stays in cache while it is read kh times. */
const BAND_ROWS = 32;

/**
 * Walks one plane in bands of output rows: pads the band's source rows once, then
 * hands each output row (band buffer, its first padded row in the band, output row m)
 * to `row`.
 */
function filterPlane(
  src: PlaneView,
  geo: Geometry,
  border: Border,
  Band: Float32ArrayConstructor | Float64ArrayConstructor,
  row: (band: Float32Array | Float64Array, bandRow: number, m: number) => void,
): void {
  const kh = geo.paddedHeight - geo.outHeight + 1;
  const bandRows = Math.min(BAND_ROWS, geo.outHeight);
  const band = new Band((bandRows + kh - 1) * geo.paddedWidth);
  const cols = borderIndexMap(src.width, geo.pad.left, geo.pad.right, border.mode);
  for (let m0 = 0; m0 < geo.outHeight; m0 += bandRows) {
    const m1 = Math.min(geo.outHeight, m0 + bandRows);
    padRows(src, geo.pad, border, m0, m1 + kh - 1, band, cols);
    for (let m = m0; m < m1; m++) row(band, m - m0, m);
  }
}

/**
 * Alpha-aware filtering: colour channels are multiplied by alpha before filtering and
 * divided by the filtered alpha after, so a transparent pixel's colour has no weight.
 * Where the filtered alpha is ≤ 0 the colour is 0. For integer images the products
 * colour·alpha are integers, so with a dyadic kernel (1/16·[1 2 1] …) both filtered sums
 * are exact and the one division rounds correctly, ties included, whatever the method.
 * `filtered` filters one H×W float64 plane (by any method), with the given border, into
 * an outHeight×outWidth float64 plane.
 */
export function filterPremultiplied(
  input: NDArray,
  spec: LinearSpec,
  geo: Geometry,
  out: AnyTypedArray,
  filtered: (plane: Float64Array, border: Border) => Float64Array,
) {
  const { height, width, channels } = imageDims(input);
  const alphaCh = channels - 1;
  const amax = isIntegerDType(input.dtype) ? integerMax(input.dtype) : 1;
  const n = geo.outHeight * geo.outWidth;
  const alphaPlane = new Float64Array(height * width);
  for (let p = 0; p < alphaPlane.length; p++) alphaPlane[p] = input.data[p * channels + alphaCh];
  const alphaOut = filtered(alphaPlane, spec.border);
  // A constant border is colour k with alpha k: premultiplied, k·k/max in the alpha/max scale.
  const colourBorder = { mode: spec.border.mode, cval: spec.border.cval * amax };
  const result = new Float64Array(n);
  for (let ch = 0; ch < channels; ch++) {
    if (ch === alphaCh) {
      result.set(alphaOut);
    } else {
      const plane = new Float64Array(height * width);
      for (let p = 0; p < plane.length; p++) plane[p] = input.data[p * channels + ch] * alphaPlane[p];
      const colour = filtered(plane, colourBorder);
      for (let p = 0; p < n; p++) result[p] = alphaOut[p] > 0 ? colour[p] / alphaOut[p] : 0;
    }
    storeRow(result, n, out, ch, channels, spec.dtype, spec.rounding);
  }
}
