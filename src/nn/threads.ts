/**
 * convkit/nn/node — conv2d, its backward pass and conv_transpose2d on several threads
 * (Node worker_threads). The batch is split into contiguous slices of images; the main
 * thread computes the first slice and worker threads the others, each running the same
 * plan code (run.ts) on arrays in shared memory. The float32 Winograd weight gradient splits
 * the output channels instead (every thread sums the whole batch in the same order, so the
 * result is bit-identical to one thread's); other weight gradients are summed per slice in
 * float64 and then added. A thread count changes speed, never the result beyond float
 * rounding of that final sum — and for forward and input gradients not at all.
 *
 * Workers are started on first use and kept (unreferenced: they never keep the process
 * alive). A Gemm installed with `setGemm` applies to the main thread only.
 *
 *   import { conv2dThreaded } from 'convkit/nn/node';
 *   const y = await conv2dThreaded(x, w, b, { padding: 1, threads: 2 });
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { invalidArgument } from '../core/errors.js';
import { nodeWorkerSource } from '../engine/platform.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import {
  type Conv2dBackwardOptions,
  type Conv2dGradients,
  floatType,
  prepareConv2d,
  prepareConv2dBackward,
  prepareConvTranspose2d,
} from './conv2d.js';
import { allFinite, biasGrad } from './direct.js';
import type { Conv2dOptions, ConvGeometry, ConvTranspose2dOptions, FloatArray } from './geometry.js';
import { addBias } from './run.js';
import { type SharedView, type Task, runTask, viewOf } from './tasks.js';
import type { PlanMethod } from './run.js';
import { imageSumsLength, sumImageSums, winogradSimdUsable } from './winograd-simd.js';
import { finishWeightGrad } from './winograd.js';

/** How many threads to use (default: the machine's available parallelism). */
export interface ThreadOptions {
  threads?: number;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: () => void; reject: (e: Error) => void }>;
}

const pool: PoolWorker[] = [];
let nextId = 1;

function startWorker(): PoolWorker {
  // Built code runs dist/nn/worker.js. Run from TypeScript sources (tsx, as the tests do),
  // the worker registers tsx itself first: loader flags do not reach a worker's entry file.
  const url = new URL('./worker.js', import.meta.url);
  const entry = nodeWorkerSource(url.href);
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(
          url.href.replace(/\.js$/, '.ts'),
        )}); });`,
        { eval: true },
      )
    : new Worker(entry.source, { eval: entry.eval });
  const pw: PoolWorker = { worker, pending: new Map() };
  worker.unref();
  worker.on('message', (m: { id: number; error?: string }) => {
    const p = pw.pending.get(m.id);
    if (!p) return;
    pw.pending.delete(m.id);
    if (pw.pending.size === 0) worker.unref();
    if (m.error) p.reject(new Error(`conv2d worker: ${m.error}`));
    else p.resolve();
  });
  const failAll = (e: Error) => {
    for (const p of pw.pending.values()) p.reject(e);
    pw.pending.clear();
    const k = pool.indexOf(pw);
    if (k >= 0) pool.splice(k, 1);
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`conv2d worker exited with code ${code}`)));
  return pw;
}

function send(pw: PoolWorker, task: Omit<Task, 'id'>): Promise<void> {
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    pw.pending.set(id, { resolve, reject });
    pw.worker.ref();
    pw.worker.postMessage({ ...task, id });
  });
}

/** Stops the worker threads (they restart on next use). */
export async function closeThreads(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((pw) => pw.worker.terminate()));
}

function threadCount(options: ThreadOptions, n: number): number {
  const t = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(t) || t < 1) invalidArgument('threads', 'an integer ≥ 1', options.threads);
  return Math.max(1, Math.min(t, n));
}

/**
 * Shared copies of ordinary inputs go into kept buffers: a fresh SharedArrayBuffer pays its
 * page faults on every call (2.9 ms to copy W12's 6.4 MB input into a fresh one on the bench
 * machine, 0.2 ms into a kept one). A call takes buffers for its duration (concurrent calls
 * take different ones) and gives them back; they are dropped after a few idle seconds.
 */
const kept: SharedArrayBuffer[] = [];
let dropTimer: ReturnType<typeof setTimeout> | undefined;

/** Buffers one call has taken, given back when it ends. */
type Held = SharedArrayBuffer[];

function take(held: Held, bytes: number): SharedArrayBuffer {
  let best = -1;
  for (let k = 0; k < kept.length; k++)
    if (kept[k].byteLength >= bytes && (best < 0 || kept[k].byteLength < kept[best].byteLength)) best = k;
  const buffer = best >= 0 ? kept.splice(best, 1)[0] : new SharedArrayBuffer(Math.max(bytes, 8));
  held.push(buffer);
  return buffer;
}

function giveBack(held: Held): void {
  kept.push(...held.splice(0));
  kept.sort((a, b) => b.byteLength - a.byteLength).splice(8);
  if (dropTimer) clearTimeout(dropTimer);
  dropTimer = setTimeout(() => kept.splice(0), 5000);
  dropTimer.unref();
}

/** `a` itself when it is on shared memory, else a copy in a kept buffer. */
function share(held: Held, a: FloatArray): SharedView {
  const dtype = a instanceof Float32Array ? 'float32' : 'float64';
  if (a.buffer instanceof SharedArrayBuffer) {
    return { buffer: a.buffer, byteOffset: a.byteOffset, length: a.length, dtype };
  }
  const view: SharedView = { buffer: take(held, a.byteLength), byteOffset: 0, length: a.length, dtype };
  viewOf(view).set(a);
  return view;
}

/** A scratch array in a kept buffer, zeroed unless every element will be written anyway. */
function sharedScratch(held: Held, dtype: 'float32' | 'float64', length: number, zeroed = true): SharedView {
  const view: SharedView = {
    buffer: take(held, length * (dtype === 'float32' ? 4 : 8)),
    byteOffset: 0,
    length,
    dtype,
  };
  if (zeroed) viewOf(view).fill(0);
  return view;
}

/** A new zeroed array on shared memory (a result handed to the caller). */
function sharedZeros(dtype: 'float32' | 'float64', length: number): SharedView {
  const bytes = dtype === 'float32' ? 4 : 8;
  return { buffer: new SharedArrayBuffer(length * bytes), byteOffset: 0, length, dtype };
}

/** Runs `f` with a list of taken buffers, giving them back when it ends. */
async function holding<T>(f: (held: Held) => Promise<T>): Promise<T> {
  const held: Held = [];
  try {
    return await f(held);
  } finally {
    giveBack(held);
  }
}

/**
 * Runs one pass over the batch in `threads` slices; `arraysFor(k)` gives slice k's arrays
 * (the weight-gradient pass gives every slice its own output).
 */
async function split(
  pass: Task['pass'],
  method: PlanMethod,
  g: ConvGeometry,
  threads: number,
  arraysFor: (k: number) => (SharedView | null)[],
  channels = false,
): Promise<void> {
  while (pool.length < threads - 1) pool.push(startWorker());
  // Images, or (channels) output channels per group in multiples of 8 (the product's panel width).
  const parts = channels ? Math.max(1, Math.min(threads, Math.ceil(g.og / 8))) : threads;
  const cut = (k: number) =>
    channels ? Math.min(g.og, Math.round((k * g.og) / parts / 8) * 8) : Math.floor((k * g.n) / parts);
  const task = (k: number): Omit<Task, 'id'> =>
    channels
      ? {
          pass,
          method,
          g,
          arrays: arraysFor(k),
          n0: 0,
          n1: g.n,
          o0: cut(k),
          o1: k + 1 === parts ? g.og : cut(k + 1),
        }
      : { pass, method, g, arrays: arraysFor(k), n0: cut(k), n1: cut(k + 1) };
  const jobs: Promise<void>[] = [];
  for (let k = 1; k < parts; k++) jobs.push(send(pool[k - 1], task(k)));
  let own: { error: unknown } | undefined;
  try {
    runTask({ id: 0, ...task(0) });
  } catch (error) {
    own = { error };
  }
  // Every job ends before the caller gives its buffers back, a failed one included.
  const failed = (await Promise.allSettled(jobs)).find((r) => r.status === 'rejected');
  if (own) throw own.error;
  if (failed) throw failed.reason;
}

/** conv2d (see conv2d.ts) on several threads. Same arguments, same result. */
export async function conv2dThreaded(
  input: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: Conv2dOptions & ThreadOptions = {},
): Promise<NDArray> {
  const { g, plan, b } = prepareConv2d(input, weight, bias, options);
  const threads = threadCount(options, g.n);
  return holding(async (held) => {
    const x = share(held, input.data as FloatArray);
    const w = share(held, weight.data as FloatArray);
    const bb = b ? share(held, b) : null;
    const y = sharedZeros(floatType(input.dtype), g.n * g.o * g.oh * g.ow);
    await split('forward', plan.method, g, threads, () => [x, w, bb, y]);
    return ndarray(viewOf(y), [g.n, g.o, g.oh, g.ow]);
  });
}

/**
 * The weight gradient of winograd-simd.ts's float32 path on `threads` threads, when its
 * per-image sums fit in MAX_IMAGE_SUMS bytes: each thread sums the tiles of its own images
 * (no transform is done twice), and this thread adds the images up in image order, in float64,
 * as one thread would — the result is bit-identical to one thread's. Returns undefined when an
 * image holds NaN or ±Infinity (the caller runs another plan) or the sums would not fit.
 */
async function weightGradByImages(
  held: Held,
  g: ConvGeometry,
  method: PlanMethod,
  threads: number,
  x: SharedView,
  gy: SharedView,
  dtype: 'float32' | 'float64',
): Promise<FloatArray | undefined> {
  const length = g.n * g.groups * imageSumsLength(g);
  if (length * 4 > MAX_IMAGE_SUMS) return undefined;
  // (read only when every image's slots were written: done[n] = 1 for all n)
  const sums = sharedScratch(held, 'float32', length, false);
  const done = sharedScratch(held, 'float64', g.n);
  await split('weightGradImages', method, g, threads, () => [x, gy, sums, done]);
  if (!(viewOf(done) as Float64Array).every((d) => d === 1)) return undefined;
  lastWeightGradSplit.by = 'images';
  const m = new Float64Array(16 * g.o * g.cg);
  sumImageSums(g, viewOf(sums) as Float32Array, m);
  const gw =
    dtype === 'float32'
      ? new Float32Array(g.o * g.cg * g.kh * g.kw)
      : new Float64Array(g.o * g.cg * g.kh * g.kw);
  finishWeightGrad(g, m, gw, 0, g.og);
  return gw;
}

/**
 * Per-image sums above this size (16·Cg·Og floats per image and group: 2 MB for W12's batch of
 * 8, 64→64) are not kept; the output channels are split between threads instead.
 */
const MAX_IMAGE_SUMS = 64 << 20;

/** How the last threaded weight gradient was split between threads (for tests). */
export const lastWeightGradSplit = { by: '' as '' | 'images' | 'channels' | 'slices' };

/** conv2dBackward (see conv2d.ts) on several threads. */
export async function conv2dBackwardThreaded(
  input: NDArray,
  weight: NDArray,
  gradOutput: NDArray,
  options: Conv2dBackwardOptions & ThreadOptions = {},
): Promise<Conv2dGradients> {
  const { g, plan } = prepareConv2dBackward(input, weight, gradOutput, options);
  const threads = threadCount(options, g.n);
  const wdtype = floatType(weight.dtype);
  return holding(async (held) => {
    const x = share(held, input.data as FloatArray);
    const w = share(held, weight.data as FloatArray);
    const gy = share(held, gradOutput.data as FloatArray);
    const out: Conv2dGradients = {};
    if (options.gradInput !== false) {
      const gx = sharedZeros(floatType(input.dtype), input.data.length);
      await split('inputGrad', plan.method, g, threads, () => [gy, w, gx]);
      out.gradInput = ndarray(viewOf(gx), input.shape);
    }
    if (options.gradWeight !== false) {
      const simd =
        plan.method === 'winograd' &&
        winogradSimdUsable(input.data as FloatArray, gradOutput.data as FloatArray);
      const byImages = simd
        ? await weightGradByImages(held, g, plan.method, threads, x, gy, wdtype)
        : undefined;
      out.gradWeight = ndarray(
        byImages ?? (await weightGradSplit(held, g, plan.method, threads, gradOutput, x, gy, wdtype, simd)),
        weight.shape,
      );
    }
    if (options.gradBias !== false) {
      const gb = wdtype === 'float32' ? new Float32Array(g.o) : new Float64Array(g.o);
      biasGrad(g, gradOutput.data as FloatArray, gb);
      out.gradBias = ndarray(gb, [g.o]);
    }
    return out;
  });
}

/**
 * The weight gradient otherwise: the float32 Winograd path with the output channels split
 * between threads (every thread sums the whole batch in the same order: bit-identical to one
 * thread), or other plans per slice of images in float64, the slices then added (equal to one
 * thread's up to the rounding of that final sum).
 */
async function weightGradSplit(
  held: Held,
  g: ConvGeometry,
  method: PlanMethod,
  threads: number,
  gradOutput: NDArray,
  x: SharedView,
  gy: SharedView,
  dtype: 'float32' | 'float64',
  simd: boolean,
): Promise<FloatArray> {
  if (simd && allFinite(gradOutput.data as FloatArray)) {
    // Each thread takes some output channels over the whole batch and checks x itself; gy is
    // checked here once, so that every thread takes the same (Winograd) path.
    const gw = sharedScratch(held, 'float64', g.o * g.cg * g.kh * g.kw);
    await split('weightGrad', method, g, threads, () => [x, gy, gw], true);
    lastWeightGradSplit.by = 'channels';
    const sum = viewOf(gw);
    return dtype === 'float32' ? Float32Array.from(sum) : Float64Array.from(sum);
  }
  const partials = Array.from({ length: threads }, () =>
    sharedScratch(held, 'float64', g.o * g.cg * g.kh * g.kw),
  );
  await split('weightGrad', method, g, threads, (k) => [x, gy, partials[k]]);
  lastWeightGradSplit.by = 'slices';
  const sum = new Float64Array(g.o * g.cg * g.kh * g.kw);
  for (const p of partials) {
    const v = viewOf(p);
    for (let i = 0; i < sum.length; i++) sum[i] += v[i];
  }
  return dtype === 'float32' ? Float32Array.from(sum) : sum;
}

/** convTranspose2d (see conv2d.ts) on several threads. */
export async function convTranspose2dThreaded(
  input: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: ConvTranspose2dOptions & ThreadOptions = {},
): Promise<NDArray> {
  const { g, plan, b } = prepareConvTranspose2d(input, weight, bias, options);
  const threads = threadCount(options, g.n);
  return holding(async (held) => {
    const x = share(held, input.data as FloatArray);
    const w = share(held, weight.data as FloatArray);
    const y = sharedZeros(floatType(input.dtype), g.n * g.c * g.h * g.w);
    await split('inputGrad', plan.method, g, threads, () => [x, w, y]);
    const data = viewOf(y);
    if (b) addBias(data, b, g.n, g.c, g.h * g.w);
    return ndarray(data, [g.n, g.c, g.h, g.w]);
  });
}
