/**
 * A worker pool over shared memory: Node worker_threads, or Web Workers in a browser (inside a
 * worker or a cross-origin-isolated page that may block), behind one small interface.
 *
 * A pooled run: the input is visible to every thread in a SharedArrayBuffer (the caller's own
 * when it already is one, else a pool-owned staging copy, or — ordinary float32 input of a
 * program that runs in place — a copy in engine memory, through a ring of band slots for
 * direct programs, see Ring), and all
 * threads — the calling one included — claim bands of the fixed band grid from a shared
 * counter until none is left. Each band is padded with its halo rows through src/border by
 * whichever thread runs it. The calling thread blocks (Atomics.wait) until every band is
 * finished, so the public API stays synchronous.
 *
 * Workers start lazily on the first pooled run and are kept (unref'd in Node, so they never
 * hold a process open). A worker that has not started yet simply finds no band left; the run
 * never waits for start-up.
 */
import type { AnyTypedArray, DType } from '../core/dtypes.js';
import type { NDArray } from '../core/ndarray.js';
import { imageDims } from '../core/ndarray.js';
import { borderIndex } from '../border/border.js';
import { bandCount, bandRange, paddingSource } from './bands.js';
import { type EngineProgram, type InPlaceRun, runBands, runProgram } from './programs.js';
import {
  type HeapHandle,
  heapLoops,
  heapScratch,
  inEngineMemory,
  releaseScratch,
  workerHeapLoops,
} from './heap.js';
import { type InPlaceProgram, inPlaceCounts, inPlaceInput, inPlaceScratchBytes } from './inplace.js';
import { allocateUnfilled, canBlockOnSharedMemory, isNode, node, nodeWorkerSource } from './platform.js';
import { type SimdArena, simdArena, simdModule, simdRelaxed } from './simd.js';

/** Control words of a job (Int32Array over a small SharedArrayBuffer). */
export const CTRL = {
  /** Unclaimed bands [top, bottom), packed top | bottom << 16: workers take from the top, the caller from the bottom. */
  RANGE: 0,
  FINISHED: 1,
  ERROR: 2,
  ERROR_LEN: 3,
  WORKER_BANDS: 4,
  /** Input rows copied to the staging buffer so far (positions in the job's staging order). */
  STAGED: 5,
  /** In-place jobs: scratch slots taken by workers (the caller has slot 0). */
  SLOTS: 6,
  /** Bands workers computed in place (./inplace.ts), for tests. */
  IN_PLACE: 7,
  ERROR_TEXT: 8,
} as const;
const ERROR_INTS = 256;
export const CTRL_INTS = CTRL.ERROR_TEXT + ERROR_INTS;

/** What a worker needs to run its share of a job (all of it structured-cloneable). */
export interface EngineJob {
  readonly program: EngineProgram;
  readonly input: SharedView;
  readonly output: SharedView;
  readonly ctrl: SharedArrayBuffer;
  readonly bands: number;
  /**
   * When the input was copied for the workers (it was not shared already): band b may run
   * once CTRL.STAGED ≥ readyAt[b]. The caller copies rows in the order the bands need them,
   * between its own bands, so workers start at once instead of after a full copy.
   */
  readonly readyAt?: Int32Array;
  /**
   * Input and output are arrays in engine memory (./heap.ts): each thread runs the program in
   * place on its instance of the shared-memory loops, with `bytes` of scratch at
   * scratch + slot·bytes.
   */
  readonly inPlace?: { readonly heap: HeapHandle; readonly scratch: number; readonly bytes: number };
  /** An ordinary float32 input staged band by band into a ring of engine memory (see Ring). */
  readonly ring?: Ring;
}

/**
 * The ring of an ordinary float32 input on the pool (stagesInPlace). Bands go in groups of
 * `group` consecutive bands (one, unless the kernel is tall: see ringGroup). The calling thread
 * copies the padded rows of group g — its rows and halo, the border's rows included — into
 * input slot g mod `slots`; each band of the group is then a small image of its own, a window of
 * that slot. A worker filters it in place into the group's output slot (or straight into a
 * result in engine memory: `direct`), and the calling thread copies the band out; when the
 * group's bands are all out, both slots are free for group g + slots. Band b may run once
 * CTRL.STAGED (groups staged) > ⌊b / group⌋. The ring stays in the caches: the staged rows and
 * the worker's results are read back while they are still there, instead of going out to memory
 * and in again as image-sized copies do.
 */
export interface Ring {
  readonly input: number;
  readonly output: number;
  readonly slots: number;
  readonly group: number;
  /** Bytes per input and output slot (each slot has 8 spare bytes for its phase). */
  readonly inBytes: number;
  readonly outBytes: number;
  readonly direct: boolean;
  /** Byte addresses modulo 8 of the caller's input data and result. */
  readonly inPhase: number;
  readonly outPhase: number;
}

/**
 * Bands per ring slot: enough that a group's halo (kh − 1 rows, copied for every group) adds at
 * most a quarter to its rows. A 3×3 on bands of 32 rows: one band per slot; a 31×31 direct
 * kernel: four. (Measured while separable programs used the ring: W4's 81 taps on bands of 68
 * rows, one band per slot, staged 2.2 times its rows and took 58–60 ms in Chromium against
 * 51–52 for whole-image staging; five bands per slot, 51.5–52.9.)
 */
function ringGroup(prog: EngineProgram): number {
  return Math.max(1, Math.ceil((4 * (prog.kh - 1)) / prog.bandRows));
}

/**
 * Where group g's slots start: rows are placed so that the copies in and out run between
 * addresses equal modulo 8 (V8's word-wise shared copy, see bands.ts), judged by the group's
 * middle input row and first output row.
 */
function ringSlots(ring: Ring, prog: EngineProgram, height: number, rowLen: number, g: number) {
  const slot = g % ring.slots;
  const m0 = g * ring.group * prog.bandRows;
  const mid = prog.bandRows >> 1;
  const sr = Math.max(0, borderIndex(m0 + mid - prog.pad.top, height, prog.border.mode));
  const inBase = ring.input + slot * ring.inBytes;
  const outBase = ring.output + slot * ring.outBytes;
  return {
    input: inBase + ((((ring.inPhase + (sr - mid) * rowLen * 4 - inBase) % 8) + 8) % 8),
    output: outBase + ((((ring.outPhase + m0 * prog.ow * 4 - outBase) % 8) + 8) % 8),
  };
}

/** Band b of an in-place program as a program of its own over the band's padded rows. */
function bandProgram(prog: EngineProgram, rows: number): EngineProgram {
  return { ...prog, outHeight: rows, pad: { ...prog.pad, top: 0, bottom: 0 } };
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

/** Claims the next band from the top (workers) or the bottom (the caller); −1 when none is left. */
function claim(ctrl: Int32Array, fromTop: boolean): number {
  for (;;) {
    const s = Atomics.load(ctrl, CTRL.RANGE);
    const top = s & 0xffff;
    const bottom = s >>> 16;
    if (top >= bottom) return -1;
    const next = fromTop ? (top + 1) | (bottom << 16) : top | ((bottom - 1) << 16);
    if (Atomics.compareExchange(ctrl, CTRL.RANGE, s, next) === s) return fromTop ? top : bottom - 1;
  }
}

/** Blocks until CTRL.STAGED ≥ `count`. */
function waitStaged(ctrl: Int32Array, count: number): void {
  for (let st = Atomics.load(ctrl, CTRL.STAGED); st < count; st = Atomics.load(ctrl, CTRL.STAGED))
    Atomics.wait(ctrl, CTRL.STAGED, st, 100);
}

/** Marks band b finished (and counts it for tests when a worker ran it). */
function finisher(ctrl: Int32Array, inWorker: boolean): (b: number) => void {
  // Bands computed in place, those the float32 guard then sent to the padded path included.
  const inPlaceNow = () => inPlaceCounts.inPlace + inPlaceCounts.rejected;
  let inPlaceSeen = inPlaceNow();
  return (b) => {
    if (inWorker) {
      Atomics.add(ctrl, CTRL.WORKER_BANDS, 1);
      Atomics.add(ctrl, CTRL.IN_PLACE, inPlaceNow() - inPlaceSeen);
      inPlaceSeen = inPlaceNow();
    }
    Atomics.store(ctrl, CTRL_INTS + b, 1);
    Atomics.add(ctrl, CTRL.FINISHED, 1);
    Atomics.notify(ctrl, CTRL.FINISHED);
  };
}

/** A worker's share of a ring job (see Ring): each band it claims, in place, on its slots. */
function workOnRing(job: EngineJob, ring: Ring, arena: SimdArena, ctrl: Int32Array, inWorker: boolean): void {
  const { program: prog, inPlace } = job;
  const { height, width, channels } = job.input;
  const rowLen = width * channels;
  const { bandRows: R, kh, ow, outHeight } = prog;
  const run: InPlaceRun = {
    exports: workerHeapLoops(inPlace!.heap),
    memory: inPlace!.heap.memory,
    scratch: inPlace!.scratch + (Atomics.add(ctrl, CTRL.SLOTS, 1) + 1) * inPlace!.bytes,
  };
  const result = ring.direct ? viewOf(job.output) : undefined;
  const finished = finisher(ctrl, inWorker);
  for (let b = claim(ctrl, true); b >= 0; b = claim(ctrl, true)) {
    const g = Math.floor(b / ring.group);
    waitStaged(ctrl, g + 1);
    const m0 = b * R;
    const rows = Math.min(R, outHeight - m0);
    // Band b's rows within its group's slots.
    const within = (b - g * ring.group) * R;
    const at = ringSlots(ring, prog, height, rowLen, g);
    const buffer = run.memory.buffer;
    const image = {
      data: new Float32Array(buffer, at.input + within * rowLen * 4, (rows + kh - 1) * rowLen),
      height: rows + kh - 1,
      width,
      channels,
    };
    const out = result
      ? result.subarray(m0 * ow, (m0 + rows) * ow)
      : new Float32Array(buffer, at.output + within * ow * 4, rows * ow);
    runBands(arena, bandProgram(prog, rows), image, bandRange(0, 1), out, run, undefined, () => finished(b));
  }
}

/** Runs the job's bands claimed from its shared counter on this thread's arena. */
export function workOnJob(job: EngineJob, inWorker: boolean): void {
  const ctrl = new Int32Array(job.ctrl);
  try {
    const arena = simdArena();
    if (!arena) throw new Error('WebAssembly SIMD unavailable in this worker');
    if (job.ring) {
      workOnRing(job, job.ring, arena, ctrl, inWorker);
      return;
    }
    const input = viewOf(job.input);
    const view = {
      data: input,
      height: job.input.height,
      width: job.input.width,
      channels: job.input.channels,
    };
    const inPlace = job.inPlace;
    runBands(
      arena,
      job.program,
      view,
      () => {
        const b = claim(ctrl, true);
        if (b >= 0 && job.readyAt) waitStaged(ctrl, job.readyAt[b]);
        return b;
      },
      viewOf(job.output),
      inPlace && {
        exports: workerHeapLoops(inPlace.heap),
        memory: inPlace.heap.memory,
        scratch: inPlace.scratch + (Atomics.add(ctrl, CTRL.SLOTS, 1) + 1) * inPlace.bytes,
      },
      undefined,
      finisher(ctrl, inWorker),
    );
  } catch (e) {
    const text = new TextEncoder().encode(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    const n = Math.min(text.length, ERROR_INTS * 4);
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
/**
 * Node: rung after each job is posted. A worker that has just finished a job waits on it for a
 * while and takes the next job synchronously (receiveMessageOnPort) instead of through its
 * event loop, whose wake-up took up to a few ms: on a 4 ms W1 run the worker then ran a third
 * of the bands or less, not half (see worker.ts).
 */
const bell = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
let startFailure: string | undefined;

/** Workers started so far (loaded or loading). */
export function poolWorkers(): number {
  return workers.length;
}

/** Workers that have loaded. */
export function poolReady(): number {
  return ready ? Atomics.load(ready, 0) : 0;
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
    const workerData = {
      ready: ready!.buffer,
      bell: bell!.buffer,
      module: simdModule(),
      relaxed: simdRelaxed(),
    };
    // Running from TypeScript sources (tests): a worker does not inherit the parent's
    // `--import tsx` hooks, so it registers tsx itself before loading worker.ts.
    const entry = nodeWorkerSource(url.href);
    const w = url.pathname.endsWith('.ts')
      ? new node.workers!.Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true, workerData },
        )
      : new node.workers!.Worker(entry.source, { eval: entry.eval, workerData });
    w.unref();
    w.on('error', (e) => {
      startFailure = `a worker failed: ${e.message}`;
    });
    return {
      post: (job) => {
        w.postMessage(job);
        Atomics.add(bell!, 0, 1);
        Atomics.notify(bell!, 0);
      },
    };
  }
  // Literally `new Worker(new URL('./worker.js', import.meta.url), …)`: bundlers (Vite,
  // esbuild, webpack) recognise only this form and emit the worker as a chunk of its own;
  // unbundled, dist/engine/worker.js is this module's sibling. (Browsers never run the .ts
  // sources directly, so the source-tree case is Node's alone, above.)
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.postMessage({ ready: ready!.buffer, module: simdModule(), relaxed: simdRelaxed() });
  w.onerror = (e) => {
    startFailure = `a worker failed: ${e.message}`;
  };
  return { post: (job) => w.postMessage(job) };
}

function isShared(data: AnyTypedArray): boolean {
  return typeof SharedArrayBuffer === 'function' && (data.buffer as unknown) instanceof SharedArrayBuffer;
}

/**
 * Whether a pooled run of `program` on `data` stages the input into engine memory, where the
 * workers filter it in place: an ordinary (not shared) float32 input of a program that runs in
 * place (its output is float32 too), or an ordinary uint8 input of the integer 3×3 loop.
 */
export function stagesInPlace(program: EngineProgram, data: AnyTypedArray): boolean {
  return !isShared(data) && inPlaceInput(program, data);
}

function sharedView(input: NDArray, buffer: SharedArrayBuffer, byteOffset: number): SharedView {
  const { height, width, channels } = imageDims(input);
  return { buffer, byteOffset, length: input.data.length, dtype: input.dtype, height, width, channels };
}

/**
 * The order in which input rows are copied for workers taking bands from the top: band by
 * band, each band's source rows (through its border) not copied before. Returns the rows and,
 * per band, how many of them must be copied before it can run.
 */
function stagingOrder(program: EngineProgram, height: number, bands: number) {
  const seen = new Uint8Array(height);
  const rows: number[] = [];
  const readyAt = new Int32Array(bands);
  const { pad, border, kh, bandRows: R, outHeight } = program;
  for (let b = 0; b < bands; b++) {
    const r1 = Math.min(outHeight, (b + 1) * R) + kh - 1;
    for (let r = b * R; r < r1; r++) {
      const sr = borderIndex(r - pad.top, height, border.mode);
      if (sr >= 0 && !seen[sr]) {
        seen[sr] = 1;
        rows.push(sr);
      }
    }
    readyAt[b] = rows.length;
  }
  return { rows, readyAt };
}

/**
 * Slots of a ring (at least; two per thread when there are more threads): 8 bands of a 4K
 * float32 3×3 filter hold 4 MB of rows in and out, well inside the shared L3 cache.
 */
const RING_SLOTS = 8;

/** No band finished for this long while workers hold bands: the pool is considered broken. */
const STALL_MS = 60_000;

/**
 * Bands a worker may be about to need beyond the next one: copying stays this far ahead (an
 * eighth of the grid, at least two). With two bands only, the worker of a 4K 3×3 filter ran
 * a quarter of the bands, waiting for rows; with an eighth, about half.
 */
const stageAhead = (bands: number) => Math.max(2, Math.ceil(bands / 8));

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

/**
 * The last pooled run (for tests and explain): its bands, how many of them workers ran, how
 * many they computed in place (the float32 guard may send some on to the padded path), and
 * where the workers read the input: the caller's own shared buffer (`shared`), a copy in engine
 * memory (`engine`) or a pool-owned copy (`copy`).
 */
export const lastPoolRun = {
  bands: 0,
  workerBands: 0,
  workerInPlace: 0,
  input: 'shared' as 'shared' | 'engine' | 'copy',
};

/**
 * Pool-owned shared buffers, reused from run to run: a fresh 33 MB SharedArrayBuffer costs
 * ~35 ms of page faults and unmapping per run on the bench machine, a warm one nothing. They
 * are dropped after a few idle seconds. Float32 runs that can run in place (./inplace.ts) stage
 * into blocks of engine memory instead (a ring for direct programs, see Ring), which go back to
 * the engine memory's allocator when idle.
 */
const scratch: { staging?: SharedArrayBuffer; output?: SharedArrayBuffer } = {};
const engineBlocks: { staging?: HeapBlock; output?: HeapBlock } = {};
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

function sharedBuffer(key: 'staging' | 'output', bytes: number): SharedArrayBuffer {
  const have = scratch[key];
  if (have && have.byteLength >= bytes) return have;
  return (scratch[key] = new SharedArrayBuffer(Math.ceil(Math.max(bytes, 1) / 65536) * 65536));
}

/** A kept block of engine memory of at least `bytes`, at address `off`. */
function engineBlock(key: 'staging' | 'output', bytes: number): HeapBlock {
  const have = engineBlocks[key];
  if (have && have.bytes >= bytes) return have;
  if (have) releaseScratch(have.off);
  const off = heapScratch(bytes);
  return (engineBlocks[key] = { off, bytes });
}

function scheduleRelease(): void {
  if (releaseTimer) clearTimeout(releaseTimer);
  releaseTimer = setTimeout(releasePoolBuffers, 5000);
  (releaseTimer as { unref?: () => void }).unref?.();
}

/** Drops the pool's kept buffers now (they go after a few idle seconds anyway). */
export function releasePoolBuffers(): void {
  scratch.staging = undefined;
  scratch.output = undefined;
  for (const key of ['staging', 'output'] as const) {
    const block = engineBlocks[key];
    if (block) releaseScratch(block.off);
    engineBlocks[key] = undefined;
  }
}

interface HeapBlock {
  readonly off: number;
  readonly bytes: number;
}

/**
 * Runs an engine program on `threads` threads (this one and threads − 1 workers).
 *
 * Workers take bands from the top and write them to a shared output buffer; this thread copies
 * the input rows they need ahead of them (unless the input is shared already), takes bands from
 * the bottom straight from the caller's input into the result, and copies the workers' bands
 * into the result as they finish (workers write a shared `target` themselves). The result is
 * `target` when given (of the output's length and dtype), else a new ordinary typed array.
 */
export function runPooled(
  input: NDArray,
  program: EngineProgram,
  threads: number,
  outDtype: DType,
  target?: AnyTypedArray,
  inPlace?: { run: InPlaceRun; heap: HeapHandle; bytes: number },
): AnyTypedArray {
  while (workers.length < threads - 1) workers.push(spawn());
  const bands = bandCount(program);
  const n = program.outHeight * program.ow;
  const rowsOut = program.bandRows * program.ow;
  const result = target ?? allocateUnfilled(outDtype, n);
  const { height, width, channels } = imageDims(input);
  const data = input.data;
  // An ordinary input of a program that runs in place (stagesInPlace) is staged into engine
  // memory (a ring for direct float32 programs, see Ring; the whole image for separable ones and
  // the integer uint8 loop), and, unless the result is in engine memory, the workers' results
  // kept there: workers filter the staged rows where they are.
  const heap = !inPlace && stagesInPlace(program, data) ? heapLoops() : undefined;
  // A shared result (the caller's `out` on a SharedArrayBuffer): workers write into it
  // directly, and nothing is collected — except where they filter in place, which writes
  // engine memory only: a shared result elsewhere is then collected from an engine block.
  const direct = isShared(result) && (!heap || inEngineMemory(result));
  const bytesOut = n * result.BYTES_PER_ELEMENT;
  const perThread = heap ? inPlaceScratchBytes(program as InPlaceProgram, height, width) : 0;
  const rowLen = width * channels;
  const group = ringGroup(program);
  const groups = Math.ceil(bands / group);
  const slots = Math.min(groups, Math.max(RING_SLOTS, 2 * threads));
  const slotBytes = (elements: number) => ((elements * 4 + 8 + 15) >> 4) << 4;
  const inBytes = slotBytes((group * program.bandRows + program.kh - 1) * rowLen);
  const outBytes = slotBytes(group * rowsOut);
  // Direct programs stage through a ring. Separable ones are staged whole: through the ring,
  // W3 (σ = 2) gained nothing into `out` (13.3–14.7 ms against 13.6–15.1) and some processes
  // ran at 20 ms throughout, in Node and in Chromium alike.
  // (float32 only: the ring's slots hold float32 rows; the integer uint8 loop's input is staged
  // whole)
  const ringed = heap !== undefined && program.kind === 'direct' && data instanceof Float32Array;
  const blocks = heap && {
    staging: engineBlock('staging', ringed ? slots * inBytes : data.byteLength),
    output: direct ? undefined : engineBlock('output', ringed ? slots * outBytes : bytesOut),
    scratch: heapScratch(perThread * threads),
  };
  const ring: Ring | undefined =
    blocks && ringed
      ? {
          input: blocks.staging.off,
          output: blocks.output?.off ?? 0,
          slots,
          group,
          inBytes,
          outBytes,
          direct,
          inPhase: data.byteOffset % 8,
          outPhase: result.byteOffset % 8,
        }
      : undefined;
  // (after any growth of the engine memory above)
  const heapBuffer = heap?.memory.buffer();
  const output: SharedView = {
    buffer: direct
      ? (result.buffer as unknown as SharedArrayBuffer)
      : blocks
        ? heapBuffer!
        : sharedBuffer('output', bytesOut),
    byteOffset: direct ? result.byteOffset : blocks ? blocks.output!.off : 0,
    // (a ring's output slots are read band by band, not through this view)
    length: ring && !direct ? 0 : n,
    dtype: outDtype,
    height: program.outHeight,
    width: program.ow / program.channels,
    channels: program.channels,
  };
  const ctrlBuffer = new SharedArrayBuffer((CTRL_INTS + bands) * 4);
  const ctrl = new Int32Array(ctrlBuffer);
  Atomics.store(ctrl, CTRL.RANGE, bands << 16);
  // Bands copied into the result (or computed straight into it by this thread).
  const copied = new Uint8Array(bands);
  let job: EngineJob;
  let stage: (() => void) | undefined;
  // Whether this thread may take a band of its own now (always, but on the ring: below).
  let mayClaim = () => true;
  if (isShared(data)) {
    const buffer = data.buffer as unknown as SharedArrayBuffer;
    job = {
      program,
      input: sharedView(input, buffer, data.byteOffset),
      output,
      ctrl: ctrlBuffer,
      bands,
      inPlace: inPlace && { heap: inPlace.heap, scratch: inPlace.run.scratch, bytes: inPlace.bytes },
    };
  } else if (ring) {
    job = {
      program,
      // (the image's dimensions; its rows travel through the ring)
      input: { ...sharedView(input, heapBuffer!, ring.input), length: 0 },
      output,
      ctrl: ctrlBuffer,
      bands,
      inPlace: { heap: heap!.handle, scratch: blocks!.scratch, bytes: perThread },
      ring,
    };
    const { pad, border, kh, bandRows: R, outHeight } = program;
    let staged = 0;
    // Whether the bands of group g are all out of its slots (direct: finished in the result).
    const emptied = (g: number) => {
      for (let b = g * group; b < Math.min(bands, (g + 1) * group); b++)
        if (direct ? Atomics.load(ctrl, CTRL_INTS + b) !== 1 : !copied[b]) return false;
      return true;
    };
    // A band of this thread's own, padded from the caller's input, takes about twice what
    // staging and collecting a worker's band takes, and the workers may run out of staged rows
    // meanwhile: it takes one only while they have bands staged to go on with (two each, and
    // one more), or when everything is staged. (W1 into `out`: this thread ran 12 of 68 bands
    // and the worker waited 1.3–1.6 ms per run for rows; 6.0–6.3 → 5.5–5.8 ms.)
    mayClaim = () => {
      const s = Atomics.load(ctrl, CTRL.RANGE);
      return staged * group >= s >>> 16 || staged * group - (s & 0xffff) > 2 * (threads - 1);
    };
    // Copies the padded rows of the next groups into their slots, as far as slots are free.
    stage = () => {
      const bottom = Atomics.load(ctrl, CTRL.RANGE) >>> 16;
      for (; staged * group < bottom; staged++) {
        const g = staged;
        if (g >= slots && !emptied(g - slots)) break;
        const m0 = g * group * R;
        const rows = Math.min(group * R, outHeight - m0) + kh - 1;
        const slot = new Float32Array(
          heapBuffer!,
          ringSlots(ring, program, height, rowLen, g).input,
          rows * rowLen,
        );
        // Runs of consecutive rows (all but the border rows) go in one copy each.
        for (let i = 0; i < rows;) {
          const first = borderIndex(m0 + i - pad.top, height, border.mode);
          let k = 1;
          if (first < 0) slot.fill(border.cval, i * rowLen, (i + 1) * rowLen);
          else {
            while (i + k < rows && borderIndex(m0 + i + k - pad.top, height, border.mode) === first + k) k++;
            slot.set((data as Float32Array).subarray(first * rowLen, (first + k) * rowLen), i * rowLen);
          }
          i += k;
        }
        // (group by group: a worker waiting for the first group starts on it at once)
        Atomics.store(ctrl, CTRL.STAGED, g + 1);
        Atomics.notify(ctrl, CTRL.STAGED);
      }
    };
  } else {
    const order = stagingOrder(program, height, bands);
    job = {
      program,
      input: blocks
        ? sharedView(input, heapBuffer!, blocks.staging.off)
        : sharedView(input, sharedBuffer('staging', data.byteLength), 0),
      output,
      ctrl: ctrlBuffer,
      bands,
      readyAt: order.readyAt,
      inPlace: blocks && { heap: heap.handle, scratch: blocks.scratch, bytes: perThread },
    };
    const target = viewOf(job.input);
    let staged = 0;
    const ahead = stageAhead(bands);
    // Copies rows until the workers have what their next bands need.
    stage = () => {
      const s = Atomics.load(ctrl, CTRL.RANGE);
      const top = s & 0xffff;
      const last = Math.min(bands - 1, Math.max(top, Math.min(top + ahead, (s >>> 16) - 1)));
      const want = order.readyAt[last];
      if (staged >= want) return;
      // Runs of consecutive rows (all but the border rows) go in one copy each.
      while (staged < want) {
        const first = order.rows[staged];
        let rows = 1;
        while (staged + rows < want && order.rows[staged + rows] === first + rows) rows++;
        target.set((data as Float64Array).subarray(first * rowLen, (first + rows) * rowLen), first * rowLen);
        staged += rows;
      }
      Atomics.store(ctrl, CTRL.STAGED, staged);
      Atomics.notify(ctrl, CTRL.STAGED);
    };
  }
  for (let k = 0; k < threads - 1; k++) workers[k].post(job);
  const shared = viewOf(output);
  // The rows of finished band b: in the output buffer, or in its ring slot.
  const finishedRows = (b: number, o: number): AnyTypedArray => {
    const len = Math.min(n, o + rowsOut) - o;
    if (!ring) return shared.subarray(o, o + len);
    const g = Math.floor(b / group);
    const within = (b - g * group) * rowsOut * 4;
    return new Float32Array(heapBuffer!, ringSlots(ring, program, height, rowLen, g).output + within, len);
  };
  // Worker bands finish roughly top-down: copy each finished one into the result once.
  let cursor = 0;
  const collect = () => {
    if (direct) return;
    for (let b = cursor; b < bands; b++) {
      if (copied[b]) {
        if (b === cursor) cursor++;
        continue;
      }
      if (Atomics.load(ctrl, CTRL_INTS + b) !== 1) {
        if (b > cursor + 2 * threads) break;
        continue;
      }
      const o = b * rowsOut;
      result.set(finishedRows(b, o) as Float64Array, o);
      copied[b] = 1;
      if (b === cursor) cursor++;
    }
  };
  // This thread: feed and drain the workers between its own bands from the bottom, which it
  // pads straight from the caller's input and writes straight into the result.
  runBands(
    simdArena()!,
    program,
    { data, height, width, channels },
    () => {
      for (;;) {
        // (read before collecting: a band finishing after this read ends the wait below at once)
        const finished = Atomics.load(ctrl, CTRL.FINISHED);
        // (collecting first frees ring slots for the staging)
        collect();
        stage?.();
        if (!callerClaims || Atomics.load(ctrl, CTRL.ERROR) !== 0) return -1;
        if (mayClaim()) return claim(ctrl, false);
        const s = Atomics.load(ctrl, CTRL.RANGE);
        if ((s & 0xffff) >= s >>> 16) return -1;
        Atomics.wait(ctrl, CTRL.FINISHED, finished, 1);
      }
    },
    result,
    inPlace?.run,
    undefined,
    (b) => {
      copied[b] = 1;
      Atomics.add(ctrl, CTRL.FINISHED, 1);
    },
  );
  let progressAt = Date.now();
  let seen = -1;
  for (;;) {
    if (Atomics.load(ctrl, CTRL.ERROR) !== 0) {
      const len = Atomics.load(ctrl, CTRL.ERROR_LEN);
      const text = new TextDecoder().decode(new Uint8Array(ctrlBuffer, CTRL.ERROR_TEXT * 4, len).slice());
      if (blocks) releaseScratch(blocks.scratch);
      throw new Error(`convkit worker: ${text}`);
    }
    // Read before collecting: a band finishing after this read ends the wait below at once.
    const finished = Atomics.load(ctrl, CTRL.FINISHED);
    collect();
    stage?.();
    if (finished >= bands) break;
    if (finished !== seen) [seen, progressAt] = [finished, Date.now()];
    else if (Date.now() - progressAt > STALL_MS) {
      // A worker stopped (killed, or its thread died): run its unfinished bands here — a band
      // computes the same values whoever runs it — and stop using the pool.
      startFailure = `a worker stopped responding for ${STALL_MS / 1000} s`;
      const left: number[] = [];
      for (let b = 0; b < bands; b++) if (!copied[b] && Atomics.load(ctrl, CTRL_INTS + b) !== 1) left.push(b);
      runProgram(
        simdArena()!,
        program,
        paddingSource({ data, height, width, channels }, program),
        () => left.pop() ?? -1,
        result,
        undefined,
        (b) => (copied[b] = 1),
      );
      break;
    }
    Atomics.wait(ctrl, CTRL.FINISHED, finished, stage ? 1 : 1000);
  }
  cursor = 0;
  collect();
  if (blocks) releaseScratch(blocks.scratch);
  lastPoolRun.bands = bands;
  lastPoolRun.workerBands = Atomics.load(ctrl, CTRL.WORKER_BANDS);
  lastPoolRun.workerInPlace = Atomics.load(ctrl, CTRL.IN_PLACE);
  lastPoolRun.input = isShared(data) ? 'shared' : blocks ? 'engine' : 'copy';
  scheduleRelease();
  return result;
}
