/**
 * Backend and thread choice for a linear spec, and the dispatch onto the SIMD loops and the
 * worker pool. The plain-TypeScript loops (src/linear/direct.ts) stay the reference and the
 * fallback: a plan takes the SIMD path only where it computes the same result (see
 * ./direct.ts for what "the same" means per dtype).
 */
import { invalidArgument } from '../core/errors.js';
import type { AnyTypedArray, DType } from '../core/dtypes.js';
import { type NDArray, imageDims, ndarray } from '../core/ndarray.js';
import { nonZeroTaps } from '../linear/direct.js';
import type { LinearSpec } from '../linear/correlate.js';
import { bandCount, bandRange } from './bands.js';
import { simdBoxProgram } from './box.js';
import { simdDirectProgram } from './direct.js';
import { type SepTerm, simdSeparableProgram } from './separable.js';
import { generatedFits } from './taps-jit.js';
import { allocateUnfilled, availableCores, env, isNode } from './platform.js';
import { type EngineProgram, runBands } from './programs.js';
import { engineMemoryInfo, heapLoops, heapScratch, inEngineMemory, releaseScratch } from './heap.js';
import { type InPlaceProgram, inPlaceScratchBytes, runsInPlace } from './inplace.js';
import { simdArena, simdRelaxed, simdStatus } from './simd.js';
import {
  poolReady,
  poolStatus,
  poolWorkers,
  runPooled,
  stagesInPlace,
  warmPool,
  warmPoolAsync,
} from './pool.js';

export type { SepTerm } from './separable.js';

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
  const fromEnv = threads === undefined ? env('CONVKIT_THREADS') : undefined;
  if (fromEnv !== undefined) threads = Number(fromEnv);
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
  readonly program?: EngineProgram;
}

/**
 * Work (output elements × taps per element, in 3×3-tap units) per thread below which a pool
 * costs more than it saves: posting a job and waking a worker costs ~0.1–0.3 ms on the 2-core
 * AMD EPYC bench machine (Node 20); one thread filters 0.5 M elements 3×3 in float32 in about
 * 0.35 ms. Two threads against one, median of 60 (session 14): 3×3 float32 0.52 M elements
 * 1.07–1.12× (slower), 0.74 M 0.90–0.99×, 1.04 M 0.85–0.93×, 2.07 M (1080p) 0.69–0.78×;
 * 1×3 float32 into `out` (the lightest work the pool takes) 1.04 M 1.11×, 2.07 M 0.79×. So
 * two threads from 1.5 M; it was 4 M before, which kept 1080p on one thread. While the pool
 * has not started, a run must be worth a worker's start-up (~50–250 ms of loading) to start
 * it. See docs/engine.md.
 */
let poolMinWork = 750_000;
const POOL_MIN_TAPS_PER_BYTE = 0.5;
const BYTES: Record<string, number> = { uint8: 1, uint16: 2, float32: 4, float64: 8 };
const POOL_START_WORK = 40_000_000;

/** Sets the pool crossover (tests use 0 to run the pool on small images); returns the old value. */
export function setPoolCrossover(work: number): number {
  const old = poolMinWork;
  poolMinWork = work;
  return old;
}

let warned = false;

/** Geometry as src/linear/correlate.ts's linearGeometry returns it. */
export interface EngineGeometry {
  pad: { top: number; bottom: number; left: number; right: number };
  paddedWidth: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Chooses backend and threads for one spec on one input. `compile` builds the SIMD program
 * (or says why the SIMD loops cannot compute this spec exactly as the reference does);
 * `tapsPerOutput` sizes the work for the thread decision.
 */
export function chooseEngine(
  input: NDArray,
  options: EngineOptions,
  alpha: 'premultiply' | 'separate',
  tapsPerOutput: number,
  compile: () => EngineProgram | string,
): EngineChoice {
  const { backend, threads } = engineOptions(options);
  if (backend === 'js') return { backend: 'js', threads: 1, note: 'plain TypeScript (asked for)' };
  const { channels } = imageDims(input);
  if (input.alpha === true && alpha === 'premultiply' && (channels === 2 || channels === 4)) {
    return { backend: 'js', threads: 1, note: 'plain TypeScript (alpha premultiplication)' };
  }
  const program = compile();
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
  const work = program.outHeight * program.ow * Math.max(1, tapsPerOutput / 9);
  const bands = bandCount(program);
  let t = Math.min(threads, bands);
  let why = '';
  // Taps per byte of input: the calling thread copies the workers' input rows and results, so
  // a pool pays only when each byte brings some arithmetic. Since workers pad their bands at
  // the staging copy's address phase (./bands.ts BandSource), it pays from under one tap per
  // byte. Measured on the 2-core bench machine, 4K, best of 15, one thread → two: 3×3 float32
  // (2.25 taps/byte) 12.4 → 10.9 ms; 1×3 float32 (0.75) 10.9 → 8.6; 3×3 uint8 RGB (9) 54.5 →
  // 29.3; box 45×45 uint8 RGB (4) 17.3 → 11.8; box 5×5 uint8 gray 5.9 → 3.8. (Before, worker
  // bands copied byte by byte: 3×3 float32 was 15.0 → 15.7 and box filters stayed on one thread.)
  const perByte = tapsPerOutput / BYTES[input.dtype];
  if (t > 1 && poolMinWork > 0 && perByte < POOL_MIN_TAPS_PER_BYTE) {
    t = 1;
    why = `; one thread: ${perByte.toFixed(1)} taps per input byte is too little work to hand to workers`;
  } else if (t > 1 && poolMinWork > 0) {
    const byWork = Math.max(1, Math.floor(work / poolMinWork));
    if (byWork < t) {
      t = byWork;
      why = `; ${t === 1 ? 'one thread' : `${t} threads`}: too small for more workers`;
    } else if (poolWorkers() < t - 1 && work < POOL_START_WORK) {
      t = 1;
      why = '; one thread: too short to be worth starting workers';
    }
  }
  if (t > 1) {
    const pool = poolStatus();
    if (!pool.available) {
      t = 1;
      why = `; one thread: ${pool.reason}`;
    }
  }
  // Workers cannot read an ordinary array: the calling thread copies its rows for them
  // (./pool.ts), into engine memory when the program runs in place.
  const staged =
    t > 1 && stagesInPlace(program, input.data)
      ? engineMemoryInfo().available
        ? '; workers filter a copy in engine memory in place'
        : '; workers filter a shared copy'
      : '';
  // Bands go to whoever is free: a worker still loading takes none (in a browser, until the
  // caller yields to its event loop; see workersReady).
  const loaded = poolReady();
  const loading =
    t > 1 && loaded < t - 1
      ? `; ${loaded} of ${t - 1} workers loaded so far${isNode ? '' : ' (await workersReady() first)'}`
      : '';
  return {
    backend: 'wasm',
    threads: t,
    note: `${describe(program)}, ${bands} bands of ${program.bandRows} rows, ${t} thread${t > 1 ? 's' : ''}${why}${staged}${loading}`,
    program,
  };
}

function describe(p: EngineProgram): string {
  if (p.kind === 'direct') {
    const loop =
      p.loop !== '3x3'
        ? (p.path === 'f32' || p.path === 'u8') && generatedFits(p.taps)
          ? `${p.taps.length}-tap register-blocked (generated for its non-zero taps)`
          : `${p.taps.length}-tap`
        : p.divisor > 0
          ? `register-blocked 3×3 integer (weights k/${p.divisor}, exact ties in float64)`
          : 'register-blocked 3×3';
    const exactness =
      p.path === 'f32' ? 'float32 sums, tolerance-guarded' : 'bit-identical to plain TypeScript';
    return `WebAssembly SIMD ${loop} loop (${exactness})`;
  }
  if (p.kind === 'separable') {
    const exactness =
      p.path === 'f32' ? 'float32 sums, tolerance-guarded' : 'bit-identical to plain TypeScript';
    return `WebAssembly SIMD column + row passes, ${p.colTerms.length} + ${p.rowTerms.length} terms (${exactness})`;
  }
  if (p.kind === 'median')
    return `WebAssembly SIMD ${p.k}×${p.k} median networks (bit-identical to plain TypeScript)`;
  if (p.kind === 'bilateral')
    return `WebAssembly SIMD bilateral, 4 pixels per step, ${p.ofs.length} offsets (bit-identical to plain TypeScript)`;
  if (p.kind === 'nlmeans')
    return `WebAssembly SIMD non-local means, exact integer sums (bit-identical to plain TypeScript)`;
  return `WebAssembly SIMD running sums (exact integers, bit-identical to plain TypeScript)`;
}

/** Chooses backend and threads for a direct correlation. */
export function chooseDirectEngine(
  input: NDArray,
  spec: LinearSpec,
  geo: EngineGeometry,
  options: EngineOptions,
): EngineChoice {
  const taps = nonZeroTaps(spec.kernel);
  return chooseEngine(input, options, spec.alpha, taps.length, () =>
    simdDirectProgram(
      taps,
      spec.kernel.rows,
      spec.kernel.cols,
      input.dtype,
      spec.dtype,
      spec.rounding,
      spec.border,
      geo,
      imageDims(input).channels,
    ),
  );
}

/**
 * Runs a compiled engine choice on the SIMD loops (this thread or the pool). Writes into
 * `out`'s data when given (the caller checked its shape and dtype) and returns `out`; an `out`
 * sharing memory with the input is filled from a result computed aside (bands read input
 * rows that earlier bands would already have overwritten).
 */
export function runEngine(input: NDArray, choice: EngineChoice, dtype: DType, out?: NDArray): NDArray {
  if (out && sharesMemory(out, input)) {
    (out.data as Float64Array).set(runEngine(input, choice, dtype).data as Float64Array);
    return out;
  }
  const program = choice.program!;
  const { height, width, channels } = imageDims(input);
  const outShape =
    input.shape.length === 1
      ? [program.ow]
      : input.shape.length === 2
        ? [program.outHeight, program.ow]
        : [program.outHeight, program.ow / channels, channels];
  // Input and `out` both in engine memory: every thread runs in place (./inplace.ts).
  const heap =
    out &&
    runsInPlace(program, input.data, out.data) &&
    inEngineMemory(input.data) &&
    inEngineMemory(out.data)
      ? heapLoops()
      : undefined;
  const bytes = heap ? inPlaceScratchBytes(program as InPlaceProgram, height, width) : 0;
  const scratch = heap ? heapScratch(bytes * choice.threads) : 0;
  const inPlace = heap && { exports: heap.exports, memory: heap.handle.memory, scratch };
  let data: AnyTypedArray;
  try {
    if (choice.threads > 1) {
      data = runPooled(
        input,
        program,
        choice.threads,
        dtype,
        out?.data,
        inPlace && { run: inPlace, heap: heap.handle, bytes },
      );
    } else {
      data = out?.data ?? allocateUnfilled(dtype, program.outHeight * program.ow);
      const view = { data: input.data, height, width, channels };
      runBands(simdArena()!, program, view, bandRange(0, bandCount(program)), data, inPlace);
    }
  } finally {
    if (heap) releaseScratch(scratch);
  }
  return (
    out ?? ndarray(data, outShape, { alpha: input.alpha === true && (channels === 2 || channels === 4) })
  );
}

/** Whether two arrays' elements share memory. */
export function sharesMemory(a: NDArray, b: NDArray): boolean {
  // Views of the engine memory taken before and after it grew have different buffers.
  if (a.data.buffer !== b.data.buffer && !(inEngineMemory(a.data) && inEngineMemory(b.data))) return false;
  const a0 = a.data.byteOffset;
  const b0 = b.data.byteOffset;
  return a0 < b0 + b.data.byteLength && b0 < a0 + a.data.byteLength;
}

/** What the engine can use here (for `convkit --version`-style diagnostics and the docs). */
export interface EngineInfo {
  /** WebAssembly SIMD loops usable (else every plan runs plain TypeScript). */
  readonly simd: boolean;
  readonly simdReason: string;
  /** The relaxed-SIMD build is loaded (fused multiply-add in the float32 loops; see docs/engine.md). */
  readonly relaxedSimd: boolean;
  /** A worker pool usable from this thread. */
  readonly pool: boolean;
  readonly poolReason: string;
  /** Workers started so far (loaded or loading). */
  readonly workers: number;
  /** Of those, the ones that have loaded and take bands (see `workersReady`). */
  readonly workersLoaded: number;
  /** Default `threads`. */
  readonly cores: number;
  /** Engine memory (engineArray) available here, why not, and its bytes in use and reserved. */
  readonly engineMemory: boolean;
  readonly engineMemoryReason: string;
  readonly engineMemoryInUse: number;
  readonly engineMemoryBytes: number;
}

/** Reports the engine's capabilities on this host. */
export function engineInfo(): EngineInfo {
  const s = simdStatus();
  const p = poolStatus();
  const m = engineMemoryInfo();
  return {
    simd: s.available,
    simdReason: s.reason,
    relaxedSimd: simdRelaxed(),
    pool: p.available,
    poolReason: p.reason,
    workers: poolWorkers(),
    workersLoaded: poolReady(),
    cores: Math.min(availableCores(), MAX_THREADS),
    engineMemory: m.available,
    engineMemoryReason: m.reason,
    engineMemoryInUse: m.bytesInUse,
    engineMemoryBytes: m.bytes,
  };
}

/**
 * Starts the worker pool ahead of time (up to `threads − 1` workers, default: one per extra
 * core) and, in Node, waits until they have loaded. Optional: runs start workers themselves
 * when an image is large enough to be worth it; a server that wants its first large filter to
 * be fast calls this at start-up. Returns the workers ready.
 *
 * In a browser it only starts them: a Web Worker's own workers load through its event loop,
 * so waiting here would block their loading too (Chromium: nothing had loaded after 10 s).
 * Await `workersReady()` there instead.
 *
 * @example
 *   startWorkers();          // Node: blocks ~50–250 ms once, then every large filter uses all cores
 */
export function startWorkers(threads?: number): number {
  const { threads: t } = engineOptions({ threads });
  if (t < 2 || !poolStatus().available) return 0;
  return isNode ? warmPool(t) : warmPool(t, 0);
}

/**
 * Starts the worker pool (as `startWorkers`) and resolves when its workers have loaded, or
 * after `timeoutMs`, with the number ready; it yields to the event loop while it waits, as a
 * browser worker must for its own workers to load. Until they have, large filters run on the
 * calling thread alone.
 *
 * @example
 *   await workersReady();    // in a browser worker, before the first timed or large filter
 */
export async function workersReady(threads?: number, timeoutMs = 20000): Promise<number> {
  const { threads: t } = engineOptions({ threads });
  if (t < 2 || !poolStatus().available) return 0;
  return warmPoolAsync(t, timeoutMs);
}

/**
 * Chooses backend and threads for a box filter by running sums (`divisor` = kh·kw when
 * normalized, else 1); the spec carries border, dtype and rounding, `geo` its geometry.
 */
export function chooseBoxEngine(
  input: NDArray,
  spec: LinearSpec,
  geo: EngineGeometry,
  options: EngineOptions,
  kh: number,
  kw: number,
  divisor: number,
): EngineChoice {
  // Running sums cost about 4 operations per element whatever the window.
  return chooseEngine(input, options, spec.alpha, 4, () =>
    simdBoxProgram(
      kh,
      kw,
      divisor,
      input.dtype,
      spec.dtype,
      spec.rounding,
      spec.border,
      geo,
      imageDims(input).channels,
    ),
  );
}

/**
 * Chooses backend and threads for the separable method: `colTerms`/`rowTerms` are the two 1-D
 * passes' terms in the plain-TypeScript loops' order (paired, zero taps left out), `chunk` the
 * terms those loops sum per pass.
 */
export function chooseSeparableEngine(
  input: NDArray,
  spec: LinearSpec,
  geo: EngineGeometry,
  options: EngineOptions,
  colTerms: readonly SepTerm[],
  rowTerms: readonly SepTerm[],
  chunk: number,
): EngineChoice {
  const taps = (colTerms.length + rowTerms.length) * 1.5;
  return chooseEngine(input, options, spec.alpha, taps, () =>
    simdSeparableProgram(
      colTerms,
      rowTerms,
      spec.kernel.rows,
      spec.kernel.cols,
      chunk,
      input.dtype,
      spec.dtype,
      spec.rounding,
      spec.border,
      geo,
      imageDims(input).channels,
    ),
  );
}
