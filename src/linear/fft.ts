/**
 * The FFT plan of correlate/convolve. Same spec, same meaning as the direct plan:
 * the image is first extended by its border (src/border, the only code that knows
 * about edges) to the padded plane P of `linearGeometry`, then the valid correlation
 * of P with the kernel is computed by FFT tiles (src/fft/correlate.ts, overlap-save).
 * Convolution arrives here already flipped by `linearSpec`.
 *
 * Accuracy. Every transform runs in float64. The error of one output is bounded by
 *
 *     |y_fft − y| ≤ B = 34 · ε · log2(N) · √N · max|P| · Σ|h|      (ε = 2^−53, N = N1·N2 tile points)
 *
 * (plus 34·log2(N)·N·2^−1074 for subnormal values, whose rounding errors are absolute)
 *
 * (Higham's bound for a radix-r FFT, ‖δX‖ ≤ c·log2(N)·ε·‖X‖ with c ≤ 8, through the
 * forward transform, the product and the inverse, for the two tiles packed as a + i·b).
 * Real errors are far smaller (about ε·max|y|); B is what the two rules below rely on:
 *
 * - Sign clamp: where the exact result cannot be negative (P ≥ 0 and h ≥ 0, or both
 *   ≤ 0) an FFT value in [−B, 0) is set to 0, and likewise for non-positive results.
 *   So a non-negative image never comes back with negative values; a clamp moves a
 *   value by at most B. Nothing else is clamped.
 * - Exact integers: when P holds integers and every tap is a multiple of q = 2^−e
 *   (a dyadic kernel such as 1/16·[1 2 1]), the exact result is a multiple of q; if
 *   B < q/2 the FFT value is snapped to the nearest multiple — which is then the exact
 *   value, bit for bit what the direct path computes — so integer outputs round
 *   exactly as the direct path does even on .5 ties.
 *
 * NaN and ±Infinity would spread through a transform to every output; the plan sends
 * such inputs to the direct method instead (see planLinear).
 */
import { type AnyTypedArray, allocate, isIntegerDType } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { storeRow } from '../core/cast.js';
import { type NDArray, imageDims, ndarray } from '../core/ndarray.js';
import { padPlane } from '../border/border.js';
import { type CorrelationJob, TileCorrelator } from '../fft/correlate.js';
import { simdTileEngine } from '../fft/simd.js';
import { type EngineChoice, type EngineOptions, engineOptions } from '../engine/backend.js';
import { simdArena, simdStatus } from '../engine/simd.js';
import { simdFftProgram } from '../fft/engine.js';
import { bandCount, bandRange, paddingSource } from '../engine/bands.js';
import { runProgram } from '../engine/programs.js';
import { poolStatus, runPooled } from '../engine/pool.js';
import { fastSizesBetween, nextFastSize } from '../fft/sizes.js';
import {
  type Geometry,
  type LinearSpec,
  filterPremultiplied,
  linearGeometry,
  outputShape,
  planeOf,
} from './correlate.js';

/** Tile size of an FFT plan and its modelled cost. */
export interface FftTiling {
  readonly n1: number;
  readonly n2: number;
  /** Modelled time in ms (see `fftCostMs`). */
  readonly ms: number;
  readonly tiles: number;
}

/** Largest tile (complex points) the FFT plan allocates: 2^22 points = 4 × 32 MiB of float64 buffers. */
export const MAX_TILE_POINTS = 2 ** 22;

/**
 * Cost-model constants, fitted with `node bench/fit-plan.mjs` on the 2-core AMD EPYC VM
 * (Node 20.20, shared and busy: CPU-time minimums of repeated runs): ns per point per
 * butterfly stage of each radix (16 lanes, in cache; radix 7 is slow in plain TS, so
 * 7-smooth sizes are rarely chosen), and ns per point of tile-buffer traffic (gathers,
 * scatters, the spectrum product) per pair of tiles, more for tiles beyond the L2 cache.
 */
export const FFT_COST: FftCost = {
  stage: { 2: 3.0, 3: 2.8, 4: 3.2, 5: 3.4, 7: 18 },
  pass: 5,
  /** Extra ns per point when the tile buffers (4 × 8 bytes per point) outgrow the 1 MiB L2. */
  bigTile: 3,
  l2Points: 32768,
  perOutput: 0,
};

/** Constants of the FFT cost model (see FFT_COST, FFT_COST_WASM). */
export interface FftCost {
  /** ns per point per butterfly stage, by radix. */
  readonly stage: Readonly<Record<number, number>>;
  /** ns per tile point per pair of tiles: gathers, scatters, the spectrum product. */
  readonly pass: number;
  /** Extra ns per tile point per pair beyond `l2Points`. */
  readonly bigTile: number;
  readonly l2Points: number;
  /** ns per output for what does not depend on the tiles (scan, padding, allocation, fix-ups). */
  readonly perOutput: number;
  /**
   * When set (the SIMD engine, which runs bands on the worker pool), single-plane tiles are
   * chosen for the mean of the one-thread time and the modelled time on this many threads,
   * so that the band grid splits evenly; the grid never depends on the threads of a run.
   */
  readonly balanceThreads?: number;
}

/**
 * The same model for the WebAssembly SIMD engine (src/fft/simd.ts), fitted the same way
 * (`node bench/fit-plan.mjs`): f64x2 stages are ~5× faster than the plain ones — radix 4
 * 0.67, radix 3 0.55, radix 2 0.4, radix 5 1.6 ns per point (its 20 live vectors spill),
 * radix 7 11 (plain stages on the engine's memory) — so the tile traffic and the fixed
 * per-output work weigh more, and tiles beyond 2^19 points (8 MB per buffer, out of the
 * caches of the bench VM) cost extra.
 */
export const FFT_COST_WASM: FftCost = {
  // Radix 5 raised from its isolated 1.12 and the big-tile threshold moved from 2^18 so that
  // whole W13 runs order as measured (one thread, CPU time): 512×512 82–86 ms, 648×512
  // (331776 points, radix 3) 81–86, 640×512 (radix 5) 101–107, 640×1152 108, 1152² 115.
  stage: { 2: 0.4, 3: 0.55, 4: 0.67, 5: 1.6, 7: 11 },
  pass: 6,
  bigTile: 3,
  l2Points: 2 ** 19,
  perOutput: 5,
  balanceThreads: 2,
};

const radixCosts = new Map<FftCost, Map<number, number>>();

/** Modelled ns per point of one 1-D transform of size n (a sum over its stages), memoized. */
function radixCost(n: number, cost: FftCost): number {
  let memo = radixCosts.get(cost);
  if (!memo) radixCosts.set(cost, (memo = new Map()));
  let hit = memo.get(n);
  if (hit === undefined) {
    hit = stageSum(n, cost);
    if (memo.size > 4096) memo.clear();
    memo.set(n, hit);
  }
  return hit;
}

function stageSum(n: number, cost: FftCost): number {
  let c = 0;
  let m = n;
  for (const r of [7, 5, 3, 4, 2]) {
    while (m % r === 0) {
      c += cost.stage[r];
      m /= r;
    }
  }
  return c;
}

/**
 * Modelled ms of the FFT plan with N1×N2 tiles for `planes` planes of outH×outW
 * outputs and a kh×kw kernel. A pair of tiles costs a forward row pass over its input
 * rows, the column passes (forward and inverse) over all N1 rows, an inverse row pass
 * over its output rows, and the buffer traffic; the kernel's spectrum is paid once.
 */
export function fftCostMs(
  outH: number,
  outW: number,
  kh: number,
  kw: number,
  planes: number,
  n1: number,
  n2: number,
  cost: FftCost = FFT_COST,
): { ms: number; tiles: number; choice: number } {
  const b1 = n1 - kh + 1;
  const b2 = n2 - kw + 1;
  const tiles = planes * Math.ceil(outH / b1) * Math.ceil(outW / b2);
  const pairs = Math.ceil(tiles / 2);
  const rowIn = Math.min(n1, outH + kh - 1);
  const rowOut = Math.min(b1, outH);
  const c1 = radixCost(n1, cost);
  const c2 = radixCost(n2, cost);
  const points = n1 * n2;
  const traffic = cost.pass + (points > cost.l2Points ? cost.bigTile : 0);
  const pair = (rowIn + rowOut) * n2 * c2 + 2 * points * c1 + points * traffic;
  const kernel = kh * n2 * c2 + points * c1 + points * traffic;
  const fixed = planes * outH * outW * cost.perOutput;
  const ms = (pairs * pair + kernel + fixed) * 1e-6;
  const threads = cost.balanceThreads ?? 1;
  if (threads === 1 || planes !== 1) return { ms, tiles, choice: ms };
  // The band grid of src/fft/engine.ts, claimed band by band: the busiest thread's pairs.
  // Each thread transforms the kernel; the fixed part is half padding (in the bands), half serial.
  const loads = new Array<number>(threads).fill(0);
  for (const p of bandPairs(outH, outW, kh, kw, n1, n2)) {
    let j = 0;
    for (let t = 1; t < threads; t++) if (loads[t] < loads[j]) j = t;
    loads[j] += p;
  }
  const wall = (Math.max(...loads) * pair + kernel + fixed * (0.5 + 0.5 / threads)) * 1e-6;
  return { ms, tiles, choice: (ms + wall) / 2 };
}

/**
 * Pairs of tiles in each band of the SIMD engine's fixed grid (src/fft/engine.ts): a band is
 * one row of tiles, two when a row holds an odd number of tiles.
 */
export function bandPairs(
  outH: number,
  outW: number,
  kh: number,
  kw: number,
  n1: number,
  n2: number,
): number[] {
  const b1 = n1 - kh + 1;
  const across = Math.ceil(outW / (n2 - kw + 1));
  const tileRows = Math.ceil(outH / b1);
  const perBand = across % 2 === 1 ? 2 : 1;
  const pairs: number[] = [];
  for (let r = 0; r < tileRows; r += perBand)
    pairs.push(Math.ceil((Math.min(perBand, tileRows - r) * across) / 2));
  return pairs;
}

/**
 * The modelled-fastest tile size for a correlation whose valid output is outH×outW (with
 * `balanceThreads`, the best mean of one-thread and pooled time), or undefined when even the smallest tile that holds the kernel would exceed
 * MAX_TILE_POINTS (then only the direct method applies).
 */
export function chooseTiling(
  outH: number,
  outW: number,
  kh: number,
  kw: number,
  planes: number,
  cost: FftCost = FFT_COST,
): FftTiling | undefined {
  const cands1 = candidates(outH, kh);
  const cands2 = candidates(outW, kw);
  let best: FftTiling | undefined;
  let bestChoice = Infinity;
  for (const n1 of cands1) {
    for (const n2 of cands2) {
      if (n1 * n2 > MAX_TILE_POINTS) continue;
      const { ms, tiles, choice } = fftCostMs(outH, outW, kh, kw, planes, n1, n2, cost);
      if (!best || choice < bestChoice) [best, bestChoice] = [{ n1, n2, ms, tiles }, choice];
    }
  }
  return best;
}

/** Fast sizes worth trying along one axis: from just above the kernel to one tile covering everything. */
function candidates(out: number, k: number): number[] {
  const lo = nextFastSize(Math.min(out + k - 1, Math.max(2 * k, k + 8)));
  const hi = nextFastSize(out + k - 1);
  const all = fastSizesBetween(lo, Math.min(hi, 4096));
  if (!all.includes(hi) && hi <= 4096) all.push(hi);
  if (all.length === 0) all.push(nextFastSize(k));
  return all;
}

/** Facts about the data that the accuracy rules need. */
interface DataFacts {
  /** max |P| over the padded planes (image values and the constant border). */
  readonly maxAbs: number;
  /** +1 when every value of P is ≥ 0, −1 when every value is ≤ 0, 0 otherwise. */
  readonly sign: number;
  /** Every value of P is an integer. */
  readonly integral: boolean;
}

/** Smallest and largest value of an array (NaN when it holds one; ±Infinity show as such). */
export interface ValueRange {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The value range in one pass, which also tells whether every value is finite (the plan's
 * test) — so the plan scans the input once and hands the range to the run. Branch-free
 * Math.min/max (NaN propagates through them): 3 ms on 2M float32 values, against 8.5 ms
 * with ifs and 11 ms unrolled over four accumulators (V8 11, Node 20).
 */
export function valueRange(d: ArrayLike<number>): ValueRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0, n = d.length; i < n; i++) {
    const v = d[i];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { lo, hi };
}

function dataFacts(
  d: ArrayLike<number>,
  integerType: boolean,
  spec: LinearSpec,
  range: ValueRange = valueRange(d),
): DataFacts {
  let { lo, hi } = range;
  let integral = integerType;
  if (!integral) {
    integral = true;
    for (let i = 0; i < d.length && integral; i++) integral = Number.isInteger(d[i]);
  }
  if (spec.border.mode === 'constant') {
    const c = spec.border.cval;
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
    integral &&= Number.isInteger(c);
  }
  return { maxAbs: Math.max(Math.abs(lo), Math.abs(hi)), sign: lo >= 0 ? 1 : hi <= 0 ? -1 : 0, integral };
}

/** The error bound B of the module comment. */
export function fftErrorBound(maxAbs: number, kernelL1: number, n1: number, n2: number): number {
  const n = n1 * n2;
  const logN = Math.max(1, Math.log2(n));
  // The second term covers subnormal results, whose rounding errors are absolute (2^−1074 per operation).
  return 34 * 2 ** -53 * logN * Math.sqrt(n) * maxAbs * kernelL1 + 34 * logN * n * Number.MIN_VALUE;
}

/** q = 2^−e when every tap is a multiple of it (e ≤ 60), else undefined. */
function dyadicQuantum(taps: Float64Array): number | undefined {
  let e = 0;
  for (const w of taps) {
    while (e <= 60 && !Number.isInteger(w * 2 ** e)) e++;
    if (e > 60) return undefined;
  }
  return 2 ** -e;
}

/** Post-processing of FFT values given the bound: the sign clamp and the exact-integer snap. */
interface Fixup {
  readonly bound: number;
  /** Sign the exact result is known to have (+1, −1) or 0. */
  readonly sign: number;
  /** Snap to multiples of this quantum, or 0 for no snapping. */
  readonly quantum: number;
}

function fixupFor(facts: DataFacts, spec: LinearSpec, n1: number, n2: number): Fixup {
  const k = spec.kernel.data;
  let l1 = 0;
  let kpos = true;
  let kneg = true;
  for (const w of k) {
    l1 += Math.abs(w);
    if (w < 0) kpos = false;
    if (w > 0) kneg = false;
  }
  const bound = fftErrorBound(facts.maxAbs, l1, n1, n2);
  const ksign = kpos ? 1 : kneg ? -1 : 0;
  let quantum = 0;
  if (facts.integral) {
    const q = dyadicQuantum(k);
    // Exactness of the direct float64 sum (every partial sum a multiple of q below 2^53·q)
    // and of the snap (B < q/2).
    if (q !== undefined && bound < q / 2 && facts.maxAbs * l1 < 2 ** 52 * q) quantum = q;
  }
  return { bound, sign: facts.sign * ksign, quantum };
}

function applyFixup(v: Float32Array | Float64Array, start: number, count: number, f: Fixup): void {
  const end = start + count;
  if (f.quantum > 0) {
    const q = f.quantum;
    for (let i = start; i < end; i++) v[i] = Math.round(v[i] / q) * q;
    // Snapped values are exact: the sign of an exact value needs no clamp.
    return;
  }
  if (f.sign > 0) {
    const lo = -f.bound;
    for (let i = start; i < end; i++) if (v[i] < 0 && v[i] >= lo) v[i] = 0;
  } else if (f.sign < 0) {
    const hi = f.bound;
    for (let i = start; i < end; i++) if (v[i] > 0 && v[i] <= hi) v[i] = 0;
  }
}

/** Options for `runLinearFft`. */
export interface FftRunOptions {
  /** Tile size; default the cost model's choice. */
  readonly tiling?: { readonly n1: number; readonly n2: number };
  /** `wasm`: the WebAssembly SIMD butterflies (src/fft/simd.ts); default plain TypeScript. */
  readonly backend?: 'js' | 'wasm';
  /** Threads (this one and the engine's pool) for single-plane `wasm` runs; default 1. */
  readonly threads?: number;
  /** The input's value range when the caller has it already (`valueRange(input.data)`). */
  readonly range?: ValueRange;
}

/**
 * Backend of the FFT plan: the WebAssembly SIMD stages (bit-identical to the plain ones, so
 * the same error bound holds) unless `js` is asked for or SIMD is unavailable here.
 */
export function chooseFftEngine(options: EngineOptions, channels: number, modelledMs: number): EngineChoice {
  const { threads } = engineOptions(options);
  const b = fftBackend(options);
  if (b.backend === 'js') return { backend: 'js', threads: 1, note: b.note };
  let t = threads;
  let why = '';
  if (t > 1 && channels !== 1) {
    t = 1;
    why = ': the pool runs single-plane images';
  } else if (t > 1 && modelledMs < FFT_POOL_MIN_MS) {
    t = 1;
    why = `: under ${FFT_POOL_MIN_MS} ms of work`;
  } else if (t > 1 && !poolStatus().available) {
    t = 1;
    why = `: ${poolStatus().reason}`;
  }
  return {
    backend: 'wasm',
    threads: t,
    note:
      'WebAssembly SIMD f64x2 butterflies (bit-identical to plain TypeScript on the same tiles), ' +
      `bands of whole tile rows, ${t === 1 ? `1 thread${why}` : `up to ${t} threads`}`,
  };
}

/** The FFT plan's backend: SIMD unless `js` is asked for or SIMD is unavailable here. */
export function fftBackend(options: EngineOptions): { backend: 'js' | 'wasm'; note: string } {
  const { backend } = engineOptions(options);
  if (backend === 'js') return { backend: 'js', note: 'plain TypeScript (asked for)' };
  const status = simdStatus();
  if (!status.available) return { backend: 'js', note: `plain TypeScript: ${status.reason}` };
  return { backend: 'wasm', note: '' };
}

/** The cost model of a backend. */
export function fftCost(backend: 'js' | 'wasm'): FftCost {
  return backend === 'wasm' ? FFT_COST_WASM : FFT_COST;
}

/**
 * Modelled single-thread ms below which an FFT plan stays on one thread: a pooled run costs a
 * job post, a wake-up and one kernel transform per thread (~1–3 ms on the 2-core bench VM).
 */
export const FFT_POOL_MIN_MS = 15;

/** Runs a spec with the FFT plan. The input must hold only finite values. */
export function runLinearFft(input: NDArray, spec: LinearSpec, options: FftRunOptions = {}): NDArray {
  const { height, width, channels } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  const { outHeight: oh, outWidth: ow } = geo;
  const { rows: kh, cols: kw } = spec.kernel;
  const premultiply =
    input.alpha === true && spec.alpha === 'premultiply' && (channels === 2 || channels === 4);
  const tiling = options.tiling ?? chooseTiling(oh, ow, kh, kw, channels, fftCost(options.backend ?? 'js'));
  if (!tiling) {
    invalidArgument(
      'method',
      `direct or auto for a ${kh}×${kw} kernel`,
      'fft',
      `its FFT tiles would exceed ${MAX_TILE_POINTS} points`,
    );
  }
  const arena = options.backend === 'wasm' ? simdArena() : undefined;
  const correlator = (): TileCorrelator =>
    new TileCorrelator(spec.kernel, tiling.n1, tiling.n2, arena ? simdTileEngine(arena) : undefined);
  const fixup = fixupFor(
    dataFacts(input.data, isIntegerDType(input.dtype), spec, options.range),
    spec,
    tiling.n1,
    tiling.n2,
  );
  // Allocated only where needed: a fresh 16 MB array is a visible cost (page faults).
  const newOut = () => allocate(spec.dtype, oh * ow * channels);
  const alphaOut = premultiply || (input.alpha === true && (channels === 2 || channels === 4));

  if (premultiply) {
    const c = correlator();
    const out = newOut();
    filterPremultiplied(input, spec, geo, out, (plane, border) => {
      const res = new Float64Array(oh * ow);
      const view = { data: plane, offset: 0, rowStride: width, colStride: 1, height, width };
      const padded = padPlane(view, geo.pad, border, Float64Array);
      c.run([job(padded, geo, res)]);
      // Each plane has its own facts: the alpha plane of an integer image is integral
      // (and snaps exactly), premultiplied colour usually is not. The filtered alpha
      // decides "transparent" (≤ 0 gives colour 0): a value within B of 0 may be an
      // exact 0, so it is taken as one, as the direct path would compute it.
      const f = fixupFor(dataFacts(plane, false, { ...spec, border }), spec, tiling.n1, tiling.n2);
      applyFixup(res, 0, res.length, f);
      for (let i = 0; i < res.length; i++) if (Math.abs(res[i]) <= f.bound) res[i] = 0;
      return res;
    });
    return ndarray(out, outputShape(input, oh, ow), { alpha: true });
  }

  // float32 holds every uint8/uint16/float32 value exactly; only float64 data needs float64 planes.
  const exactIn32 = input.dtype !== 'float64' && Math.fround(spec.border.cval) === spec.border.cval;
  const direct =
    channels === 1 && (spec.dtype === 'float64' || (spec.dtype === 'float32' && fixup.quantum === 0));
  if (arena && channels === 1) {
    // The engine program: bands of whole tile rows on this thread or the pool, padded band by
    // band — the same tile pairs as the plain path below, so the same values bit for bit.
    const program = simdFftProgram(
      spec.kernel.data,
      kh,
      kw,
      tiling.n1,
      tiling.n2,
      oh,
      ow,
      geo.paddedWidth,
      geo.pad,
      spec.border,
      exactIn32 ? 'f32' : 'f64',
    );
    const dtype = direct ? spec.dtype : 'float64';
    const threads = Math.min(options.threads ?? 1, bandCount(program));
    let res: Float32Array | Float64Array;
    if (threads > 1) {
      res = runPooled(input, program, threads, dtype) as Float32Array | Float64Array;
    } else {
      res = allocate(dtype, oh * ow) as Float32Array | Float64Array;
      const view = { data: input.data, height, width, channels };
      runProgram(arena, program, paddingSource(view, program), bandRange(0, bandCount(program)), res);
    }
    applyFixup(res, 0, oh * ow, fixup);
    if (direct) return ndarray(res, outputShape(input, oh, ow), { alpha: alphaOut });
    const out = newOut();
    storeRow(res as Float64Array, res.length, out, 0, 1, spec.dtype, spec.rounding);
    return ndarray(out, outputShape(input, oh, ow), { alpha: alphaOut });
  }
  const out = newOut();
  const jobs: CorrelationJob[] = [];
  const results: Float64Array[] = [];
  // With no padding (shape valid), a single float plane is read in place: no copy.
  const noPad = geo.pad.top + geo.pad.bottom + geo.pad.left + geo.pad.right === 0;
  const inPlace =
    noPad && channels === 1 && (input.data instanceof Float32Array || input.data instanceof Float64Array);
  for (let ch = 0; ch < channels; ch++) {
    const padded = inPlace
      ? (input.data as Float32Array | Float64Array)
      : exactIn32
        ? padPlane(planeOf(input, ch), geo.pad, spec.border, Float32Array)
        : padPlane(planeOf(input, ch), geo.pad, spec.border, Float64Array);
    if (direct) {
      jobs.push(job(padded, geo, out as Float32Array | Float64Array));
    } else {
      const res = new Float64Array(oh * ow);
      results.push(res);
      jobs.push(job(padded, geo, res));
    }
  }
  correlator().run(jobs);
  if (direct) {
    applyFixup(out as Float32Array | Float64Array, 0, oh * ow, fixup);
  } else {
    for (let ch = 0; ch < channels; ch++) {
      const res = results[ch];
      applyFixup(res, 0, res.length, fixup);
      storeRow(res, res.length, out as AnyTypedArray, ch, channels, spec.dtype, spec.rounding);
    }
  }
  return ndarray(out, outputShape(input, oh, ow), { alpha: alphaOut });
}

function job(
  padded: Float32Array | Float64Array,
  geo: Geometry,
  dst: Float32Array | Float64Array,
): CorrelationJob {
  return {
    src: { data: padded, offset: 0, stride: geo.paddedWidth },
    dst: { data: dst, offset: 0, stride: geo.outWidth },
    height: geo.outHeight,
    width: geo.outWidth,
  };
}

/** True when every value of the array is finite (FFT plans need it). */
export function allFinite(data: AnyTypedArray, range?: ValueRange): boolean {
  if (data instanceof Uint8Array || data instanceof Uint16Array) return true;
  const { lo, hi } = range ?? valueRange(data);
  return Number.isFinite(lo) && Number.isFinite(hi);
}
