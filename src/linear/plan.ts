/**
 * Execution plans. A spec (taps, border, anchor, dtype) says WHAT to compute; a plan says
 * HOW (method, backend, threads). A plan changes speed, never the result: every method is
 * tested against the direct plain-TypeScript path (FFT within the bound in ./fft.ts).
 *
 * `auto` asks every applicable method for a modelled time and takes the smallest. Each
 * method has an estimator (here) and an executor; a new method (e.g. `separable`) adds
 * one entry to each table. The constants come from measurements on the reference
 * machine (2-core AMD EPYC VM, Node 20.20; `node bench/fit-plan.mjs` refits them) —
 * docs/fft.md lists the measured crossovers.
 */
import { InvalidArgumentError, invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims } from '../core/ndarray.js';
import type { DType } from '../core/dtypes.js';
import type { KernelLike } from '../kernels/kernel.js';
import { separate } from '../kernels/separable.js';
import {
  type LinearOptions,
  type LinearSpec,
  linearGeometry,
  linearSpec,
  runLinear,
  runPlanes,
} from './correlate.js';
import {
  MAX_TILE_POINTS,
  type ValueRange,
  allFinite,
  chooseFftEngine,
  chooseTiling,
  fftBackend,
  fftCost,
  runLinearFft,
  valueRange,
} from './fft.js';
import { TERMS_PER_PASS, separablePlanes, termsOf } from './separable.js';
import {
  type EngineChoice,
  type EngineOptions,
  type SepTerm,
  chooseDirectEngine,
  chooseSeparableEngine,
  runEngine,
} from '../engine/backend.js';

export type Method = 'auto' | 'direct' | 'separable' | 'fft';
export const METHODS: readonly Method[] = ['auto', 'direct', 'separable', 'fft'];

export interface PlanOptions extends EngineOptions {
  /** `auto` (default) picks by a cost model; every method gives the same result. */
  method?: Method;
  /**
   * An array to write the result into (SciPy's `output=`, OpenCV's `dst`), of the result's
   * shape and dtype; it is returned. Repeated calls into one array skip allocating, and the
   * page faults of first writes to fresh memory (~12 ms for a new 33 MB result on the bench
   * machine). It may be the input itself: the result is then computed aside and copied in.
   */
  out?: NDArray;
  /** Internal: the input's value range (`valueRange(input.data)`) when the caller has scanned it already. */
  range?: ValueRange;
}

export interface LinearPlan {
  readonly method: Exclude<Method, 'auto'>;
  /** `wasm`: the WebAssembly SIMD loops (src/engine); `js`: the plain-TypeScript reference. */
  readonly backend: 'js' | 'wasm';
  /** Threads the run uses (1 = this thread only). */
  readonly threads: number;
  /** One line saying what was chosen and why (`--explain-plan`). */
  readonly reason: string;
  /** FFT tile size (method `fft`). */
  readonly tiling?: { readonly n1: number; readonly n2: number };
  /** The input's value range, scanned by the FFT estimate (internal: the run reuses it). */
  readonly range?: ValueRange;
  /** The engine's compiled program for this spec and shape (internal). */
  readonly engine?: EngineChoice;
}

/**
 * Direct-method constants (fitted with `node bench/fit-plan.mjs`, 2-core AMD EPYC VM,
 * Node 20.20): ns per non-zero tap per output for the generated loops (≤ 64 taps,
 * weights as constants; 0.6–0.9 measured for 5×5–7×7) and for the tap-pass loop (1.35–1.5
 * measured for 9×9–11×11), plus ns per output for padding, conversion and the store.
 */
export const DIRECT_COST = { generatedTap: 0.6, passTap: 1.3, perOutput: 4 };

/**
 * The SIMD direct loops (src/engine/direct.ts) on one thread, fitted with
 * `node bench/fit-direct-simd.mjs` (CPU-time minimums; 256², 512² and 1080p float32; 2-core
 * AMD EPYC VM, Node 20.20): ns per non-zero tap per output of the f32 tap loop (0.115:
 * 5×5–9×9 measured 3.4–10 ns per output), of the f32 loop whose tolerance guard fails so that
 * its bands run again in f64 (0.28: 7×7–15×15 measured 14.6–63 ns per output), plus ns per
 * output. The float64 loops (float64 data and output, uint16) keep the plain model scaled by
 * WASM_SPEEDUP for now: measured there, direct beats separable up to ~5×5 (1080p Gaussians,
 * ns per output: 5×5 direct 5.2, separable 9.4; 9×9 13.7 vs 12.5), while the scaled model
 * switches after 4×4 (the property test holds separable for dense rank-1 kernels from 5×5) —
 * left to a refit of both. The guard (an f32 error bound against 0.5e-5 of a band's largest
 * output) is predicted from the kernel alone: a non-negative kernel keeps f32 up to ~83 taps
 * (its bound is relative to the outputs); a mixed-sign kernel's bound is relative to
 * Σ|w|·max|x|, which the largest output rarely reaches — taken as kept while γ(taps)·3 ≤ 0.5e-5
 * (~27 taps: 5×5 kept, 7×7 not, on random data).
 */
export const WASM_DIRECT_COST = { f32Tap: 0.115, guardedTap: 0.28, perOutput: 0.7 };

/**
 * The SIMD separable passes on one thread, measured the same way (1080p Gaussians 3×3–31×31,
 * one thread): ns per tap (kh + kw) per output and ns per output, float32 and float64 data.
 * f32 tap scaled from the fitted 0.065 by 0.9: the f32 pass's term records and three vectors
 * per step took W3's column + row passes from 21.9 to 19.7 ms of CPU (4K, one thread, 2-core
 * AMD EPYC VM; W4's whole run 118.6 → 107.6 ms).
 */
export const WASM_SEPARABLE_COST = {
  f32: { tap: 0.058, perOutput: 1.85 },
  f64: { tap: 0.51, perOutput: 4.3 },
};

/** Whether the SIMD loops run in float64 (float64 in and out, or uint16 data). */
function f64Loop(spec: LinearSpec, inDtype: string): boolean {
  return (inDtype === 'float64' && spec.dtype === 'float64') || inDtype === 'uint16';
}

/** Modelled ns per output of the SIMD direct loop for this kernel and these dtypes. */
function wasmDirectNs(spec: LinearSpec, inDtype: string, taps: number): number {
  const c = WASM_DIRECT_COST;
  let nonNegative = true;
  for (const w of spec.kernel.data) if (w < 0) nonNegative = false;
  const gamma = (taps * 2 ** -24) / (1 - taps * 2 ** -24);
  const kept = gamma * (nonNegative ? 1 : 3) <= 0.5e-5;
  return taps * (kept ? c.f32Tap : c.guardedTap) + c.perOutput;
}

/**
 * Separable-method constants: ns per tap per output of a 1-D pass, and ns per output for
 * the two passes' padding, intermediate row and store. Measured on the same machine: a
 * Gaussian σ=2 (17 + 17 taps) on 3840×2160 float32 takes ~120 ms of CPU, ≈ 14 ns per
 * output; at 3×3 one direct pass is cheaper than two.
 */
export const SEPARABLE_COST = { tap: 0.2, perOutput: 8 };

/** A method's modelled time for a spec on an input, or a reason it does not apply. */
interface Estimate {
  readonly ms: number;
  /** Modelled one-thread ms on the SIMD engine, where the method has its own model (direct). */
  readonly wasmMs?: number;
  readonly detail: string;
  readonly tiling?: { readonly n1: number; readonly n2: number };
  readonly range?: ValueRange;
}
type Estimator = (input: NDArray, spec: LinearSpec, options: PlanOptions) => Estimate | string;

interface Shape {
  readonly outputs: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

function shapeOf(input: NDArray, spec: LinearSpec): Shape {
  const { height, width, channels } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  return {
    outputs: geo.outHeight * geo.outWidth * channels,
    channels,
    outHeight: geo.outHeight,
    outWidth: geo.outWidth,
  };
}

function nonZeroTaps(spec: LinearSpec): number {
  let n = 0;
  for (const w of spec.kernel.data) if (w !== 0) n++;
  return n;
}

const ESTIMATORS: Record<LinearPlan['method'], Estimator> = {
  direct: (input, spec) => {
    const { outputs } = shapeOf(input, spec);
    const taps = nonZeroTaps(spec);
    const perTap = taps <= 64 ? DIRECT_COST.generatedTap : DIRECT_COST.passTap;
    const ms = outputs * (taps * perTap + DIRECT_COST.perOutput) * 1e-6;
    const wasmMs = f64Loop(spec, input.dtype)
      ? undefined
      : outputs * wasmDirectNs(spec, input.dtype, taps) * 1e-6;
    return { ms, wasmMs, detail: `${taps} taps per output` };
  },
  separable: (input, spec) => {
    const { rows: kh, cols: kw } = spec.kernel;
    if (kh === 1 || kw === 1) return 'a 1-D kernel is already one pass';
    if (!separate(spec.kernel)) return 'the kernel is not rank 1';
    const { outputs } = shapeOf(input, spec);
    const ms = outputs * ((kh + kw) * SEPARABLE_COST.tap + SEPARABLE_COST.perOutput) * 1e-6;
    const c = WASM_SEPARABLE_COST.f32;
    // float64 loops keep the plain model scaled by WASM_SPEEDUP (see WASM_DIRECT_COST).
    const wasmMs = f64Loop(spec, input.dtype)
      ? undefined
      : outputs * ((kh + kw) * c.tap + c.perOutput) * 1e-6;
    return { ms, wasmMs, detail: `rank 1: ${kh} + ${kw} taps in two 1-D passes` };
  },
  // The input's finiteness and value range (a full scan: ~18 ms of CPU on 4K float32, more
  // than a SIMD 3×3 filter) are read by planLinear only when fft is asked for or modelled fastest.
  fft: (input, spec, options) => {
    const t = fftTiling(input, spec, options);
    if (!t) return `the kernel is too large for FFT tiles (over ${MAX_TILE_POINTS} points)`;
    return {
      ms: t.ms,
      detail: `${t.n1}×${t.n2} tiles (${t.tiles} tile${t.tiles === 1 ? '' : 's'}, two per complex transform)`,
      tiling: { n1: t.n1, n2: t.n2 },
    };
  },
};

const NOT_FINITE = 'the input holds NaN or ±Infinity, which a transform would spread to every output';

/**
 * An FFT estimate completed by one scan of the input: NOT_FINITE when it holds NaN or
 * ±Infinity, else the estimate with the value range the run's accuracy rules need.
 */
function withRange(input: NDArray, e: Estimate): Estimate | string {
  const range =
    input.data instanceof Uint8Array || input.data instanceof Uint16Array
      ? undefined
      : valueRange(input.data);
  return allFinite(input.data, range) ? { ...e, range } : NOT_FINITE;
}

/**
 * The FFT tiles the cost model of the plan's backend picks (undefined when none fits),
 * remembered for the last few shapes: the tile search costs ~2 ms of CPU at 4K (2-core AMD
 * EPYC VM, Node 20.20), a seventh of a SIMD 3×3 filter that would repeat it per call.
 */
const tilings = new Map<string, ReturnType<typeof chooseTiling>>();
function fftTiling(input: NDArray, spec: LinearSpec, options: PlanOptions) {
  const { outHeight, outWidth, channels } = shapeOf(input, spec);
  const { rows, cols } = spec.kernel;
  const backend = fftBackend(options).backend;
  const key = `${backend},${outHeight},${outWidth},${rows},${cols},${channels}`;
  let t = tilings.get(key);
  if (t === undefined && !tilings.has(key)) {
    t = chooseTiling(outHeight, outWidth, rows, cols, channels, fftCost(backend));
    if (tilings.size >= 16) tilings.delete(tilings.keys().next().value!);
    tilings.set(key, t);
  }
  return t;
}

type Executor = (input: NDArray, spec: LinearSpec, plan: LinearPlan) => NDArray;

const EXECUTORS: Record<LinearPlan['method'], Executor> = {
  direct: (input, spec, plan) =>
    plan.backend === 'wasm' && plan.engine
      ? runEngine(input, plan.engine, spec.dtype)
      : runLinear(input, spec),
  separable: (input, spec, plan) => {
    if (plan.backend === 'wasm' && plan.engine) return runEngine(input, plan.engine, spec.dtype);
    const factors = separate(spec.kernel);
    if (!factors) throw notRankOne(spec);
    return runPlanes(input, spec, separablePlanes(factors));
  },
  fft: (input, spec, plan) =>
    runLinearFft(input, spec, {
      tiling: plan.tiling,
      backend: plan.backend,
      threads: plan.threads,
      range: plan.range,
    }),
};

function notRankOne(spec: LinearSpec): InvalidArgumentError {
  return new InvalidArgumentError(
    'method',
    'direct, fft or auto for a kernel that is not rank 1 (separable needs h = col ⊗ row within 1e-12·max|h|)',
    'separable',
    `the ${spec.kernel.rows}×${spec.kernel.cols} kernel is not separable`,
  );
}

const ms = (t: number) => (t < 10 ? t.toFixed(1) : t.toFixed(0));

/** Chooses how to run a spec on an input of this shape. */
export function planLinear(input: NDArray, spec: LinearSpec, options: PlanOptions = {}): LinearPlan {
  const method = options.method ?? 'auto';
  if (!METHODS.includes(method)) invalidArgument('method', `one of ${METHODS.join(', ')}`, method);
  const { outHeight, outWidth, channels } = shapeOf(input, spec);
  const size = `${outHeight}×${outWidth}×${channels} output, ${spec.kernel.rows}×${spec.kernel.cols} kernel`;
  const engines = new Map<LinearPlan['method'], EngineChoice>();
  const engineFor = (m: LinearPlan['method'], est?: Estimate): EngineChoice => {
    let e = engines.get(m);
    if (!e) {
      e =
        m === 'direct'
          ? chooseDirectEngine(input, spec, linearGeometry(spec, ...heightWidth(input)), options)
          : m === 'separable'
            ? separableEngine(input, spec, options)
            : chooseFftEngine(options, channels, est?.ms ?? 0);
      engines.set(m, e);
    }
    return e;
  };
  const withEngine = (m: LinearPlan['method'], reason: string, e?: Estimate): LinearPlan => {
    const engine = engineFor(m, e);
    return {
      method: m,
      backend: engine.backend,
      threads: engine.threads,
      reason: `${reason}; ${engine.note}`,
      tiling: e?.tiling,
      range: e?.range,
      engine,
    };
  };
  /** The JS-fitted model scaled by the engine's measured speed-up and its threads. */
  const modelled = (m: LinearPlan['method'], e: Estimate): number => {
    const engine = engineFor(m, e);
    // (The FFT model has its own SIMD constants, FFT_COST_WASM; direct and separable have
    // WASM_DIRECT_COST and WASM_SEPARABLE_COST.)
    const wasm = engine.backend === 'wasm';
    const one =
      wasm && e.wasmMs !== undefined ? e.wasmMs : e.ms / (wasm && m !== 'fft' ? (WASM_SPEEDUP[m] ?? 1) : 1);
    return one / Math.max(1, engine.threads * THREAD_EFFICIENCY);
  };

  if (method === 'separable' && spec.kernel.rows > 1 && spec.kernel.cols > 1 && !separate(spec.kernel)) {
    throw notRankOne(spec);
  }
  if (method !== 'auto') {
    const guess = ESTIMATORS[method](input, spec, options);
    const e = method === 'fft' && typeof guess !== 'string' ? withRange(input, guess) : guess;
    if (typeof e === 'string') {
      // Same meaning, other method: a method choice changes speed, never the result.
      return withEngine('direct', `direct instead of ${method}: ${e} (${size})`);
    }
    return withEngine(
      method,
      `${method} (asked for): ${size}; ${e.detail}, modelled ${ms(modelled(method, e))} ms`,
      e,
    );
  }

  const estimates: { method: LinearPlan['method']; e: Estimate }[] = [];
  const skipped: string[] = [];
  for (const m of Object.keys(ESTIMATORS) as LinearPlan['method'][]) {
    const e = ESTIMATORS[m](input, spec, options);
    if (typeof e === 'string') skipped.push(`${m} not used: ${e}`);
    else estimates.push({ method: m, e: { ...e, ms: modelled(m, e) } });
  }
  estimates.sort((a, b) => a.e.ms - b.e.ms);
  if (estimates[0].method === 'fft') {
    const e = withRange(input, estimates[0].e);
    if (typeof e === 'string') {
      estimates.shift();
      skipped.push(`fft not used: ${e}`);
    } else estimates[0].e = e;
  }
  const best = estimates[0];
  const others = estimates
    .slice(1)
    .map((o) => `${o.method} ${ms(o.e.ms)} ms (${o.e.detail})`)
    .join(', ');
  const reason =
    `${best.method}: ${size}; modelled ${ms(best.e.ms)} ms (${best.e.detail})` +
    (others ? ` vs ${others}` : '') +
    (skipped.length ? `; ${skipped.join('; ')}` : '');
  return withEngine(best.method, reason, best.e);
}

function heightWidth(input: NDArray): [number, number] {
  const { height, width } = imageDims(input);
  return [height, width];
}

/**
 * How much faster the SIMD engine runs a method than the plain-TypeScript loops the model
 * constants were fitted on (one thread), and how well a second thread pays. Measured on
 * 3840×2160 float32 (2-core AMD EPYC VM, Node 20.20, load ≈ 10): direct 3×3 js 81 ms vs
 * SIMD 28 ms; separable 17+17 taps js 205 ms vs SIMD 149 ms (1 thread), 125 ms (2).
 * (Only where an estimate has no `wasmMs`: direct and separable now have their own fitted SIMD
 * models; a flat 3 over-estimated the SIMD tap loop up to 81 taps 3.5×, so `auto` picked FFT
 * at 9×9 where direct was faster.)
 */
export const WASM_SPEEDUP: Partial<Record<LinearPlan['method'], number>> = { direct: 3, separable: 2 };
export const THREAD_EFFICIENCY = 0.8;

/** The separable method's engine choice: the reference's paired terms, passed to the SIMD passes. */
function separableEngine(input: NDArray, spec: LinearSpec, options: PlanOptions): EngineChoice {
  const factors = separate(spec.kernel);
  if (!factors) return { backend: 'js', threads: 1, note: 'plain TypeScript' };
  const { height, width } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  const terms = (taps: Float64Array): SepTerm[] =>
    termsOf(taps).map((t) => ({ w: t.w, a: t.a, b: t.b, kind: t.b < 0 ? 0 : t.sign > 0 ? 1 : 2 }));
  return chooseSeparableEngine(
    input,
    spec,
    geo,
    options,
    terms(factors.col),
    terms(factors.row),
    TERMS_PER_PASS,
  );
}

/** Runs a plan; into `out` when given (checked against the result's shape and dtype). */
export function executeLinear(input: NDArray, spec: LinearSpec, plan: LinearPlan, out?: NDArray): NDArray {
  if (!out) return EXECUTORS[plan.method](input, spec, plan);
  const { outHeight, outWidth, channels } = shapeOf(input, spec);
  const rank = input.shape.length;
  checkOut(
    out,
    rank === 1 ? [outWidth] : rank === 2 ? [outHeight, outWidth] : [outHeight, outWidth, channels],
    spec.dtype,
  );
  if (plan.backend === 'wasm' && plan.engine && plan.method !== 'fft')
    return runEngine(input, plan.engine, spec.dtype, out);
  return copyInto(out, EXECUTORS[plan.method](input, spec, plan));
}

/** Throws unless `out` is an array of the given shape and dtype (the result's). */
export function checkOut(out: NDArray, shape: readonly number[], dtype: DType): void {
  checkArray(out, 'out');
  if (out.dtype !== dtype || out.shape.length !== shape.length || out.shape.some((n, i) => n !== shape[i]))
    invalidArgument(
      'out',
      `an array of shape ${shape.join('×')} and dtype ${dtype} (the result's)`,
      `shape ${out.shape.join('×')}, dtype ${out.dtype}`,
    );
}

/** Copies a computed result into `out` (checked against it) and returns `out`. */
export function copyInto(out: NDArray, result: NDArray): NDArray {
  checkOut(out, result.shape, result.dtype);
  (out.data as Float64Array).set(result.data as Float64Array);
  return out;
}

/**
 * The plan `correlate(input, kernel, options)` would run, with its reason: which method
 * (direct or fft), the modelled times, and the FFT tile size.
 *
 * @example
 *   planCorrelate(img, kernel31x31).reason;
 *   // "fft: 1080×1920×1 output, 31×31 kernel; modelled 90 ms (256×256 tiles …) vs direct 1500 ms (961 taps per output)"
 */
export function planCorrelate(input: NDArray, kernel: KernelLike, options: LinearOptions = {}): LinearPlan {
  return planLinear(input, linearSpec(input, kernel, options, false), options);
}

/** The plan `convolve(input, kernel, options)` would run (see planCorrelate). */
export function planConvolve(input: NDArray, kernel: KernelLike, options: LinearOptions = {}): LinearPlan {
  return planLinear(input, linearSpec(input, kernel, options, true), options);
}
