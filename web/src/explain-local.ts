/**
 * Worked examples for the page. The linear filters' comes from the library (`explain`); the
 * median's and the bilateral's are built here from the library's definitions (the window
 * through `borderIndex`, the disc and space weights from `bilateralSpec`) and checked in the
 * page against the library's own output pixel.
 */
import { type Explanation, type NDArray, bilateralSpec, borderIndex, imageDims } from '../../src/index.js';
import type { BilateralParams, MedianParams } from './protocol.js';

/** The library's explanation of a linear filter's output pixel, and what the page shows there. */
export interface LinearExample {
  readonly kind: 'linear';
  /** Zero-based output position and channel (the explanation may use centred indices). */
  readonly row: number;
  readonly col: number;
  readonly channel: number;
  readonly channels: number;
  readonly explanation: Explanation;
  /** The page's output pixel (for an image with alpha: filtered premultiplied, unlike the explanation). */
  readonly stored: number;
  /** The image has alpha and was filtered premultiplied. */
  readonly premultiplied: boolean;
  /** The explanation as `convkit explain` prints it. */
  readonly text: string;
  readonly formula: string;
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

export type Example = LinearExample | MedianExample | BilateralExample;
