/**
 * The worked example for one output pixel: the neighbourhood, the kernel as laid over the
 * image, every product and the sum — straight from the contract's formula,
 *
 *     correlate:  y[m, n] = Σ_i Σ_j h[i, j] · X[m + i − top, n + j − left]
 *     convolve:   the same with h rotated by 180° and the anchor mirrored
 *
 * where X is the image extended by the border (through the library's `borderIndex`) and
 * (top, left) is the anchor for `same`, (kh − 1, kw − 1) for `full` and (0, 0) for `valid`.
 *
 * Temporary: the explain issue (#7) is building `src/explain`; when it lands on main the
 * playground switches to it and this module goes. Until then the browser tests check these
 * numbers against the library's own output, so the two cannot drift apart silently.
 */
import { type NDArray, type OutputShape, borderIndex, flipKernel, imageDims } from '../../src/index.js';
import type { LinearParams } from './protocol.js';

export interface Tap {
  /** Position in the extended image X (may lie outside 0…H−1 / 0…W−1). */
  readonly row: number;
  readonly col: number;
  /** Where the value comes from inside the image, or null where the constant border supplies it. */
  readonly source: readonly [number, number] | null;
  /** X at that position (for premultiplied colour: colour · alpha / max). */
  readonly value: number;
  /** The kernel weight laid on it. */
  readonly weight: number;
  readonly product: number;
}

export interface WorkedExample {
  readonly row: number;
  readonly col: number;
  readonly channel: number;
  readonly channels: number;
  readonly operation: LinearParams['operation'];
  readonly shape: OutputShape;
  readonly border: LinearParams['border'];
  readonly cval: number;
  readonly rows: number;
  readonly cols: number;
  /** The anchor of the kernel as laid (mirrored for convolution). */
  readonly anchor: readonly [number, number];
  /** Offsets (top, left) of the image origin in the extended-image frame of this output. */
  readonly origin: readonly [number, number];
  /** Row-major, kernel as laid: taps[i * cols + j] covers X[row + i − top, col + j − left]. */
  readonly taps: readonly Tap[];
  readonly sum: number;
  /** For an image with alpha filtered premultiplied: Σ h·alpha, and the colour Σ·max / Σα. */
  readonly premultiplied: {
    readonly alphaSum: number;
    readonly alphaMax: number;
    readonly colour: number;
  } | null;
  /** The value the library stored at this output pixel (after rounding, for integer outputs). */
  readonly stored: number;
  readonly dtype: string;
}

/** Works one output pixel of `output` = params applied to `input`. */
export function workedExample(
  input: NDArray,
  output: NDArray,
  params: LinearParams,
  row: number,
  col: number,
  channel: number,
): WorkedExample {
  const { height, width, channels } = imageDims(input);
  const out = imageDims(output);
  const entered = { data: Float64Array.from(params.taps), rows: params.rows, cols: params.cols };
  const laid = params.operation === 'convolve' ? flipKernel(entered) : entered;
  const a0 = params.anchor ?? [params.rows >> 1, params.cols >> 1];
  const anchor: [number, number] =
    params.operation === 'convolve' ? [params.rows - 1 - a0[0], params.cols - 1 - a0[1]] : [a0[0], a0[1]];
  const origin: [number, number] =
    params.shape === 'same' ? anchor : params.shape === 'full' ? [params.rows - 1, params.cols - 1] : [0, 0];
  const alphaCh = input.alpha === true ? channels - 1 : -1;
  const alphaMax = input.dtype === 'uint8' ? 255 : input.dtype === 'uint16' ? 65535 : 1;
  const premultiply = alphaCh >= 0 && channel !== alphaCh;
  const at = (r: number, c: number, ch: number) => input.data[(r * width + c) * channels + ch];

  const taps: Tap[] = [];
  let sum = 0;
  let alphaSum = 0;
  for (let i = 0; i < params.rows; i++) {
    for (let j = 0; j < params.cols; j++) {
      const xr = row + i - origin[0];
      const xc = col + j - origin[1];
      const sr = borderIndex(xr, height, params.border);
      const sc = borderIndex(xc, width, params.border);
      const inside = sr >= 0 && sc >= 0;
      const weight = laid.data[i * params.cols + j];
      // Premultiplied colour is colour · alpha / max inside; the constant border supplies
      // cval to both planes, as the library pads each plane separately.
      let value = inside ? at(sr, sc, channel) : params.cval;
      if (premultiply) {
        const alpha = inside ? at(sr, sc, alphaCh) : params.cval;
        alphaSum += weight * alpha;
        if (inside) value = (value * alpha) / alphaMax;
      }
      const product = weight * value;
      sum += product;
      taps.push({ row: xr, col: xc, source: inside ? [sr, sc] : null, value, weight, product });
    }
  }
  return {
    row,
    col,
    channel,
    channels,
    operation: params.operation,
    shape: params.shape,
    border: params.border,
    cval: params.cval,
    rows: params.rows,
    cols: params.cols,
    anchor,
    origin,
    taps,
    sum,
    premultiplied: premultiply
      ? { alphaSum, alphaMax, colour: alphaSum > 0 ? (sum * alphaMax) / alphaSum : 0 }
      : null,
    stored: output.data[(row * out.width + col) * out.channels + channel],
    dtype: output.dtype,
  };
}
