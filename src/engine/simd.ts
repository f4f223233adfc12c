/**
 * The WebAssembly SIMD loops (wasm/*.ts, built by wasm/build.mjs and embedded base64 in
 * simd.generated.ts): feature detection, one compiled module per process, one instance per
 * thread, and a scratch arena in the instance's memory.
 *
 * Embedding the binary keeps loading synchronous and free of file I/O in Node, browsers and
 * workers alike (no fetch, no bundler asset rule); it costs a third more bytes than the raw
 * binary and a base64 decode (well under a millisecond) once per process.
 *
 * Where WebAssembly or its SIMD proposal is missing (old browsers, `--jitless`, restricted
 * hosts), `simdStatus()` says why and the plans fall back to the plain-TypeScript loops.
 */
import { SIMD_RELAXED_WASM, SIMD_WASM, type SimdExports } from './simd.generated.js';
import { env } from './platform.js';

export type { SimdExports };

export interface SimdStatus {
  readonly available: boolean;
  /** Why not, when unavailable; `compiling` while an asynchronous compile is under way. */
  readonly reason: string;
}

let compiled: WebAssembly.Module | undefined;
let status: SimdStatus | undefined;
let pending: Promise<void> | undefined;

/** The bytes of a base64 text (the embedded modules). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * The relaxed-SIMD build (wasm/madd.ts: the float32 loops that are within tolerance fuse their
 * multiply-adds where the host has FMA) is used where the host validates it — Chromium since
 * 114; Node 20 only with `--experimental-wasm-relaxed-simd`. CONVKIT_RELAXED_SIMD=0 keeps the
 * default build. Every path's guarantee holds for both: bit-identical paths do not use it, and
 * the float32 guard's error bound counts two roundings per multiply-add, a fused one has one.
 */
let relaxedInUse = false;
const relaxedAllowed = env('CONVKIT_RELAXED_SIMD') !== '0';

/** Whether the loaded SIMD module is the relaxed-SIMD build. */
export function simdRelaxed(): boolean {
  return simdStatus().available && relaxedInUse;
}

/** Forcing the plain path (tests of the fallback, hosts that must not run WebAssembly). */
let disabledReason: string | undefined;
export function disableSimd(reason: string | undefined): void {
  disabledReason = reason;
}

/** Whether the SIMD loops can run here, compiling them on first use. */
export function simdStatus(): SimdStatus {
  if (disabledReason !== undefined) return { available: false, reason: disabledReason };
  if (status) return status;
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    return (status = { available: false, reason: 'this JavaScript host has no WebAssembly' });
  }
  let bytes = decodeBase64(SIMD_WASM);
  if (!WebAssembly.validate(bytes)) {
    return (status = { available: false, reason: 'this WebAssembly host lacks the SIMD (v128) proposal' });
  }
  const relaxed = relaxedAllowed ? decodeBase64(SIMD_RELAXED_WASM) : undefined;
  if (relaxed && WebAssembly.validate(relaxed)) {
    bytes = relaxed;
    relaxedInUse = true;
  }
  try {
    compiled = new WebAssembly.Module(bytes);
    return (status = { available: true, reason: '' });
  } catch (e) {
    // Browsers refuse synchronous compiles of larger modules on the main thread: compile in
    // the background; the plain path serves until `simdReady()` resolves.
    pending ??= WebAssembly.compile(bytes).then(
      (m) => {
        compiled = m;
        status = { available: true, reason: '' };
      },
      (err: unknown) => {
        status = { available: false, reason: `WebAssembly compile failed: ${String(err)}` };
      },
    );
    return { available: false, reason: `compiling (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** Resolves when the SIMD module is compiled (or known to be unavailable). */
export async function simdReady(): Promise<SimdStatus> {
  const s = simdStatus();
  if (pending) await pending;
  return status ?? s;
}

/**
 * Uses a module compiled elsewhere (a pool worker receives its parent's: the compiled and
 * optimised code is shared instead of compiled again per worker).
 */
export function adoptSimdModule(m: WebAssembly.Module, relaxed = false): void {
  relaxedInUse = relaxed;
  compiled = m;
  status = { available: true, reason: '' };
}

/** The compiled module, for workers (a WebAssembly.Module can be posted to a worker). */
export function simdModule(): WebAssembly.Module | undefined {
  return simdStatus().available ? compiled : undefined;
}

/**
 * One instance per thread with a bump arena over its memory. `reserve` grows the memory
 * when needed; views must be taken after the last `reserve` of a run (growing detaches them).
 */
export class SimdArena {
  readonly exports: SimdExports;
  private top = ARENA_BASE;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as SimdExports;
  }

  /** Frees everything reserved so far (the start of each run). */
  reset(): void {
    this.top = ARENA_BASE;
  }

  /** Reserves `bytes` (16-byte aligned) and returns the pointer. */
  reserve(bytes: number): number {
    const ptr = this.top;
    this.top = (ptr + bytes + 15) & ~15;
    const mem = this.exports.memory;
    if (this.top > mem.buffer.byteLength) {
      mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / 65536));
    }
    return ptr;
  }

  get buffer(): ArrayBuffer {
    return this.exports.memory.buffer;
  }
}

/** Below this offset lives AssemblyScript's own data and stack (none of our loops allocate). */
const ARENA_BASE = 65536;

let mainArena: SimdArena | undefined;

/** This thread's arena, or undefined where SIMD is unavailable. */
export function simdArena(): SimdArena | undefined {
  if (mainArena) return mainArena;
  const m = simdModule();
  return m ? (mainArena = new SimdArena(m)) : undefined;
}
