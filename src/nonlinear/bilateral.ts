/**
 * Bilateral filter with OpenCV's semantics (cv::bilateralFilter): a weighted mean over a
 * disc of radius r where each neighbour's weight falls with its distance in space and with
 * its difference in colour, so edges are kept while flat regions are smoothed.
 *
 *   y[p] = Σ_q w(p, q) · x[q] / Σ_q w(p, q),   q over |q − p| ≤ r (Euclidean, in pixels)
 *   w(p, q) = exp(−|q − p|² / (2σs²)) · exp(−D(p, q)² / (2σc²))
 *   D(p, q) = Σ_channels |x_c[q] − x_c[p]|   (L1 colour distance, in grey levels)
 *
 * r = ⌊diameter/2⌋, or round(1.5·σs) when diameter ≤ 0; at least 1. Weights are rounded to
 * float32 as OpenCV stores them. Integer images look the colour weight up per grey level;
 * float images interpolate it in OpenCV's table of 4096 bins per channel over the image's
 * range. Default border `mirror` (OpenCV's BORDER_REFLECT_101).
 */
import { roundHalfEven } from '../core/cast.js';
import { type AnyTypedArray, allocate, isIntegerDType, integerMax } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import { type Border, type BorderMode, type Padding, resolveBorder } from '../border/border.js';
import {
  type IntPlanes,
  bilateralRowFloat,
  bilateralRowInt1,
  bilateralRowInt3,
  bilateralRowIntN,
} from './bilateral-loops.js';
import {
  type ProgressCallback,
  Progress,
  checkCval,
  checkPaddedSize,
  checkProgress,
  PLANE_ARRAY,
  paddedPlane,
  MAX_WINDOW_AREA,
} from './window.js';
import { type EngineOptions, chooseEngine } from '../engine/backend.js';
import { bandCount } from '../engine/bands.js';
import { runBands } from './engine-run.js';
import { simdBilateralProgram } from './bilateral-simd.js';

export interface BilateralOptions extends EngineOptions {
  /** Border (any alias); default `mirror` (`c b | a b c d | c b`), OpenCV's default. */
  border?: BorderMode | string;
  /** The value outside the image for `constant` (default 0). */
  cval?: number;
  /** Called with the fraction done (0 … 1) during the run. */
  onProgress?: ProgressCallback;
}

/** Window radius and the float32 tables OpenCV builds, for inspection and tests. */
export interface BilateralSpec {
  readonly radius: number;
  /** Offsets [di, dj] of the disc, rows then columns, as OpenCV orders them (centre included). */
  readonly offsets: readonly (readonly [number, number])[];
  /** exp(−(di² + dj²)/(2σs²)) rounded to float32, one per offset. */
  readonly spaceWeights: Float64Array;
}

/**
 * Bilateral filter (OpenCV semantics): an edge-preserving weighted mean over a disc.
 *
 * `diameter` is the disc's width in pixels (radius ⌊diameter/2⌋; ≤ 0 means radius
 * round(1.5·sigmaSpace)); `sigmaColor` is in grey levels of the input (for uint8, 0…255: a
 * neighbour `sigmaColor` levels away in the L1 sum over channels gets weight e^−½);
 * `sigmaSpace` is in pixels. Not a correlation: weights depend on the pixels. Default border
 * `mirror`; output dtype the input's (integers rounded half to even). NaN or ±Infinity in a
 * window gives NaN (OpenCV skips NaN neighbours instead).
 *
 * @example
 *   const smooth = bilateralFilter(img, 9, 75, 75);   // OpenCV's classic setting
 */
export function bilateralFilter(
  input: NDArray,
  diameter: number,
  sigmaColor: number,
  sigmaSpace: number,
  options: BilateralOptions = {},
): NDArray {
  checkArray(input);
  if (typeof diameter !== 'number' || !Number.isInteger(diameter))
    invalidArgument('diameter', 'an integer (≤ 0: derived from sigmaSpace)', diameter);
  checkSigma('sigmaColor', sigmaColor);
  checkSigma('sigmaSpace', sigmaSpace);
  const border = resolveBorder(options.border, options.cval, 'mirror');
  checkCval(border, input.dtype);
  const onProgress = checkProgress(options.onProgress);
  const { height, width, channels } = imageDims(input);
  const r = bilateralRadius(diameter, sigmaSpace);
  const pad: Padding = { top: r, bottom: r, left: r, right: r };
  if ((2 * r + 1) ** 2 > MAX_WINDOW_AREA)
    invalidArgument(
      diameter > 0 ? 'diameter' : 'sigmaSpace',
      `a disc of at most ${MAX_WINDOW_AREA} pixels`,
      diameter > 0 ? diameter : sigmaSpace,
      'the window would exceed memory',
    );
  checkPaddedSize(
    height,
    width,
    pad,
    diameter > 0 ? 'diameter' : 'sigmaSpace',
    diameter > 0 ? diameter : sigmaSpace,
  );
  const spec = bilateralSpec(diameter, sigmaSpace);
  if (input.dtype === 'uint8') {
    const simd = bilateralSimd(input, spec, sigmaColor, border, options, onProgress);
    if (simd) return simd;
  }
  const pw = width + 2 * r;
  const planes: AnyTypedArray[] = [];
  for (let c = 0; c < channels; c++)
    planes.push(paddedPlane<AnyTypedArray>(input, c, pad, border, PLANE_ARRAY[input.dtype]));
  const out = allocate(input.dtype, height * width * channels);
  const progress = new Progress(onProgress, height);
  if (isIntegerDType(input.dtype)) {
    const ofs = Int32Array.from(spec.offsets, ([di, dj]) => di * pw + dj);
    const colour = colourTable(integerMax(input.dtype) * channels + 1, sigmaColor);
    const acc = new Float64Array(channels);
    const P = planes as (Uint8Array | Uint16Array)[];
    const o8 = out as Uint8Array | Uint16Array;
    for (let y = 0; y < height; y++) {
      const p = (y + r) * pw + r;
      const o = y * width * channels;
      if (channels === 1) bilateralRowInt1(P[0], p, ofs, spec.spaceWeights, colour, o8, o, width);
      else if (channels === 3)
        bilateralRowInt3(P as IntPlanes, p, ofs, spec.spaceWeights, colour, o8, o, width);
      else bilateralRowIntN(P, p, ofs, spec.spaceWeights, colour, o8, o, width, acc);
      progress.step();
    }
  } else {
    bilateralFloat(planes as (Float32Array | Float64Array)[], spec, pw, sigmaColor, input, out, progress);
  }
  return ndarray(out, input.shape, { alpha: input.alpha });
}

/**
 * The last single-thread SIMD run (for tests): groups of four pixels, and how many exact
 * vectors of four pixels recomputed those whose rounding the certified f32 loop left open
 * (three channels: the pixels themselves, listed per row; one channel: their groups).
 */
export const lastBilateralRun = { groups: 0, redone: 0 };

/**
 * uint8 with 1 or 3 channels on the WebAssembly SIMD loops (bit-identical; bands on the pool
 * when the engine chooses threads), or undefined where the engine keeps plain TypeScript.
 */
function bilateralSimd(
  input: NDArray,
  spec: BilateralSpec,
  sigmaColor: number,
  border: Border,
  options: EngineOptions,
  onProgress: ProgressCallback | undefined,
): NDArray | undefined {
  const { height, width, channels } = imageDims(input);
  const colour = colourTable(255 * channels + 1, sigmaColor);
  // per output element ~4 multiply-adds' worth of vector work per disc offset
  const choice = chooseEngine(input, options, 'separate', spec.offsets.length * 4, () =>
    simdBilateralProgram(
      input.dtype,
      height,
      width,
      channels,
      spec.offsets,
      spec.spaceWeights,
      colour,
      spec.radius,
      border,
    ),
  );
  if (choice.backend !== 'wasm') return undefined;
  const progress = new Progress(onProgress, bandCount(choice.program!));
  const stats = { exactBands: 0, exactVectors: 0, exactOutputs: 0 };
  const out = runBands(input, choice, () => progress.step(), stats);
  if (choice.threads === 1) {
    lastBilateralRun.groups = height * Math.ceil(width / 8) * 2;
    lastBilateralRun.redone = stats.exactVectors;
  }
  return ndarray(out, input.shape, { alpha: input.alpha });
}

function checkSigma(option: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    invalidArgument(option, 'a finite number > 0', v);
}

/** Radius, disc offsets and space weights exactly as OpenCV builds them. */
export function bilateralSpec(diameter: number, sigmaSpace: number): BilateralSpec {
  const radius = bilateralRadius(diameter, sigmaSpace);
  const coeff = -0.5 / (sigmaSpace * sigmaSpace);
  const offsets: [number, number][] = [];
  const weights: number[] = [];
  for (let i = -radius; i <= radius; i++) {
    for (let j = -radius; j <= radius; j++) {
      const d = Math.sqrt(i * i + j * j);
      if (d > radius) continue;
      offsets.push([i, j]);
      weights.push(Math.fround(Math.exp(d * d * coeff)));
    }
  }
  return { radius, offsets, spaceWeights: Float64Array.from(weights) };
}

/** r = ⌊diameter/2⌋, or round(1.5·σs) (half to even, as cvRound) when diameter ≤ 0; at least 1. */
function bilateralRadius(diameter: number, sigmaSpace: number): number {
  return Math.max(1, diameter <= 0 ? roundHalfEven(sigmaSpace * 1.5) : Math.floor(diameter / 2));
}

/** exp(−i²/(2σc²)) in float32 for every integer L1 distance i < n. */
function colourTable(n: number, sigmaColor: number): Float64Array {
  const coeff = -0.5 / (sigmaColor * sigmaColor);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = Math.fround(Math.exp(i * i * coeff));
  return t;
}

/** Bins per channel of OpenCV's colour-weight table for float images. */
const BINS_PER_CHANNEL = 1 << 12;

function bilateralFloat(
  planes: (Float32Array | Float64Array)[],
  spec: BilateralSpec,
  pw: number,
  sigmaColor: number,
  input: NDArray,
  out: AnyTypedArray,
  progress: Progress,
): void {
  const { height, width, channels } = imageDims(input);
  // non-finite values are set aside (their outputs become NaN at the end) and the table
  // spans the finite range over every channel
  const bad = hideNonFinite(planes);
  let lo = Infinity;
  let hi = -Infinity;
  for (const P of planes) {
    for (let i = 0; i < P.length; i++) {
      const v = P[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const o = out as Float32Array | Float64Array;
  if (!(hi - lo >= FLT_EPSILON)) {
    // a flat image: OpenCV copies it
    o.set(input.data as Float32Array | Float64Array);
  } else {
    filterFloat(planes, spec, pw, sigmaColor, lo, hi, o, width, height, channels, progress);
  }
  if (bad.length) markWindows(bad, spec, pw, o, width, height, channels);
}

/** FLT_EPSILON: OpenCV copies float images whose range is below it. */
const FLT_EPSILON = 1.1920928955078125e-7;

function filterFloat(
  planes: (Float32Array | Float64Array)[],
  spec: BilateralSpec,
  pw: number,
  sigmaColor: number,
  lo: number,
  hi: number,
  o: Float32Array | Float64Array,
  width: number,
  height: number,
  channels: number,
  progress: Progress,
): void {
  const r = spec.radius;
  const bins = BINS_PER_CHANNEL * channels;
  const scale = Math.fround(bins / Math.fround(Math.fround(hi - lo) * channels));
  const coeff = -0.5 / (sigmaColor * sigmaColor);
  const lut = new Float64Array(bins + 2);
  let last = 1;
  for (let i = 0; i < bins + 2 && last > 0; i++) {
    const v = i / scale;
    lut[i] = last = Math.fround(Math.exp(v * v * coeff));
  }
  const keep = spec.offsets
    .map((_, k) => k)
    .filter((k) => spec.offsets[k][0] !== 0 || spec.offsets[k][1] !== 0);
  const ofs = Int32Array.from(keep, (k) => spec.offsets[k][0] * pw + spec.offsets[k][1]);
  const space = Float64Array.from(keep, (k) => spec.spaceWeights[k]);
  const acc = new Float64Array(channels);
  for (let y = 0; y < height; y++) {
    bilateralRowFloat(planes, (y + r) * pw + r, ofs, space, lut, scale, o, y * width * channels, width, acc);
    progress.step();
  }
}

/**
 * Replaces NaN and ±Infinity in padded planes by 0 (so the loops stay in range) and returns
 * their padded positions.
 */
function hideNonFinite(planes: (Float32Array | Float64Array)[]): number[] {
  const bad: number[] = [];
  for (const P of planes) {
    for (let i = 0; i < P.length; i++) {
      if (Number.isFinite(P[i])) continue;
      bad.push(i);
      P[i] = 0;
    }
  }
  return bad;
}

/** Outputs whose disc covers one of the padded positions `bad` become NaN. */
function markWindows(
  bad: number[],
  spec: BilateralSpec,
  pw: number,
  out: Float32Array | Float64Array,
  width: number,
  height: number,
  channels: number,
): void {
  const r = spec.radius;
  for (const i of bad) {
    const py = Math.floor(i / pw) - r;
    const px = (i % pw) - r;
    for (const [di, dj] of spec.offsets) {
      const y = py - di;
      const x = px - dj;
      if (y < 0 || y >= height || x < 0 || x >= width) continue;
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = NaN;
    }
  }
}
