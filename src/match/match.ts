/**
 * Template matching: how well a template T (h×w) fits the image I at each position —
 * OpenCV's six `matchTemplate` scores, output (H−h+1)×(W−w+1) float32. Position
 * (r, c) is the window I[r .. r+h−1, c .. c+w−1] (the template's top-left corner):
 *
 *   sqdiff         Σ (T − I)²
 *   sqdiff-normed  Σ (T − I)² / √(ΣT² · ΣI²)
 *   ccorr          Σ T·I
 *   ccorr-normed   Σ T·I / √(ΣT² · ΣI²)
 *   ccoeff         Σ T'·I'                    T' = T − mean(T), I' = I − mean(window)
 *   ccoeff-normed  Σ T'·I' / √(ΣT'² · ΣI'²)
 *
 * sums over the window and, for images with channels, over the channels (the template
 * has the same channels). Σ T·I is a valid-mode correlation (src/linear: FFT or direct,
 * whichever the cost model says is faster); the window sums ΣI and ΣI² come from
 * integral images. ccoeff uses Σ T'·I' = Σ T'·I (T' sums to zero).
 *
 * Defined values where a score is 0/0 (as OpenCV 4.6 gives them):
 * - ccoeff-normed with a flat template (every T' within rounding of 0): 1 everywhere.
 * - a flat window — ΣI'² (ccoeff-normed) or ΣI² (ccorr-normed, sqdiff-normed) no larger
 *   than the rounding error of the integral images (64·ε·(Σ(I−μ)² + 2(Σ|I−μ|)²/n) over
 *   the whole image, ε = 2^−53), or a denominator no larger than the correlation's error
 *   bound: ccoeff-normed and ccorr-normed give 0, sqdiff-normed gives 1.
 * - an all-zero template: ccorr-normed 0, sqdiff-normed 1.
 * Normalized scores are clamped to their mathematical range — ccorr-normed and
 * ccoeff-normed to [−1, 1] — and sqdiff-normed is capped at 1 as OpenCV caps it;
 * sqdiff is never negative.
 */
import { InvalidArgumentError, ShapeError, invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import { allocate } from '../core/dtypes.js';
import type { Kernel } from '../kernels/kernel.js';
import { linearSpec } from '../linear/correlate.js';
import { type LinearPlan, type Method, executeLinear, planLinear } from '../linear/plan.js';
import { type ValueRange, fftBackend, fftErrorBound, valueRange } from '../linear/fft.js';
import {
  type WindowTotals,
  addWindowStats,
  addWindowStatsSimd,
  ccoeffNormedSimd,
  planeTotals,
  statBandRows,
} from './integral.js';
import { simdArena } from '../engine/simd.js';
import { type EngineOptions, engineOptions } from '../engine/backend.js';
import { poolStatus, runPooled } from '../engine/pool.js';
import { bandCount } from '../engine/bands.js';
import { matchStatsProgram } from './stats-engine.js';

/**
 * Window positions from which the statistics run in bands on the worker pool (when more than
 * one thread is allowed): a 1080p plane's statistics take ~16 ms of one core on the bench VM.
 */
export const STATS_POOL_MIN = 1 << 17;

export type MatchMethod = 'sqdiff' | 'sqdiff-normed' | 'ccorr' | 'ccorr-normed' | 'ccoeff' | 'ccoeff-normed';
export const MATCH_METHODS: readonly MatchMethod[] = [
  'sqdiff',
  'sqdiff-normed',
  'ccorr',
  'ccorr-normed',
  'ccoeff',
  'ccoeff-normed',
];

export interface MatchOptions extends EngineOptions {
  /** The score (default `ccoeff-normed`). See the module comment for the six definitions. */
  method?: MatchMethod;
  /** How Σ T·I is computed: `auto` (default, the faster by the cost model), `direct` or `fft`. Same result. */
  correlation?: Method;
}

/** True when smaller scores are better (the squared-difference methods). */
export function lowerIsBetter(method: MatchMethod): boolean {
  return method === 'sqdiff' || method === 'sqdiff-normed';
}

const EPS = 2 ** -53;

interface Prepared {
  readonly method: MatchMethod;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly th: number;
  readonly tw: number;
  readonly planes: NDArray[];
  readonly kernels: Kernel[];
  readonly correlation: Method;
  readonly engine: EngineOptions;
  /** Value range of each plane (one scan: finiteness, max |I|, and the FFT plan's accuracy rules). */
  readonly ranges: ValueRange[];
}

function prepare(image: NDArray, template: NDArray, options: MatchOptions): Prepared {
  checkArray(image, 'image');
  checkArray(template, 'template');
  const method = options.method ?? 'ccoeff-normed';
  if (!MATCH_METHODS.includes(method))
    invalidArgument('method', `one of ${MATCH_METHODS.join(', ')}`, method);
  const correlation = options.correlation ?? 'auto';
  const { height, width, channels } = imageDims(image);
  const t = imageDims(template);
  if (image.shape.length === 1 && template.shape.length !== 1)
    invalidArgument('template', 'a 1-D template for a 1-D signal', `shape [${template.shape.join(', ')}]`);
  if (t.channels !== channels) {
    throw new ShapeError(
      `match: the template has ${t.channels} channel${t.channels === 1 ? '' : 's'} but the image has ${channels} (they must be equal)`,
    );
  }
  if (t.height > height || t.width > width) {
    throw new ShapeError(
      `match: the ${t.height}×${t.width} template is larger than the ${height}×${width} image (allowed: a template no larger than the image)`,
    );
  }
  checkFinite(template, 'template', 'finite values');
  const planes: NDArray[] = [];
  const kernels: Kernel[] = [];
  const ranges: ValueRange[] = [];
  const n = t.height * t.width;
  for (let ch = 0; ch < channels; ch++) {
    planes.push(channelPlane(image, ch));
    ranges.push(valueRange(planes[ch].data));
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) k[i] = template.data[i * channels + ch];
    if (method === 'ccoeff' || method === 'ccoeff-normed') centre(k);
    kernels.push({ data: k, rows: t.height, cols: t.width });
  }
  if (method !== 'ccorr' && method !== 'ccoeff' && !ranges.every((r) => Number.isFinite(r.lo + r.hi))) {
    // Only now the slower scan that finds where.
    checkFinite(image, 'image', `finite values for method ${method} (it divides by or sums over windows)`);
  }
  const engine = { backend: options.backend, threads: options.threads };
  return {
    method,
    height,
    width,
    channels,
    th: t.height,
    tw: t.width,
    planes,
    kernels,
    correlation,
    engine,
    ranges,
  };
}

/** Subtracts the mean; values within rounding of it become exactly 0 (a flat template is exactly flat). */
function centre(k: Float64Array): void {
  let s = 0;
  let big = 0;
  for (const v of k) {
    s += v;
    big = Math.max(big, Math.abs(v));
  }
  const mean = s / k.length;
  const tiny = 8 * EPS * big * Math.max(1, Math.log2(k.length));
  for (let i = 0; i < k.length; i++) {
    const d = k[i] - mean;
    k[i] = Math.abs(d) <= tiny ? 0 : d;
  }
}

function checkFinite(a: NDArray, option: string, allowed: string): void {
  const d = a.data;
  if (d instanceof Uint8Array || d instanceof Uint16Array) return;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) {
      const { width, channels } = imageDims(a);
      const p = Math.floor(i / channels);
      const at = a.shape.length === 1 ? `[${p}]` : `[${Math.floor(p / width)}, ${p % width}]`;
      throw new InvalidArgumentError(option, allowed, v, `at ${at}`);
    }
  }
}

function channelPlane(image: NDArray, ch: number): NDArray {
  const { height, width, channels } = imageDims(image);
  const shape = image.shape.length === 1 ? [width] : [height, width];
  if (channels === 1) return ndarray(image.data, shape);
  const out = allocate(image.dtype, height * width);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i * channels + ch];
  return ndarray(out, shape);
}

/**
 * The plan of the correlation inside `matchTemplate` (for `--explain-plan`): how Σ T·I
 * is computed for the first channel (the others are planned alike).
 */
export function planMatch(image: NDArray, template: NDArray, options: MatchOptions = {}): LinearPlan {
  const p = prepare(image, template, options);
  const spec = linearSpec(p.planes[0], p.kernels[0], { shape: 'valid', dtype: 'float64' }, false);
  return planLinear(p.planes[0], spec, { method: p.correlation, ...p.engine, range: p.ranges[0] });
}

/**
 * Template matching scores, OpenCV's `matchTemplate` (see the module comment): a
 * float32 array of (H−h+1)×(W−w+1), one score per position of the template's top-left
 * corner. This is correlation (the template is not flipped); no border is involved.
 *
 * @example
 *   const scores = matchTemplate(scene, patch, { method: 'ccoeff-normed' });
 *   const [best] = bestMatches(scores, 'ccoeff-normed');   // { row, col, score }
 */
export function matchTemplate(image: NDArray, template: NDArray, options: MatchOptions = {}): NDArray {
  const p = prepare(image, template, options);
  const { method, height, width, channels, th, tw } = p;
  const oh = height - th + 1;
  const ow = width - tw + 1;
  const n = th * tw;
  const count = oh * ow;

  // Σ T·I (or Σ T'·I), summed over channels.
  let corr: Float64Array | undefined;
  let maxAbsImage = 0;
  let kernelL1 = 0;
  for (let ch = 0; ch < channels; ch++) {
    const plane = p.planes[ch];
    const spec = linearSpec(plane, p.kernels[ch], { shape: 'valid', dtype: 'float64' }, false);
    const plan = planLinear(plane, spec, { method: p.correlation, ...p.engine, range: p.ranges[ch] });
    const c = executeLinear(plane, spec, plan).data as Float64Array;
    if (corr === undefined) corr = c;
    else for (let i = 0; i < count; i++) corr[i] += c[i];
    const { lo, hi } = p.ranges[ch];
    maxAbsImage = Math.max(maxAbsImage, Math.abs(lo), Math.abs(hi));
    for (const v of p.kernels[ch].data) kernelL1 += Math.abs(v);
  }
  if (corr === undefined) throw new Error('internal error: no channels');
  // Error bound of the correlation (the FFT bound over the whole plane, which also covers the direct sum).
  const numErr = fftErrorBound(maxAbsImage, kernelL1, height, width) + 4 * n * EPS * maxAbsImage * kernelL1;

  const out = new Float32Array(count);
  const shape = image.shape.length === 1 ? [ow] : [oh, ow];
  if (method === 'ccorr' || method === 'ccoeff') {
    out.set(corr);
    return ndarray(out, shape);
  }

  // Template statistics.
  let tSq = 0; // ΣT² (raw) or ΣT'² (ccoeff-normed: the kernels are centred)
  for (const k of p.kernels) for (const v of k.data) tSq += v * v;
  if (method === 'ccoeff-normed' && tSq === 0) {
    out.fill(1);
    return ndarray(out, shape);
  }

  // Window statistics from integral images of each channel minus its mean, summed over
  // channels: ΣI'² for ccoeff-normed, ΣI² for the others.
  const kind = method === 'ccoeff-normed' ? 'centredSumSq' : 'sumSq';
  // The WebAssembly loops (bit-identical) unless plain TypeScript is asked for or SIMD is missing.
  const arena = fftBackend(p.engine).backend === 'wasm' ? simdArena() : undefined;
  const meanOf = (d: ArrayLike<number>): number => {
    let mean = 0;
    for (let i = 0; i < d.length; i++) mean += d[i];
    return mean / d.length;
  };
  const { threads } = engineOptions(p.engine);
  const statThreads =
    arena && threads > 1 && count >= STATS_POOL_MIN && poolStatus().available
      ? Math.min(
          threads,
          bandCount(matchStatsProgram(height, width, th, tw, 0, kind, statBandRows(th, oh), 'f64')),
        )
      : 1;
  if (arena && channels === 1 && method === 'ccoeff-normed' && statThreads === 1) {
    // One plane: variances and scores stay in the engine's memory (the same values as below).
    const d = p.planes[0].data;
    const tolOf = (t: WindowTotals) => 0 + 64 * EPS * (t.sqTotal + (2 * t.absTotal * t.absTotal) / n);
    ccoeffNormedSimd(arena, d, height, width, th, tw, meanOf(d), corr, tSq, numErr, tolOf, out);
    return ndarray(out, shape);
  }
  let stat: Float64Array<ArrayBufferLike> = new Float64Array(channels === 1 && statThreads > 1 ? 0 : count);
  // Rounding error bound of stat (every table entry is at most its plane's total).
  let tol = 0;
  for (const plane of p.planes) {
    const d = plane.data;
    const mean = meanOf(d);
    let t: WindowTotals;
    if (statThreads > 1) {
      // The same bands on the pool: each band's values are what addWindowStats adds for it.
      const bandType = d instanceof Float64Array ? 'f64' : 'f32';
      const prog = matchStatsProgram(height, width, th, tw, mean, kind, statBandRows(th, oh), bandType);
      const res = runPooled(plane, prog, statThreads, 'float64') as Float64Array;
      if (stat.length === 0) stat = res;
      else for (let i = 0; i < count; i++) stat[i] += res[i];
      t = planeTotals(d, mean);
    } else {
      t = arena
        ? addWindowStatsSimd(arena, d, height, width, th, tw, mean, kind, stat)
        : addWindowStats(d, height, width, th, tw, mean, kind, stat);
    }
    tol +=
      kind === 'sumSq'
        ? 64 * EPS * (t.sqTotal + 2 * Math.abs(mean) * t.absTotal)
        : 64 * EPS * (t.sqTotal + (2 * t.absTotal * t.absTotal) / n);
  }

  if (method === 'ccoeff-normed') {
    for (let i = 0; i < count; i++) {
      const variance = stat[i];
      const den = Math.sqrt(Math.max(variance, 0) * tSq);
      out[i] = variance <= tol || den <= numErr ? 0 : clamp(corr[i] / den, -1, 1);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const raw2 = stat[i];
      const num = corr[i];
      if (method === 'sqdiff') {
        out[i] = Math.max(0, tSq - 2 * num + raw2);
        continue;
      }
      const den = Math.sqrt(Math.max(raw2, 0) * tSq);
      const flat = raw2 <= tol || den <= numErr || tSq === 0;
      if (method === 'ccorr-normed') out[i] = flat ? 0 : clamp(num / den, -1, 1);
      else out[i] = flat ? 1 : Math.min(1, Math.max(0, tSq - 2 * num + raw2) / den);
    }
  }
  return ndarray(out, shape);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** One match: the template's top-left corner and its score. */
export interface Match {
  readonly row: number;
  readonly col: number;
  readonly score: number;
}

/**
 * The best `count` positions of a score map (minimum for the sqdiff methods, maximum
 * otherwise), best first. After each pick, positions whose template box would overlap
 * it (|Δrow| < h and |Δcol| < w, with `template` [h, w]; default 1×1, i.e. only the
 * position itself) are not picked again, so the list holds distinct matches rather than
 * the neighbours of one. NaN scores are never picked.
 */
export function bestMatches(
  scores: NDArray,
  method: MatchMethod,
  count = 1,
  template: readonly [number, number] = [1, 1],
): Match[] {
  checkArray(scores, 'scores');
  if (!MATCH_METHODS.includes(method))
    invalidArgument('method', `one of ${MATCH_METHODS.join(', ')}`, method);
  if (!Number.isSafeInteger(count) || count < 1) invalidArgument('count', 'a positive integer', count);
  const { height, width } = imageDims(scores);
  const [th, tw] = template;
  const d = scores.data;
  const taken = new Uint8Array(d.length);
  const sign = lowerIsBetter(method) ? -1 : 1;
  const out: Match[] = [];
  while (out.length < count) {
    let best = -1;
    let bestV = -Infinity;
    for (let i = 0; i < d.length; i++) {
      const v = sign * d[i];
      if (v > bestV && taken[i] === 0) {
        bestV = v;
        best = i;
      }
    }
    if (best < 0) break;
    const row = Math.floor(best / width);
    const col = best % width;
    out.push({ row, col, score: d[best] });
    for (let r = Math.max(0, row - th + 1); r < Math.min(height, row + th); r++) {
      taken.fill(1, r * width + Math.max(0, col - tw + 1), r * width + Math.min(width, col + tw));
    }
  }
  return out;
}
