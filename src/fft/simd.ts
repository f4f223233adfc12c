/**
 * The WebAssembly SIMD engine of the FFT correlator: its tile buffers live in a WebAssembly
 * memory (one arena per thread, src/engine/simd.ts) and its butterfly stages are wasm/fft.ts —
 * the plain-TypeScript stages' operations in the same order on f64x2 vectors, two lanes (two
 * rows or columns) at a time, so each stage is bit-identical to its reference. Radix-7 stages
 * and odd lane counts run the plain stages on the same memory.
 */
import type { SimdArena } from '../engine/simd.js';
import { type Butterflies, JS_BUTTERFLIES, type Stage } from './butterflies.js';
import type { TileEngine } from './correlate.js';
import type { RadixPlan } from './plan.js';

/** A TileEngine over `arena` (which it resets: one correlator per arena at a time). */
export function simdTileEngine(arena: SimdArena): TileEngine {
  const x = arena.exports;
  /** Twiddle tables (the plans' Float64Arrays) → their copies in the arena. */
  const tables = new Map<Float64Array, number>();
  const at = (t: Float64Array): number => tables.get(t)!;
  const wrap = (
    radix: number,
    dir: 'dif' | 'dit',
    run: (
      re: number,
      im: number,
      L: number,
      stride: number,
      n: number,
      m: number,
      twr: number,
      twi: number,
      s: number,
    ) => void,
  ): Stage => {
    const plain = JS_BUTTERFLIES[dir][radix];
    return (re, im, L, stride, n, m, twr, twi, s) => {
      if (L & 1 || re.buffer !== x.memory.buffer) plain(re, im, L, stride, n, m, twr, twi, s);
      else run(re.byteOffset, im.byteOffset, L, stride, n, m, at(twr), at(twi), s);
    };
  };
  const butterflies: Butterflies = {
    dif: {
      2: wrap(2, 'dif', x.fftDif2),
      3: wrap(3, 'dif', x.fftDif3),
      4: wrap(4, 'dif', x.fftDif4),
      5: wrap(5, 'dif', x.fftDif5),
      7: JS_BUTTERFLIES.dif[7],
    },
    dit: {
      2: wrap(2, 'dit', x.fftDit2),
      3: wrap(3, 'dit', x.fftDit3),
      4: wrap(4, 'dit', x.fftDit4),
      5: wrap(5, 'dit', x.fftDit5),
      7: JS_BUTTERFLIES.dit[7],
    },
  };
  return {
    butterflies,
    evenLanes: true,
    buffers(lengths: readonly number[], plans: readonly RadixPlan[]): Float64Array[] {
      arena.reset();
      tables.clear();
      const twiddles = new Set<Float64Array>();
      for (const p of plans) for (const t of [...p.twr, ...p.twiForward, ...p.twiInverse]) twiddles.add(t);
      const tPtr = [...twiddles].map((t) => arena.reserve(t.length * 8));
      const bPtr = lengths.map((n) => arena.reserve(n * 8));
      // Views only after the last reserve (growing the memory detaches earlier views).
      const buf = arena.buffer;
      [...twiddles].forEach((t, i) => {
        new Float64Array(buf, tPtr[i], t.length).set(t);
        tables.set(t, tPtr[i]);
      });
      return lengths.map((n, i) => new Float64Array(buf, bPtr[i], n).fill(0));
    },
    transposes: {
      rowsToLanes(src, srcStride, L, cols, n, s, S) {
        const run = src instanceof Float32Array ? x.fftRowsToLanesF32 : x.fftRowsToLanes;
        run(src.byteOffset, srcStride, L, cols, n, s.byteOffset, S);
      },
      lanesToRows(s, S, L, n, dst, dstStride) {
        const run = dst instanceof Float32Array ? x.fftLanesToRowsF32 : x.fftLanesToRows;
        run(s.byteOffset, S, L, n, dst.byteOffset, dstStride);
      },
    },
    multiplyStrip(zre, zim, kre, kim, zs, c0, rows, L) {
      const o = c0 * 8;
      x.fftMulStrip(
        zre.byteOffset + o,
        zim.byteOffset + o,
        kre.byteOffset + o,
        kim.byteOffset + o,
        zs,
        rows,
        L,
      );
    },
  };
}
