/**
 * Non-local means denoising with the semantics of OpenCV's fastNlMeansDenoising and
 * fastNlMeansDenoisingColored (Buades, Coll & Morel 2005): each pixel becomes a weighted mean
 * of the pixels in a search window around it, weighted by how similar their neighbourhoods
 * (templates) are — so repeated structure anywhere nearby helps, edges are kept.
 *
 *   y[p] = Σ_q w(p, q)·x[q] / Σ_q w(p, q),   q in the S×S search window of p
 *   dist(p, q) = Σ_t Σ_c (x_c[p + t] − x_c[q + t])²  over the T×T template t
 *   w(p, q) = exp(−d / (h²·C)),  d = dist ≫ k · 2^k / T²  (2^k the power of two ≥ T²)
 *
 * As in OpenCV: weights are integers (round(M·w) with M = ⌊(2³¹−1)/(S²·255)⌋, and 0 below
 * 0.001·M), sums are integers and the result is ⌊(Σ w·x + ⌊Σw/2⌋) / Σw⌋, so uint8 results
 * are OpenCV's exactly. The image is extended by `mirror` (BORDER_REFLECT_101). Colour
 * (3 or 4 channels, uint8) is denoised in OpenCV's 8-bit L*a*b*: L with h, a and b together
 * with hColor.
 */
import { roundHalfEven } from '../core/cast.js';
import { isIntegerDType } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import { type Border, type Padding } from '../border/border.js';
import { colourToLab, labToColour } from './lab.js';
import { type NlmGeometry, nlmOffsetRows1, nlmOffsetRowsN } from './nlmeans-loops.js';
import {
  PLANE_ARRAY,
  type ProgressCallback,
  Progress,
  checkPaddedSize,
  checkProgress,
  paddedPlane,
} from './window.js';
import { type EngineOptions, chooseEngine } from '../engine/backend.js';
import { bandCount } from '../engine/bands.js';
import { runBands } from './engine-run.js';
import { simdNlmProgram } from './nlmeans-simd.js';

export type ChannelOrder = 'bgr' | 'rgb';

export interface NlMeansOptions extends EngineOptions {
  /** Filter strength for a, b of colour images (uint8, L*a*b*); default `h`. */
  hColor?: number;
  /** Template (patch) size T, odd; default 7. */
  templateSize?: number;
  /** Search window size S, odd and ≥ T; default 21. Time grows with S². */
  searchSize?: number;
  /**
   * Channel order of 3- and 4-channel images for the L*a*b* conversion: `bgr` (default;
   * OpenCV's order, channel 0 is blue) or `rgb` (images decoded from PNG/JPEG).
   */
  channelOrder?: ChannelOrder;
  /** Called with the fraction done (0 … 1) during the run. */
  onProgress?: ProgressCallback;
}

/** OpenCV's border for the search (BORDER_DEFAULT = reflect 101). */
const MIRROR: Border = { mode: 'mirror', cval: 0 };

/** Output rows per band: a band's accumulators stay in cache across all offsets. */
const BAND_ROWS = 32;

/**
 * Non-local means denoising (OpenCV fastNlMeansDenoising / fastNlMeansDenoisingColored).
 *
 * `h` is the filter strength in grey levels: patches whose mean squared difference per pixel
 * and channel is h² weigh e^−1 of an identical patch (OpenCV suggests h ≈ 3–10; larger
 * removes more noise and more detail). Not a correlation: weights come from patch
 * similarity. Border `mirror`; output dtype the input's (uint8 or uint16). uint8 colour
 * (3 channels, or 4 with the 4th kept as is) goes through 8-bit L*a*b*, channel order
 * `bgr` unless told otherwise; uint16 colour compares all channels together with `h`.
 * An alpha channel (images marked `alpha`) is kept as it is.
 *
 * @example
 *   const clean = nlMeans(noisy, 10);                          // gray, T = 7, S = 21
 *   const rgb = nlMeans(photo, 8, { channelOrder: 'rgb' });    // colour from a PNG
 */
export function nlMeans(input: NDArray, h: number, options: NlMeansOptions = {}): NDArray {
  checkArray(input);
  if (!isIntegerDType(input.dtype))
    invalidArgument('input.dtype', 'uint8 or uint16 (non-local means works on integer images)', input.dtype);
  checkStrength('h', h);
  if (options.hColor !== undefined) checkStrength('hColor', options.hColor);
  const T = options.templateSize ?? 7;
  const S = options.searchSize ?? 21;
  if (!Number.isInteger(T) || T < 1 || T % 2 === 0) invalidArgument('templateSize', 'an odd integer ≥ 1', T);
  if (!Number.isInteger(S) || S < 1 || S % 2 === 0) invalidArgument('searchSize', 'an odd integer ≥ 1', S);
  if (S < T)
    invalidArgument(
      'searchSize',
      `an odd integer ≥ the template size ${T}`,
      S,
      'the search window must hold a template',
    );
  const order = options.channelOrder ?? 'bgr';
  if (order !== 'bgr' && order !== 'rgb') invalidArgument('channelOrder', 'bgr or rgb', order);
  const onProgress = checkProgress(options.onProgress);
  const { height, width, channels } = imageDims(input);
  const th = T >> 1;
  const sh = S >> 1;
  const B = th + sh;
  const pad: Padding = { top: B, bottom: B, left: B, right: B };
  checkPaddedSize(height, width, pad, 'searchSize', S);
  const g: NlmGeometry = { height, width, pw: width + 2 * B, border: B, th };
  const colour = channels >= 3 && input.dtype === 'uint8';
  if (options.hColor !== undefined && !colour)
    invalidArgument(
      'hColor',
      'nothing for this image (hColor applies to uint8 colour images, denoised in L*a*b*)',
      options.hColor,
    );
  const n = height * width;
  const out = newIntArray(input.dtype as 'uint8' | 'uint16', n * channels);
  const jobs = colour ? 2 : 1;
  const progress = new Progress(onProgress, jobs * Math.ceil(height / BAND_ROWS));
  if (colour) {
    const L = new Uint8Array(n);
    const A = new Uint8Array(n);
    const Bp = new Uint8Array(n);
    colourToLab(input.data as Uint8Array, channels, order === 'bgr', L, A, Bp);
    const l = denoise([L], 'uint8', h, g, S, progress, options);
    const ab = denoise([A, Bp], 'uint8', options.hColor ?? h, g, S, progress, options);
    labToColour(
      l[0] as Uint8Array,
      ab[0] as Uint8Array,
      ab[1] as Uint8Array,
      out as Uint8Array,
      channels,
      order === 'bgr',
    );
    for (let c = 3; c < channels; c++)
      for (let p = 0; p < n; p++) out[p * channels + c] = input.data[p * channels + c];
  } else {
    // an alpha channel is kept; the other channels are compared together (OpenCV's VecNb)
    const used = input.alpha === true ? channels - 1 : channels;
    const sources = Array.from({ length: used }, (_, c) => channelPlane(input, c));
    const res = denoise(sources, input.dtype, h, g, S, progress, options);
    for (let c = 0; c < used; c++) for (let p = 0; p < n; p++) out[p * channels + c] = res[c][p];
    for (let c = used; c < channels; c++)
      for (let p = 0; p < n; p++) out[p * channels + c] = input.data[p * channels + c];
  }
  return ndarray(out, input.shape, { alpha: input.alpha });
}

function checkStrength(option: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    invalidArgument(option, 'a finite number > 0 (grey levels)', v);
}

type IntArray = Uint8Array | Uint16Array;

function newIntArray(dtype: 'uint8' | 'uint16', n: number): IntArray {
  return dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
}

/** Channel c of an integer image as a contiguous plane. */
function channelPlane(input: NDArray, c: number): IntArray {
  const { height, width, channels } = imageDims(input);
  const n = height * width;
  const data = newIntArray(input.dtype as 'uint8' | 'uint16', n);
  for (let p = 0; p < n; p++) data[p] = input.data[p * channels + c];
  return data;
}

/** The exponent k with 2^k the power of two ≥ n (OpenCV's getNearestPowerOf2). */
function nearestPowerOf2(n: number): number {
  let p = 0;
  while (1 << p < n) p++;
  return p;
}

/**
 * OpenCV's weight table: entry d is round(M·exp(−d·2^k/T² / (h²·C))) (0 below 0.001·M),
 * with h and h²·C in float32 as OpenCV keeps them.
 */
export function nlmWeightTable(
  h: number,
  channels: number,
  T: number,
  S: number,
  maxValue: number,
): { table: Int32Array; shift: number; fixed: number } {
  const fixed = Math.floor(2147483647 / (S * S * maxValue));
  const shift = nearestPowerOf2(T * T);
  const mult = (1 << shift) / (T * T);
  const maxDist = maxValue * maxValue * channels;
  const size = Math.trunc(maxDist / mult + 1);
  const hh = Math.fround(Math.fround(Math.fround(h) * Math.fround(h)) * channels);
  const table = new Int32Array(size);
  for (let d = 0; d < size; d++) {
    const w = Math.exp(-(d * mult) / hh);
    const weight = roundHalfEven(fixed * w);
    table[d] = weight < 0.001 * fixed ? 0 : weight;
  }
  return { table, shift, fixed };
}

/** Denoises `planes` (1 … 4 channels compared together) and returns one result per channel. */
function denoise(
  raw: IntArray[],
  dtype: 'uint8' | 'uint16',
  h: number,
  g: NlmGeometry,
  S: number,
  progress: Progress,
  options: EngineOptions,
): IntArray[] {
  const cn = raw.length;
  if (dtype === 'uint8' && (cn === 1 || cn === 2)) {
    const simd = denoiseSimd(raw as Uint8Array[], h, g, S, progress, options);
    if (simd) return simd;
  }
  const { height: H, width: W, border: B, th } = g;
  const T = 2 * th + 1;
  const sh = S >> 1;
  const pad: Padding = { top: B, bottom: B, left: B, right: B };
  const P = raw.map((data) =>
    paddedPlane<IntArray>({ data, shape: [H, W], dtype }, 0, pad, MIRROR, PLANE_ARRAY[dtype]),
  );
  const n = H * W;
  const eight = dtype === 'uint8';
  // uint8: OpenCV's integer tables (sums fit int32 by the choice of M); uint16: the same
  // recipe in float64 with a coarser distance index (see nlmWeightTable16).
  const w8 = eight ? nlmWeightTable(h, cn, T, S, 255) : undefined;
  const w16 = eight ? undefined : nlmWeightTable16(h, cn, T);
  const est = eight ? new Int32Array(n * cn) : new Float64Array(n * cn);
  const wsum = eight ? new Int32Array(n) : new Float64Array(n);
  // the offset (0, 0): every pixel with itself, distance 0
  const w0 = eight ? w8!.table[0] : w16!.table[0];
  for (let p = 0; p < n; p++) {
    wsum[p] = w0;
    for (let c = 0; c < cn; c++) est[p * cn + c] = w0 * raw[c][p];
  }
  const colSum1 = new Int32Array(g.pw);
  const colSumN = new Float64Array(g.pw);
  for (let y0 = 0; y0 < H; y0 += BAND_ROWS) {
    const y1 = Math.min(H, y0 + BAND_ROWS);
    for (let dy = 0; dy <= sh; dy++) {
      for (let dx = dy === 0 ? 1 : -sh; dx <= sh; dx++) {
        // rows above the image only matter for their partner q + δ inside it
        const qy0 = y0 === 0 ? -dy : y0;
        if (eight && cn === 1) {
          nlmOffsetRows1(
            P[0] as Uint8Array,
            g,
            dy,
            dx,
            qy0,
            y1,
            w8!.table,
            w8!.shift,
            est as Int32Array,
            wsum as Int32Array,
            colSum1,
          );
        } else if (eight) {
          nlmOffsetRowsN(P, g, dy, dx, qy0, y1, w8!.table, 2 ** -w8!.shift, est, wsum, colSumN);
        } else {
          nlmOffsetRowsN(P, g, dy, dx, qy0, y1, w16!.table, w16!.scale, est, wsum, colSumN);
        }
      }
    }
    progress.step();
  }
  const res = raw.map(() => newIntArray(dtype, n));
  for (let p = 0; p < n; p++) {
    const ws = wsum[p];
    const half = Math.floor(ws / 2);
    for (let c = 0; c < cn; c++) res[c][p] = Math.floor((est[p * cn + c] + half) / ws);
  }
  return res;
}

/**
 * One uint8 plane on the WebAssembly SIMD loops (bit-identical: exact integer sums; bands on
 * the pool when the engine chooses threads), or undefined where the engine keeps plain
 * TypeScript.
 */
function denoiseSimd(
  planes: Uint8Array[],
  h: number,
  g: NlmGeometry,
  S: number,
  progress: Progress,
  options: EngineOptions,
): Uint8Array[] | undefined {
  const { height: H, width: W, th } = g;
  const cn = planes.length as 1 | 2;
  const n = H * W;
  // two channels interleaved, as the band source pads them
  let data = planes[0];
  if (cn === 2) {
    data = new Uint8Array(2 * n);
    for (let p = 0; p < n; p++) {
      data[2 * p] = planes[0][p];
      data[2 * p + 1] = planes[1][p];
    }
  }
  const input: NDArray = { data, shape: cn === 1 ? [H, W] : [H, W, 2], dtype: 'uint8' };
  const w8 = nlmWeightTable(h, cn, 2 * th + 1, S, 255);
  // per output ~S² half-offsets, each a few vector operations per pixel
  const choice = chooseEngine(input, options, 'separate', S * S * 2, () =>
    simdNlmProgram(H, W, th, S >> 1, w8.table, w8.shift, MIRROR, cn),
  );
  if (choice.backend !== 'wasm') return undefined;
  // progress counts BAND_ROWS-row steps: spread them over the SIMD bands
  const units = Math.ceil(H / BAND_ROWS) / bandCount(choice.program!);
  const out = runBands(input, choice, () => progress.step(units));
  if (cn === 1) return [out];
  const res = [new Uint8Array(n), new Uint8Array(n)];
  for (let p = 0; p < n; p++) {
    res[0][p] = out[2 * p];
    res[1][p] = out[2 * p + 1];
  }
  return res;
}

/** Entries of the uint16 weight table: distances up to the 0.001 cutoff in this many steps. */
const TABLE16 = 1 << 14;

/**
 * uint16 (no OpenCV counterpart for L2 distances): weights round(65536·exp(−d/(h²·C))) with
 * d = dist/T², looked up in TABLE16 steps up to where the weight drops below 0.001 (d = h²·C·ln
 * 1000); sums in float64, exact integers.
 */
function nlmWeightTable16(h: number, channels: number, T: number): { table: Float64Array; scale: number } {
  const fixed = 65536;
  const hh = h * h * channels;
  const cutoff = hh * Math.log(1000);
  const step = cutoff / TABLE16;
  const table = new Float64Array(TABLE16 + 1);
  for (let i = 0; i < TABLE16; i++) {
    const weight = roundHalfEven(fixed * Math.exp(-(i * step) / hh));
    table[i] = weight < 0.001 * fixed ? 0 : weight;
  }
  table[TABLE16] = 0;
  return { table, scale: 1 / (step * T * T) };
}
