/**
 * What the host offers the engine: Node (worker_threads, os) or a browser (Web Workers,
 * navigator). Node's modules come from `process.getBuiltinModule` (Node ≥ 20.16), which is
 * synchronous and invisible to browser bundlers — no top-level await, so the library stays
 * loadable with `require(esm)`. On older Node the engine runs on one thread.
 */
import { type DType, type TypedArrayFor, allocate } from '../core/dtypes.js';

type NodeOs = typeof import('node:os');
type NodeWorkers = typeof import('node:worker_threads');

const proc = (
  globalThis as {
    process?: {
      versions?: { node?: string };
      env?: Record<string, string | undefined>;
      execArgv?: string[];
      getBuiltinModule?: (id: string) => unknown;
    };
  }
).process;
export const isNode = typeof proc?.versions?.node === 'string';

function builtin<T>(id: string): T | undefined {
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

export const node: { os?: NodeOs; workers?: NodeWorkers } = isNode
  ? { os: builtin<NodeOs>('node:os'), workers: builtin<NodeWorkers>('node:worker_threads') }
  : {};

/** An environment variable (Node), or undefined. */
export function env(name: string): string | undefined {
  return proc?.env?.[name];
}

/**
 * What a Node worker is started from to load the module at `href`: its URL, or, under
 * `--input-type` (as in `node --input-type=module -e …`), evaluated code that imports it. A
 * worker inherits the process's options, and Node refuses a worker's file under `--input-type`
 * (ERR_INPUT_TYPE_NOT_ALLOWED, an option for `--eval` and standard input only): no worker
 * loaded, and `startWorkers` waited out its 10-second timeout. Evaluated code is what that
 * option is for. (Giving the worker its own `execArgv` without the option instead makes Node
 * reject any V8 option the process has, such as `--experimental-wasm-relaxed-simd`.)
 */
export function nodeWorkerSource(
  href: string,
  argv: readonly string[] = proc?.execArgv ?? [],
): { source: string | URL; eval: boolean } {
  if (!argv.some((a) => a === '--input-type' || a.startsWith('--input-type=')))
    return { source: new URL(href), eval: false };
  return { source: `import(${JSON.stringify(href)});`, eval: true };
}

let cores: { count: number; at: number } | undefined;

/**
 * Logical cores this process may use. In Node, libuv's answer is read at most once a second:
 * it reads the affinity mask and the cgroup's CPU limit on every call, and every plan asks.
 * A 3×3 float32 filter into `out` went from 16.8 to 15.1 µs per call on a 64×64 image, and
 * from 9.7 to 7.5 µs on 8×8.
 */
export function availableCores(): number {
  if (node.os) {
    const now = Date.now();
    if (cores && now - cores.at < 1000) return cores.count;
    const os = node.os as NodeOs & { availableParallelism?: () => number };
    const count = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    cores = { count, at: now };
    return count;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/**
 * Whether this thread may block on Atomics.wait (Node's main thread and every worker may;
 * a browser's main thread may not) and share memory (SharedArrayBuffer; in browsers only
 * when the page is cross-origin isolated).
 */
export function canBlockOnSharedMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  if (isNode) return true;
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean };
  return g.document === undefined && g.crossOriginIsolated !== false;
}

type BufferCtor = { allocUnsafeSlow(size: number): Uint8Array<ArrayBuffer> };
const NodeBuffer = (globalThis as { Buffer?: BufferCtor }).Buffer;
const CTORS = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

/**
 * A new array whose every element the caller is about to write (the engine's outputs): in
 * Node, from `Buffer.allocUnsafeSlow` — its own ArrayBuffer, not zero-filled — which saves
 * the allocator's memset of the whole result (~1.5 ms of CPU for a 33 MB 4K float32 output on
 * the 2-core AMD EPYC bench machine, a tenth of a SIMD 3×3 filter). Elsewhere, or below 1 MB,
 * an ordinary zeroed array.
 */
export function allocateUnfilled<D extends DType>(dtype: D, length: number): TypedArrayFor<D> {
  const C = CTORS[dtype];
  const bytes = length * C.BYTES_PER_ELEMENT;
  if (!NodeBuffer || bytes < 1 << 20) return allocate(dtype, length);
  const b = NodeBuffer.allocUnsafeSlow(bytes);
  return new C(b.buffer, b.byteOffset, length) as TypedArrayFor<D>;
}
