/**
 * Backend and thread choice for a linear spec, and the dispatch onto the SIMD loops and the
 * worker pool. The plain-TypeScript loops (src/linear/direct.ts) stay the reference and the
 * fallback: a plan takes the SIMD path only where it computes the same result (see
 * ./direct.ts for what "the same" means per dtype).
 */
import { invalidArgument } from '../core/errors.js';
import { allocate } from '../core/dtypes.js';
import { type NDArray, imageDims, ndarray } from '../core/ndarray.js';
import { nonZeroTaps } from '../linear/direct.js';
import type { LinearSpec } from '../linear/correlate.js';
import {
  type SimdDirectProgram,
  bandCount,
  bandRange,
  paddingSource,
  runDirectBands,
  simdDirectProgram,
} from './direct.js';
import { availableCores, env } from './platform.js';
import { simdArena, simdStatus } from './simd.js';
import { poolStatus, runDirectPooled } from './pool.js';

export type Backend = 'auto' | 'js' | 'wasm';
export const BACKENDS: readonly Backend[] = ['auto', 'js', 'wasm'];

/** The largest `threads` accepted: more workers than this only add start-up and memory cost. */
export const MAX_THREADS = 64;

export interface EngineOptions {
  /**
   * `auto` (default): the WebAssembly SIMD loops where they cover the spec, else plain
   * TypeScript; `js`: always plain TypeScript (the reference); `wasm`: SIMD wherever it can
   * run (otherwise plain TypeScript, and the plan says why). The environment variable
   * CONVKIT_BACKEND sets the default.
   */
  backend?: Backend;
  /**
   * Threads to use (default: the available cores, or CONVKIT_THREADS). Small images run on
   * one thread whatever this says: below the crossover a pool costs more than it saves.
   * The result is bit-identical for any thread count.
   */
  threads?: number;
}

/** Validates the engine options; returns the backend and the thread limit. */
export function engineOptions(options: EngineOptions): { backend: Backend; threads: number } {
  const backend = options.backend ?? (env('CONVKIT_BACKEND') as Backend | undefined) ?? 'auto';
  if (!BACKENDS.includes(backend)) invalidArgument('backend', BACKENDS.join(', '), backend);
  let threads: unknown = options.threads;
  if (threads === undefined && env('CONVKIT_THREADS') !== undefined) threads = Number(env('CONVKIT_THREADS'));
  if (threads === undefined) threads = Math.min(availableCores(), MAX_THREADS);
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    invalidArgument('threads', `an integer from 1 to ${MAX_THREADS}`, threads);
  }
  return { backend, threads };
}

/** What the engine will do for one spec on one input shape. */
export interface EngineChoice {
  readonly backend: 'js' | 'wasm';
  readonly threads: number;
  /** Why, in a few words, for `--explain-plan`. */
  readonly note: string;
  readonly program?: SimdDirectProgram;
}

/**
 * Output elements per extra thread below which a pool costs more than it saves. Measured on
 * the 2-core AMD EPYC bench machine (Node 20): a 3×3 float32 filter breaks even near 0.5 M
 * output elements per thread (posting a job and waking a worker costs ~0.1–0.3 ms), a 45-tap
 * kernel near a quarter of that. See docs/engine.md.
 */
let poolMinWork = 2_000_000;

/** Sets the pool crossover (tests use 0 to run the pool on small images); returns the old value. */
export function setPoolCrossover(work: number): number {
  const old = poolMinWork;
  poolMinWork = work;
  return old;
}

let warned = false;

/** Chooses backend and threads for a direct correlation. */
export function chooseDirectEngine(
  input: NDArray,
  spec: LinearSpec,
  geo: {
    pad: { top: number; bottom: number; left: number; right: number };
    paddedWidth: number;
    outHeight: number;
    outWidth: number;
  },
  options: EngineOptions,
): EngineChoice {
  const { backend, threads } = engineOptions(options);
  if (backend === 'js') return { backend: 'js', threads: 1, note: 'plain TypeScript (asked for)' };
  const { channels } = imageDims(input);
  if (input.alpha === true && spec.alpha === 'premultiply' && (channels === 2 || channels === 4)) {
    return { backend: 'js', threads: 1, note: 'plain TypeScript (alpha premultiplication)' };
  }
  const program = simdDirectProgram(
    nonZeroTaps(spec.kernel),
    spec.kernel.rows,
    spec.kernel.cols,
    input.dtype,
    spec.dtype,
    spec.rounding,
    spec.border,
    geo,
    channels,
  );
  if (typeof program === 'string') return { backend: 'js', threads: 1, note: `plain TypeScript: ${program}` };
  const status = simdStatus();
  if (!status.available) {
    if (!warned && !status.reason.startsWith('compiling')) {
      warned = true;
      console.warn(
        `convkit: WebAssembly SIMD unavailable (${status.reason}); using the plain TypeScript loops`,
      );
    }
    return {
      backend: 'js',
      threads: 1,
      note: `plain TypeScript: WebAssembly SIMD unavailable (${status.reason})`,
    };
  }
  const work = geo.outHeight * geo.outWidth * channels * Math.max(1, program.taps.length / 9);
  const bands = bandCount(program);
  let t = Math.min(threads, bands, poolMinWork === 0 ? threads : Math.max(1, Math.floor(work / poolMinWork)));
  let why = '';
  if (t > 1) {
    const pool = poolStatus();
    if (!pool.available) {
      t = 1;
      why = `; one thread: ${pool.reason}`;
    }
  } else if (threads > 1) {
    why = '; one thread: too small for a worker pool';
  }
  const loop = program.loop === '3x3' ? 'register-blocked 3×3' : `${program.taps.length}-tap`;
  const exactness =
    program.path === 'f32' ? 'float32 sums, tolerance-guarded' : 'bit-identical to plain TypeScript';
  return {
    backend: 'wasm',
    threads: t,
    note: `WebAssembly SIMD ${loop} loop (${exactness}), ${bands} bands of ${program.bandRows} rows, ${t} thread${t > 1 ? 's' : ''}${why}`,
    program,
  };
}

/** Runs a direct correlation on the SIMD loops (one thread or the pool). */
export function runDirectEngine(input: NDArray, spec: LinearSpec, choice: EngineChoice): NDArray {
  const program = choice.program!;
  const { channels } = imageDims(input);
  const outShape =
    input.shape.length === 1
      ? [program.ow]
      : input.shape.length === 2
        ? [program.outHeight, program.ow]
        : [program.outHeight, program.ow / channels, channels];
  const n = program.outHeight * program.ow;
  let out;
  if (choice.threads > 1) {
    out = runDirectPooled(input, program, choice.threads, spec.dtype);
  } else {
    out = allocate(spec.dtype, n);
    const view = {
      data: input.data,
      height: imageDims(input).height,
      width: imageDims(input).width,
      channels,
    };
    runDirectBands(
      simdArena()!,
      program,
      paddingSource(view, program),
      bandRange(0, bandCount(program)),
      out,
    );
  }
  return ndarray(out, outShape, { alpha: input.alpha === true && (channels === 2 || channels === 4) });
}
