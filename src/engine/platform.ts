/**
 * What the host offers the engine: Node (worker_threads, os) or a browser (Web Workers,
 * navigator). Node's modules come from `process.getBuiltinModule` (Node ≥ 20.16), which is
 * synchronous and invisible to browser bundlers — no top-level await, so the library stays
 * loadable with `require(esm)`. On older Node the engine runs on one thread.
 */
type NodeOs = typeof import('node:os');
type NodeWorkers = typeof import('node:worker_threads');

const proc = (
  globalThis as {
    process?: {
      versions?: { node?: string };
      env?: Record<string, string | undefined>;
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

/** Logical cores this process may use. */
export function availableCores(): number {
  if (node.os) {
    const os = node.os as NodeOs & { availableParallelism?: () => number };
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
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
