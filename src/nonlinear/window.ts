/**
 * What the non-linear filters share: window sizes, one padded plane per channel (through
 * border/, so the loops never test bounds) and progress reports for long runs.
 */
import { type AnyTypedArray, type DType, isIntegerDType, integerMax } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, imageDims } from '../core/ndarray.js';
import { type Border, type Padding, type PlaneView, padPlane } from '../border/border.js';

/** Called now and then during a long filter with the fraction done (0 … 1). */
export type ProgressCallback = (fraction: number) => void;

/** A window size: width × height, as OpenCV's Size. */
export interface WindowSize {
  readonly width: number;
  readonly height: number;
}

/** Windows larger than this many pixels are refused: their scratch would not fit memory. */
export const MAX_WINDOW_AREA = 1 << 24;

/**
 * Reads `N` (N×N; a length-N window on a 1-D signal) or `[width, height]` and checks that it
 * is a positive integer size of at most MAX_WINDOW_AREA pixels.
 */
export function resolveWindow(
  ksize: number | readonly [number, number],
  option: string,
  oneD: boolean,
): WindowSize {
  const allowed = `a positive integer N (an N×N window) or [width, height] of positive integers, at most ${MAX_WINDOW_AREA} pixels`;
  let w: number;
  let h: number;
  if (typeof ksize === 'number') {
    w = ksize;
    h = oneD ? 1 : ksize;
  } else if (Array.isArray(ksize) && ksize.length === 2) {
    [w, h] = ksize as [number, number];
  } else {
    return invalidArgument(option, allowed, ksize);
  }
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) invalidArgument(option, allowed, ksize);
  if (w * h > MAX_WINDOW_AREA) invalidArgument(option, allowed, ksize, 'the window would exceed memory');
  return { width: w, height: h };
}

/** Channel `ch` of an image as a strided plane view. */
export function planeView(input: NDArray, ch: number): PlaneView {
  const { height, width, channels } = imageDims(input);
  return { data: input.data, offset: ch, rowStride: width * channels, colStride: channels, height, width };
}

/**
 * Checks that a padded plane fits the element limit; names the option that made it large
 * and the value it was given.
 */
export function checkPaddedSize(
  height: number,
  width: number,
  pad: Padding,
  option: string,
  received: unknown,
): void {
  const ph = height + pad.top + pad.bottom;
  const pw = width + pad.left + pad.right;
  if (ph * pw > MAX_ELEMENTS) {
    invalidArgument(
      option,
      `a window whose padded image has at most ${MAX_ELEMENTS} elements`,
      received,
      `the padded image would be ${ph}×${pw}: the buffer would exceed memory`,
    );
  }
}

/** Channel `ch` padded by `pad` under `border` into a new contiguous array of type `Out`. */
export function paddedPlane<T extends AnyTypedArray>(
  input: NDArray,
  ch: number,
  pad: Padding,
  border: Border,
  Out: new (length: number) => T,
): T {
  return padPlane(planeView(input, ch), pad, border, Out);
}

/** Array type of a padded plane per dtype: planes keep the image's own element type. */
export const PLANE_ARRAY = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** Integer images pad into arrays of their own type, so cval must be one of their values. */
export function checkCval(border: Border, dtype: DType): void {
  if (!isIntegerDType(dtype) || border.mode !== 'constant') return;
  const max = integerMax(dtype);
  const v = border.cval;
  if (!Number.isInteger(v) || v < 0 || v > max)
    invalidArgument('cval', `an integer from 0 to ${max} for a ${dtype} image`, v);
}

/** Reports progress at most every 1% of the work, so callbacks cost nothing measurable. */
export class Progress {
  private done = 0;
  private next = 0;
  constructor(
    private readonly callback: ProgressCallback | undefined,
    private readonly total: number,
  ) {}
  /** Adds `units` of finished work. */
  step(units = 1): void {
    if (this.callback === undefined) return;
    this.done += units;
    if (this.done >= this.next || this.done >= this.total) {
      this.next = this.done + this.total / 100;
      this.callback(Math.min(1, this.done / this.total));
    }
  }
}

/** Rejects a progress option that is not a function. */
export function checkProgress(cb: unknown): ProgressCallback | undefined {
  if (cb !== undefined && typeof cb !== 'function')
    invalidArgument('onProgress', 'a function (fraction) => void', cb);
  return cb as ProgressCallback | undefined;
}
