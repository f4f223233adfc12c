/**
 * A worker pool over shared memory: Node worker_threads, or Web Workers in a browser (inside a
 * worker or a cross-origin-isolated page that may block), behind one small interface.
 *
 * A pooled run: the input is visible to every thread in a SharedArrayBuffer (the caller's own
 * when it already is one, else a pool-owned staging copy), the output is a fresh
 * SharedArrayBuffer, and all threads — the calling one included — claim bands of the fixed
 * band grid from a shared counter until none is left. Each band is padded with its halo rows
 * through src/border by whichever thread runs it. The calling thread blocks (Atomics.wait)
 * until every band is finished, so the public API stays synchronous.
 *
 * Workers start lazily on the first pooled run and are kept (unref'd in Node, so they never
 * hold a process open). A worker that has not started yet simply finds no band left; the run
 * never waits for start-up.
 */
import type { AnyTypedArray, DType } from '../core/dtypes.js';
import type { NDArray } from '../core/ndarray.js';
import { imageDims } from '../core/ndarray.js';
import { bandCount, paddingSource } from './bands.js';
import { type EngineProgram, runProgram } from './programs.js';
import { canBlockOnSharedMemory, isNode, node } from './platform.js';
import { simdArena } from './simd.js';

/** Control words of a job (Int32Array over a small SharedArrayBuffer). */
export const CTRL = { NEXT: 0, FINISHED: 1, ERROR: 2, ERROR_LEN: 3, WORKER_BANDS: 4, ERROR_TEXT: 5 } as const;
export const CTRL_INTS = 5 + 256;

/** What a worker needs to run its share of a job (all of it structured-cloneable). */
export interface EngineJob {
  readonly program: EngineProgram;
  readonly input: SharedView;
  readonly output: SharedView;
  readonly ctrl: SharedArrayBuffer;
  readonly bands: number;
}

export interface SharedView {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly length: number;
  readonly dtype: DType;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

const CTORS = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

export function viewOf(v: SharedView): AnyTypedArray {
  return new CTORS[v.dtype](v.buffer as unknown as ArrayBuffer, v.byteOffset, v.length);
}

/** Runs the job's bands claimed from its shared counter on this thread's arena. */
export function workOnJob(job: EngineJob, inWorker: boolean): void {
  const ctrl = new Int32Array(job.ctrl);
  try {
    const arena = simdArena();
    if (!arena) throw new Error('WebAssembly SIMD unavailable in this worker');
    const input = viewOf(job.input);
    const view = {
      data: input,
      height: job.input.height,
      width: job.input.width,
      channels: job.input.channels,
    };
    runProgram(
      arena,
      job.program,
      paddingSource(view, job.program),
      () => {
        const b = Atomics.add(ctrl, CTRL.NEXT, 1);
        return b < job.bands ? b : -1;
      },
      viewOf(job.output),
      undefined,
      () => {
        if (inWorker) Atomics.add(ctrl, CTRL.WORKER_BANDS, 1);
        Atomics.add(ctrl, CTRL.FINISHED, 1);
        Atomics.notify(ctrl, CTRL.FINISHED);
      },
    );
  } catch (e) {
    const text = new TextEncoder().encode(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    const n = Math.min(text.length, (CTRL_INTS - CTRL.ERROR_TEXT) * 4);
    new Uint8Array(job.ctrl, CTRL.ERROR_TEXT * 4, n).set(text.subarray(0, n));
    Atomics.store(ctrl, CTRL.ERROR_LEN, n);
    Atomics.store(ctrl, CTRL.ERROR, 1);
    Atomics.notify(ctrl, CTRL.FINISHED);
  }
}

interface PoolWorker {
  post(job: EngineJob): void;
}

const workers: PoolWorker[] = [];
/** Workers that have started (each adds 1 when its script has loaded). */
const ready = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
let staging: SharedArrayBuffer | undefined;
let startFailure: string | undefined;

/** Workers started so far (loaded or loading). */
export function poolWorkers(): number {
  return workers.length;
}

/** Whether this thread can run a pool, and why not. */
export function poolStatus(): { available: boolean; reason: string } {
  if (startFailure) return { available: false, reason: startFailure };
  if (!canBlockOnSharedMemory()) {
    return {
      available: false,
      reason:
        'no shared memory or blocking wait here (a browser main thread, or a page that is not cross-origin isolated)',
    };
  }
  if (isNode && !node.workers)
    return { available: false, reason: 'node:worker_threads is unavailable (Node ≥ 20.16 needed)' };
  if (!isNode && typeof Worker !== 'function') return { available: false, reason: 'no Web Workers here' };
  return { available: true, reason: '' };
}

function workerUrl(): URL {
  // Under a TypeScript loader (tests) this module is worker.ts's sibling .ts; built, .js.
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
}

function spawn(): PoolWorker {
  if (isNode) {
    const url = workerUrl();
    const workerData = { ready: ready!.buffer };
    // Running from TypeScript sources (tests): a worker does not inherit the parent's
    // `--import tsx` hooks, so it registers tsx itself before loading worker.ts.
    const w = url.pathname.endsWith('.ts')
      ? new node.workers!.Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true, workerData },
        )
      : new node.workers!.Worker(url, { workerData });
    w.unref();
    w.on('error', (e) => {
      startFailure = `a worker failed: ${e.message}`;
    });
    return { post: (job) => w.postMessage(job) };
  }
  const w = new Worker(workerUrl(), { type: 'module' });
  w.postMessage({ ready: ready!.buffer });
  w.onerror = (e) => {
    startFailure = `a worker failed: ${e.message}`;
  };
  return { post: (job) => w.postMessage(job) };
}

function sharedInput(input: NDArray): SharedView {
  const { height, width, channels } = imageDims(input);
  const data = input.data;
  if (typeof SharedArrayBuffer === 'function' && (data.buffer as unknown) instanceof SharedArrayBuffer) {
    return {
      buffer: data.buffer as unknown as SharedArrayBuffer,
      byteOffset: data.byteOffset,
      length: data.length,
      dtype: input.dtype,
      height,
      width,
      channels,
    };
  }
  if (!staging || staging.byteLength < data.byteLength) {
    staging = new SharedArrayBuffer(Math.ceil(data.byteLength / 65536) * 65536);
  }
  new Uint8Array(staging, 0, data.byteLength).set(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
  return { buffer: staging, byteOffset: 0, length: data.length, dtype: input.dtype, height, width, channels };
}

/**
 * Starts workers up to `threads − 1` and blocks until they have loaded (or `timeoutMs` passed);
 * returns how many are ready. Runs never need this — bands go to whoever is free — but tests
 * and benchmarks use it to measure a warm pool.
 */
export function warmPool(threads: number, timeoutMs = 10000): number {
  while (workers.length < threads - 1) workers.push(spawn());
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = Atomics.load(ready!, 0);
    if (n >= threads - 1 || Date.now() >= until) return n;
    Atomics.wait(ready!, 0, n, Math.max(1, until - Date.now()));
  }
}

/**
 * `warmPool` that yields to the event loop while waiting: needed where workers load through
 * the caller's event loop (e.g. a TypeScript loader such as tsx in tests).
 */
export async function warmPoolAsync(threads: number, timeoutMs = 20000): Promise<number> {
  while (workers.length < threads - 1) workers.push(spawn());
  const until = Date.now() + timeoutMs;
  while (Atomics.load(ready!, 0) < threads - 1 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return Atomics.load(ready!, 0);
}

let callerClaims = true;
/** Test hook: whether the calling thread runs bands too (false makes workers run them all). */
export function setCallerClaims(on: boolean): void {
  callerClaims = on;
}

/** Bands of the last pooled run, and how many of them workers ran (for tests and explain). */
export const lastPoolRun = { bands: 0, workerBands: 0 };

/**
 * Runs an engine program on `threads` threads (this one and threads − 1 workers) and returns
 * the output, backed by a SharedArrayBuffer.
 */
export function runPooled(
  input: NDArray,
  program: EngineProgram,
  threads: number,
  outDtype: DType,
): AnyTypedArray {
  while (workers.length < threads - 1) workers.push(spawn());
  const bands = bandCount(program);
  const n = program.outHeight * program.ow;
  const bytes = n * CTORS[outDtype].BYTES_PER_ELEMENT;
  const output: SharedView = {
    buffer: new SharedArrayBuffer(bytes),
    byteOffset: 0,
    length: n,
    dtype: outDtype,
    height: program.outHeight,
    width: program.ow / program.channels,
    channels: program.channels,
  };
  const job: EngineJob = {
    program,
    input: sharedInput(input),
    output,
    ctrl: new SharedArrayBuffer(CTRL_INTS * 4),
    bands,
  };
  for (let k = 0; k < threads - 1; k++) workers[k].post(job);
  if (callerClaims) workOnJob(job, false);
  const ctrl = new Int32Array(job.ctrl);
  for (;;) {
    if (Atomics.load(ctrl, CTRL.ERROR) !== 0) {
      const len = Atomics.load(ctrl, CTRL.ERROR_LEN);
      const text = new TextDecoder().decode(new Uint8Array(job.ctrl, CTRL.ERROR_TEXT * 4, len).slice());
      throw new Error(`convkit worker: ${text}`);
    }
    const finished = Atomics.load(ctrl, CTRL.FINISHED);
    if (finished >= bands) break;
    Atomics.wait(ctrl, CTRL.FINISHED, finished, 1000);
  }
  lastPoolRun.bands = bands;
  lastPoolRun.workerBands = Atomics.load(ctrl, CTRL.WORKER_BANDS);
  return viewOf(output);
}
