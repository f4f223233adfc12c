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
import {
  type NDArray,
  type OutputShape,
  bilateralSpec,
  borderIndex,
  flipKernel,
  imageDims,
} from '../../src/index.js';
import type { BilateralParams, LinearParams, MedianParams } from './protocol.js';

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
  readonly kind: 'linear';
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
    kind: 'linear',
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

/** A window cell of the non-linear filters: where it lies in X, where its value comes from. */
export interface WindowCell {
  readonly row: number;
  readonly col: number;
  readonly source: readonly [number, number] | null;
  readonly value: number;
}

/** X at (r, c) of one channel, through the border. */
function windowCell(
  input: NDArray,
  r: number,
  c: number,
  channel: number,
  border: MedianParams['border'],
  cval: number,
): WindowCell {
  const { height, width, channels } = imageDims(input);
  const sr = borderIndex(r, height, border);
  const sc = borderIndex(c, width, border);
  return sr >= 0 && sc >= 0
    ? { row: r, col: c, source: [sr, sc], value: input.data[(sr * width + sc) * channels + channel] }
    : { row: r, col: c, source: null, value: cval };
}

export interface MedianExample {
  readonly kind: 'median';
  readonly row: number;
  readonly col: number;
  readonly channel: number;
  readonly channels: number;
  readonly border: MedianParams['border'];
  readonly cval: number;
  readonly rows: number;
  readonly cols: number;
  /** Row-major window: cell (i, j) is X[row + i − ⌊rows/2⌋, col + j − ⌊cols/2⌋]. */
  readonly cells: readonly WindowCell[];
  readonly sorted: readonly number[];
  /** 0-based rank of the output in `sorted`: ⌊n/2⌋ (the upper middle for even n). */
  readonly rank: number;
  readonly stored: number;
  readonly dtype: string;
}

/**
 * The median of one output pixel, as the library defines it: the element of rank ⌊n/2⌋ of
 * the sorted window anchored at (⌊kh/2⌋, ⌊kw/2⌋).
 */
export function medianExample(
  input: NDArray,
  output: NDArray,
  p: MedianParams,
  row: number,
  col: number,
  channel: number,
): MedianExample {
  const { width, channels } = imageDims(input);
  const cells: WindowCell[] = [];
  for (let i = 0; i < p.height; i++)
    for (let j = 0; j < p.width; j++)
      cells.push(
        windowCell(input, row + i - (p.height >> 1), col + j - (p.width >> 1), channel, p.border, p.cval),
      );
  const sorted = cells.map((c) => c.value).sort((a, b) => a - b);
  return {
    kind: 'median',
    row,
    col,
    channel,
    channels,
    border: p.border,
    cval: p.cval,
    rows: p.height,
    cols: p.width,
    cells,
    sorted,
    rank: sorted.length >> 1,
    stored: output.data[(row * width + col) * channels + channel],
    dtype: output.dtype,
  };
}

export interface BilateralTap {
  /** Offset from the centre, and the cell in X. */
  readonly di: number;
  readonly dj: number;
  readonly cell: WindowCell;
  /** Σ over channels of |x_c[q] − x_c[p]|: the colour distance D. */
  readonly distance: number;
  readonly spaceWeight: number;
  readonly colourWeight: number;
  readonly weight: number;
}

export interface BilateralExample {
  readonly kind: 'bilateral';
  readonly row: number;
  readonly col: number;
  readonly channel: number;
  readonly channels: number;
  readonly border: BilateralParams['border'];
  readonly radius: number;
  readonly sigmaColor: number;
  readonly sigmaSpace: number;
  readonly taps: readonly BilateralTap[];
  readonly weightSum: number;
  /** Σ w·x / Σ w in float64; the library accumulates in float32 as OpenCV does. */
  readonly mean: number;
  /** Float images look the colour weight up in OpenCV's interpolated table: the mean is approximate. */
  readonly approximate: boolean;
  readonly stored: number;
  readonly dtype: string;
}

/**
 * The bilateral filter at one pixel with the formula the library documents,
 * w = exp(−|q − p|²/(2σs²)) · exp(−D²/(2σc²)), D the L1 colour distance over channels, using
 * the library's own disc and space weights (`bilateralSpec`).
 */
export function bilateralExample(
  input: NDArray,
  output: NDArray,
  p: BilateralParams,
  row: number,
  col: number,
  channel: number,
): BilateralExample {
  const { width, channels } = imageDims(input);
  const spec = bilateralSpec(p.diameter, p.sigmaSpace);
  const at = (r: number, c: number) =>
    Array.from({ length: channels }, (_, ch) => windowCell(input, r, c, ch, p.border, p.cval));
  const centre = at(row, col).map((c) => c.value);
  const coeff = -0.5 / (p.sigmaColor * p.sigmaColor);
  const taps: BilateralTap[] = [];
  let weightSum = 0;
  let weighted = 0;
  spec.offsets.forEach(([di, dj], k) => {
    const cells = at(row + di, col + dj);
    const distance = cells.reduce((s, c, ch) => s + Math.abs(c.value - centre[ch]), 0);
    const colourWeight = Math.fround(Math.exp(distance * distance * coeff));
    const spaceWeight = spec.spaceWeights[k];
    const weight = spaceWeight * colourWeight;
    weightSum += weight;
    weighted += weight * cells[channel].value;
    taps.push({ di, dj, cell: cells[channel], distance, spaceWeight, colourWeight, weight });
  });
  return {
    kind: 'bilateral',
    row,
    col,
    channel,
    channels,
    border: p.border,
    radius: spec.radius,
    sigmaColor: p.sigmaColor,
    sigmaSpace: p.sigmaSpace,
    taps,
    weightSum,
    mean: weighted / weightSum,
    approximate: input.dtype !== 'uint8' && input.dtype !== 'uint16',
    stored: output.data[(row * width + col) * channels + channel],
    dtype: output.dtype,
  };
}

export type Example = WorkedExample | MedianExample | BilateralExample;
