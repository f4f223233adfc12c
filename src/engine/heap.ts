/**
 * Engine memory: one shared WebAssembly.Memory for arrays that the SIMD loops of every thread
 * read and write in place (the way opencv.js keeps Mats in its heap, or a GPU library keeps
 * tensors on the device).
 *
 * An ordinary array must be copied into a thread's WebAssembly memory band by band and each
 * result band copied out again: for a 3×3 float32 filter on a 4K image those two copies take
 * 5.4 of the one thread's 11 ms, more than OpenCV's whole 5 ms, and only the calling thread can
 * read the caller's (non-shared) array at all. An array in engine memory is where the loops are:
 * each thread instantiates the shared-memory build of the loops (wasm/build.mjs) on this one
 * memory, and a typed array's byteOffset in it is its address for the loops.
 *
 * Lifetime is explicit, as with opencv.js Mats: `engineArray` reserves, `releaseEngineArray`
 * returns the memory. WebAssembly memory never shrinks; released blocks are reused.
 */
import { type AnyTypedArray, type DType, type TypedArrayFor, isDType } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkShape, sizeOf } from '../core/ndarray.js';
import { SIMD_SHARED_RELAXED_WASM, SIMD_SHARED_WASM, type SimdExports } from './simd.generated.js';
import { decodeBase64, simdRelaxed, simdStatus } from './simd.js';

/** Below this address live the loops' own static data (as in SimdArena). */
const HEAP_BASE = 65536;
/** Blocks start on cache lines, and end 64 spare bytes before the next (vector over-reads). */
const ALIGN = 64;
const PAGE = 65536;
const CTORS = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

/** The loops on the engine memory (one instance per thread). */
export type HeapExports = Omit<SimdExports, 'memory'>;

/** What a worker needs to run loops on the engine memory (structured-cloneable). */
export interface HeapHandle {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

interface Hole {
  off: number;
  size: number;
}

class EngineMemory {
  readonly memory: WebAssembly.Memory;
  /** Every SharedArrayBuffer this memory has shown (a new one after each growth). */
  private readonly buffers = new WeakSet<object>();
  /** Live blocks by address: size and the typed array handed out for it. */
  private readonly used = new Map<number, { size: number; owner?: AnyTypedArray }>();
  private holes: Hole[] = [];
  private top = HEAP_BASE;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** The memory's current buffer (recorded as one of ours). */
  buffer(): SharedArrayBuffer {
    const b = this.memory.buffer as unknown as SharedArrayBuffer;
    this.buffers.add(b);
    return b;
  }

  /** Whether a typed array's elements lie in this memory. */
  holds(a: AnyTypedArray): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Reserves `bytes` (first fit among released blocks, else at the top); returns the address. */
  alloc(bytes: number, owner?: AnyTypedArray): number {
    const size = Math.ceil((Math.max(bytes, 1) + ALIGN) / ALIGN) * ALIGN;
    let off = -1;
    const i = this.holes.findIndex((h) => h.size >= size);
    if (i >= 0) {
      const h = this.holes[i];
      off = h.off;
      if (h.size === size) this.holes.splice(i, 1);
      else [h.off, h.size] = [h.off + size, h.size - size];
    } else {
      off = this.top;
      const end = off + size;
      const have = this.memory.buffer.byteLength;
      if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
      this.top = end;
    }
    this.used.set(off, { size, owner });
    return off;
  }

  /** Records which typed array owns the block at `off` (releaseEngineArray checks it). */
  own(off: number, owner: AnyTypedArray): void {
    this.used.get(off)!.owner = owner;
  }

  /** Returns a block; false when `off` is not a live block (or `owner` is not its array). */
  release(off: number, owner?: AnyTypedArray): boolean {
    const block = this.used.get(off);
    if (!block || (owner && block.owner !== owner)) return false;
    this.used.delete(off);
    const end = off + block.size;
    // Merge with the neighbouring holes; a hole reaching the top lowers the top.
    const before = this.holes.find((h) => h.off + h.size === off);
    const after = this.holes.find((h) => h.off === end);
    let hole: Hole = { off, size: block.size };
    if (before) {
      before.size += block.size;
      hole = before;
    } else this.holes.push(hole);
    if (after) {
      hole.size += after.size;
      this.holes.splice(this.holes.indexOf(after), 1);
    }
    if (hole.off + hole.size === this.top) {
      this.top = hole.off;
      this.holes.splice(this.holes.indexOf(hole), 1);
    }
    return true;
  }

  /** Bytes in live blocks. */
  inUse(): number {
    let n = 0;
    for (const b of this.used.values()) n += b.size;
    return n;
  }
}

let engineMemory: EngineMemory | undefined;
let memoryFailure: string | undefined;

/**
 * The engine memory, created on first use; undefined where shared WebAssembly memory is
 * unavailable (no SharedArrayBuffer: a page that is not cross-origin isolated).
 */
function theMemory(): EngineMemory | undefined {
  if (engineMemory || memoryFailure !== undefined) return engineMemory;
  if (typeof SharedArrayBuffer !== 'function' || typeof WebAssembly !== 'object') {
    memoryFailure = 'no shared memory here (SharedArrayBuffer needs a cross-origin-isolated page)';
    return undefined;
  }
  // 4 GiB of address space where the host grants it, else 1 GiB (32-bit or constrained hosts).
  for (const maximum of [65536, 16384]) {
    try {
      engineMemory = new EngineMemory(new WebAssembly.Memory({ initial: 2, maximum, shared: true }));
      return engineMemory;
    } catch (e) {
      memoryFailure = `shared WebAssembly memory unavailable (${e instanceof Error ? e.message : String(e)})`;
    }
  }
  return undefined;
}

let heapModule: WebAssembly.Module | undefined;
let heapModuleFailure: string | undefined;
let heapModulePending: Promise<void> | undefined;

/** The shared-memory build of the loops, compiled on first use (same build choice as simd.ts). */
function theModule(): WebAssembly.Module | undefined {
  if (heapModule || heapModuleFailure !== undefined || heapModulePending) return heapModule;
  if (!simdStatus().available) return undefined;
  const bytes = decodeBase64(simdRelaxed() ? SIMD_SHARED_RELAXED_WASM : SIMD_SHARED_WASM);
  try {
    heapModule = new WebAssembly.Module(bytes);
  } catch {
    // A browser's main thread refuses synchronous compiles of larger modules: compile in the
    // background; until then engine arrays run through the padded-band loops.
    heapModulePending = WebAssembly.compile(bytes).then(
      (m) => void (heapModule = m),
      (e: unknown) => void (heapModuleFailure = String(e)),
    );
  }
  return heapModule;
}

let mainExports: HeapExports | undefined;
let workerInstance: { memory: WebAssembly.Memory; exports: HeapExports } | undefined;

/**
 * This thread's loops on the engine memory, for in-place runs; undefined while they cannot run
 * here (no engine memory, no SIMD, or still compiling).
 */
export function heapLoops(): { exports: HeapExports; memory: EngineMemory; handle: HeapHandle } | undefined {
  const memory = theMemory();
  const module = memory && theModule();
  if (!memory || !module) return undefined;
  mainExports ??= new WebAssembly.Instance(module, { env: { memory: memory.memory } })
    .exports as unknown as HeapExports;
  return { exports: mainExports, memory, handle: { memory: memory.memory, module } };
}

/** A worker's loops on the engine memory its jobs name (instantiated once per worker). */
export function workerHeapLoops(handle: HeapHandle): HeapExports {
  if (!workerInstance) {
    const exports = new WebAssembly.Instance(handle.module, { env: { memory: handle.memory } })
      .exports as unknown as HeapExports;
    workerInstance = { memory: handle.memory, exports };
  }
  return workerInstance.exports;
}

/** Whether an array's data lies in engine memory. */
export function inEngineMemory(data: AnyTypedArray): boolean {
  return engineMemory !== undefined && engineMemory.holds(data);
}

/** Reserves `bytes` of engine memory for a run's scratch (the caller releases it). */
export function heapScratch(bytes: number): number {
  return theMemory()!.alloc(bytes);
}

export function releaseScratch(off: number): void {
  engineMemory?.release(off);
}

/**
 * A zero-filled array in engine memory, where the engine's loops read and write it in place
 * on every thread — no copies in or out. Filters whose input and `out` are both engine arrays
 * run fastest (see docs/engine.md for which). Release it with `releaseEngineArray` when done;
 * until then its memory stays reserved. Where engine memory is unavailable (a page that is
 * not cross-origin isolated), an ordinary zero-filled array.
 *
 * @example
 *   const img = engineArray([2160, 3840], 'float32');
 *   img.data.set(pixels);
 *   const out = engineArray([2160, 3840], 'float32');
 *   correlate(img, kernel, { out });   // in place, on every core
 *   releaseEngineArray(img);
 */
export function engineArray<D extends DType = 'float32'>(
  shape: readonly number[],
  dtype: D = 'float32' as D,
): NDArray<TypedArrayFor<D>> {
  checkShape(shape);
  if (!isDType(dtype)) invalidArgument('dtype', 'uint8, uint16, float32 or float64', dtype);
  const n = sizeOf(shape);
  const C = CTORS[dtype];
  const memory = theMemory();
  let data: TypedArrayFor<D>;
  if (!memory) data = new C(n) as TypedArrayFor<D>;
  else {
    const off = memory.alloc(n * C.BYTES_PER_ELEMENT);
    data = new C(memory.buffer() as unknown as ArrayBuffer, off, n) as TypedArrayFor<D>;
    data.fill(0);
    memory.own(off, data);
  }
  return { data, shape: [...shape], dtype };
}

/**
 * Returns an engine array's memory for reuse; its data must not be used afterwards. False
 * (and nothing happens) for an array that is not a live engine array — an ordinary array,
 * a view into one, or one released already.
 */
export function releaseEngineArray(array: NDArray): boolean {
  const data = array?.data;
  if (!engineMemory || !ArrayBuffer.isView(data) || !engineMemory.holds(data)) return false;
  return engineMemory.release(data.byteOffset, data);
}

/** Engine memory in use and reserved, in bytes, for engineInfo(). */
export function engineMemoryInfo(): {
  available: boolean;
  reason: string;
  bytesInUse: number;
  bytes: number;
} {
  const memory = theMemory();
  return {
    available: memory !== undefined,
    reason: memoryFailure && !memory ? memoryFailure : '',
    bytesInUse: memory?.inUse() ?? 0,
    bytes: memory?.memory.buffer.byteLength ?? 0,
  };
}
