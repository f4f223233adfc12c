/**
 * Median filter: each output is the middle element of the sorted window around it.
 *
 *   y[m, n] = element of rank ⌊kw·kh/2⌋ (0-based) of the sorted values
 *             X[m + i − ⌊kh/2⌋, n + j − ⌊kw/2⌋],  0 ≤ i < kh, 0 ≤ j < kw
 *
 * For odd sizes that is the centre of the window and the true median; for even sizes the
 * window's anchor is (⌊kh/2⌋, ⌊kw/2⌋) as everywhere in convkit and the element is the
 * upper of the two middle ones (SciPy's median_filter). X is the image extended by the
 * border (default `replicate`, as OpenCV's medianBlur).
 *
 * Methods (all give the same result; `auto` picks by dtype and size):
 *   network    3×3 and 5×5: sorted columns + pruned merge networks, no branches
 *   simd       uint8: the networks on 16 pixels at once for 3×3 and 5×5, the histograms with
 *              16-bit bins in vector registers for other windows up to 65535 pixels
 *              (WebAssembly SIMD; bands on the worker pool)
 *   histogram  uint8, windows of 16 … 65535 pixels: constant time per pixel (Perreault–Hébert)
 *   select     any size and dtype: quickselect on each window (the reference)
 */
import { type AnyTypedArray, type DType, allocate } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import { type Border, type BorderMode, type Padding, resolveBorder } from '../border/border.js';
import {
  type FloatPlane,
  type IntPlane,
  median3x3RowFloat,
  median3x3RowInt,
  median5x5RowFloat,
  median5x5RowInt,
} from './median-networks.js';
import { HISTOGRAM_MAX_WINDOW, medianPlaneHistogram8 } from './median-histogram.js';
import { medianRowSelect } from './median-select.js';
import { medianSimd8, medianSimdAvailable } from './median-simd.js';
import { engineOptions } from '../engine/backend.js';
import {
  type ProgressCallback,
  Progress,
  checkCval,
  checkPaddedSize,
  checkProgress,
  PLANE_ARRAY,
  paddedPlane,
  resolveWindow,
} from './window.js';

export type MedianMethod = 'auto' | 'network' | 'simd' | 'histogram' | 'select';
export const MEDIAN_METHODS: readonly MedianMethod[] = ['auto', 'network', 'simd', 'histogram', 'select'];

export interface MedianOptions {
  /**
   * How the image is extended beyond its edges (any alias). Default `replicate`
   * (`a a | a b c d | d d`), as OpenCV's medianBlur; SciPy's median_filter uses `symmetric`.
   */
  border?: BorderMode | string;
  /** The value outside the image for `constant` (default 0; an integer in range for integer images). */
  cval?: number;
  /** Execution method; every method gives the same result. Default `auto`. */
  method?: MedianMethod;
  /** Called with the fraction done (0 … 1) during the run. */
  onProgress?: ProgressCallback;
  /**
   * Threads for the `simd` method (default: the available cores, or CONVKIT_THREADS; small
   * images run on one). The result is the same for any thread count.
   */
  threads?: number;
}

/**
 * Median filter of an image (H×W or H×W×C, each channel on its own) or a 1-D signal.
 *
 * `ksize` is N (an N×N window; length N on a 1-D signal) or [width, height]. Not a
 * correlation: no weights, the window's middle element is taken (for even sizes the
 * upper middle, at anchor (⌊h/2⌋, ⌊w/2⌋)). Default border `replicate`; output dtype
 * the input's; exact for every dtype. NaN in a window makes that output NaN.
 *
 * @example
 *   const x = ndarray(Uint8Array.from([1, 9, 2, 8, 3]), [5]);
 *   medianFilter(x, 3).data;   // [1, 2, 8, 3, 3]
 */
export function medianFilter(
  input: NDArray,
  ksize: number | readonly [number, number],
  options: MedianOptions = {},
): NDArray {
  checkArray(input);
  const win = resolveWindow(ksize, 'ksize', input.shape.length === 1);
  const border = resolveBorder(options.border, options.cval, 'replicate');
  checkCval(border, input.dtype);
  const method = options.method ?? 'auto';
  if (!MEDIAN_METHODS.includes(method)) invalidArgument('method', MEDIAN_METHODS.join(', '), method);
  const onProgress = checkProgress(options.onProgress);
  // checked whatever the method, so a bad value never passes unnoticed
  if (options.threads !== undefined) engineOptions({ threads: options.threads });
  const { height, width } = imageDims(input);
  const pad: Padding = {
    top: win.height >> 1,
    bottom: win.height - 1 - (win.height >> 1),
    left: win.width >> 1,
    right: win.width - 1 - (win.width >> 1),
  };
  checkPaddedSize(height, width, pad, 'ksize', ksize);
  const chosen = method === 'auto' ? chooseMedianMethod(input.dtype, win.width, win.height) : method;
  const networkOk = win.width === win.height && (win.width === 3 || win.width === 5);
  const histogramOk = input.dtype === 'uint8' && win.width * win.height <= HISTOGRAM_MAX_WINDOW;
  const simdOk = (networkOk || histogramOk) && input.dtype === 'uint8' && medianSimdAvailable();
  if (
    (chosen === 'network' && !networkOk) ||
    (chosen === 'histogram' && !histogramOk) ||
    (chosen === 'simd' && !simdOk)
  ) {
    const usable = MEDIAN_METHODS.filter(
      (m) => (m !== 'network' || networkOk) && (m !== 'histogram' || histogramOk) && (m !== 'simd' || simdOk),
    );
    invalidArgument(
      'method',
      `${usable.join(', ')} for a ${win.width}×${win.height} ${input.dtype} window (network: 3×3 and 5×5; histogram: uint8 up to ${HISTOGRAM_MAX_WINDOW} pixels; simd: the network or histogram cases for uint8 where WebAssembly SIMD runs)`,
      method,
    );
  }
  return runMedian(input, win.width, win.height, pad, border, chosen, onProgress, options.threads);
}

/**
 * The method `auto` picks: networks for 3×3/5×5, histograms for larger uint8 (both on
 * WebAssembly SIMD for uint8 where it runs), else selection.
 */
export function chooseMedianMethod(dtype: DType, kw: number, kh: number): Exclude<MedianMethod, 'auto'> {
  if (kw === kh && (kw === 3 || kw === 5))
    return dtype === 'uint8' && medianSimdAvailable() ? 'simd' : 'network';
  // below ~16 pixels copying the window beats maintaining 16 + 256 bins
  if (dtype === 'uint8' && kw * kh >= 16 && kw * kh <= HISTOGRAM_MAX_WINDOW)
    return medianSimdAvailable() ? 'simd' : 'histogram';
  return 'select';
}

function runMedian(
  input: NDArray,
  kw: number,
  kh: number,
  pad: Padding,
  border: Border,
  method: Exclude<MedianMethod, 'auto'>,
  onProgress: ProgressCallback | undefined,
  threads: number | undefined,
): NDArray {
  const { height, width, channels } = imageDims(input);
  const progress = new Progress(onProgress, height * channels);
  if (method === 'simd') {
    // all channels at once, band by band (threads as the engine chooses)
    const data = medianSimd8(input, kw, kh, pad, border, threads, (rows) => progress.step(rows * channels));
    return ndarray(data, input.shape, { alpha: input.alpha });
  }
  const out = allocate(input.dtype, height * width * channels);
  const pw = width + kw - 1;
  const rank = (kw * kh) >> 1;
  const float = input.dtype === 'float32' || input.dtype === 'float64';
  for (let ch = 0; ch < channels; ch++) {
    const P: AnyTypedArray = paddedPlane<AnyTypedArray>(input, ch, pad, border, PLANE_ARRAY[input.dtype]);
    const nanMask = float ? hideNaN(P as FloatPlane) : undefined;
    if (method === 'histogram') {
      medianPlaneHistogram8(
        P as Uint8Array,
        pw,
        kw,
        kh,
        rank,
        out as Uint8Array,
        ch,
        channels,
        width,
        height,
        () => progress.step(),
      );
    } else if (method === 'network') {
      const cs = float ? new Float64Array(kw * pw) : new Int32Array(kw * pw);
      const row = float
        ? kw === 3
          ? median3x3RowFloat
          : median5x5RowFloat
        : kw === 3
          ? median3x3RowInt
          : median5x5RowInt;
      for (let r = 0; r < height; r++) {
        (row as typeof median3x3RowInt)(
          P as IntPlane,
          pw,
          r,
          cs as Int32Array,
          out as IntPlane,
          r * width * channels + ch,
          channels,
          width,
        );
        progress.step();
      }
    } else {
      const scratch = new Float64Array(kw * kh);
      for (let r = 0; r < height; r++) {
        medianRowSelect(P, pw, r, kw, kh, rank, scratch, out, r * width * channels + ch, channels, width);
        progress.step();
      }
    }
    if (nanMask) restoreNaN(nanMask, pw, kw, kh, out as FloatPlane, ch, channels, width, height);
  }
  return ndarray(out, input.shape, { alpha: input.alpha });
}

/**
 * Replaces NaN in a padded float plane by 0 (the loops compare values and NaN would break
 * their ordering). Returns where NaN was (1s in a mask), or undefined when there was none.
 */
function hideNaN(P: FloatPlane): Uint8Array | undefined {
  let mask: Uint8Array | undefined;
  for (let i = 0; i < P.length; i++) {
    if (P[i] !== P[i]) {
      mask ??= new Uint8Array(P.length);
      mask[i] = 1;
      P[i] = 0;
    }
  }
  return mask;
}

/** Outputs whose window held a NaN become NaN (window counts from an integral image of the mask). */
function restoreNaN(
  mask: Uint8Array,
  pw: number,
  kw: number,
  kh: number,
  out: FloatPlane,
  ch: number,
  channels: number,
  width: number,
  height: number,
): void {
  const ph = height + kh - 1;
  const S = new Int32Array((ph + 1) * (pw + 1));
  for (let r = 0; r < ph; r++) {
    let run = 0;
    for (let c = 0; c < pw; c++) {
      run += mask[r * pw + c];
      S[(r + 1) * (pw + 1) + c + 1] = S[r * (pw + 1) + c + 1] + run;
    }
  }
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const n =
        S[(r + kh) * (pw + 1) + c + kw] -
        S[r * (pw + 1) + c + kw] -
        S[(r + kh) * (pw + 1) + c] +
        S[r * (pw + 1) + c];
      if (n > 0) out[(r * width + c) * channels + ch] = NaN;
    }
  }
}
