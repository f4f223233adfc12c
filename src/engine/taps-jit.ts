/**
 * Register-blocked tap loops generated at run time: for a float32 tap list within a 3×3
 * footprint (a 3×3 kernel with zero taps, 1×3, 3×1, 2×2 …), a small WebAssembly function
 * whose code holds exactly the kernel's non-zero taps.
 *
 * The 3×3 loop of wasm/direct.ts (`correlate3x3_u8f32`) keeps all nine weights in registers and
 * adds each loaded vector at once into every output row it reaches, four output rows per step;
 * it multiplies and adds zero taps like any other. The tap-list loop (`correlateTaps_f32`)
 * leaves zero taps out but reloads each tap's weight and offset from memory and loads every
 * source vector once per output row. A loop that is both needs code per zero pattern — 511
 * of them for 3×3 alone — so it is written here, when a program needs it: one function per
 * pattern of non-zero positions (the weights stay data, read from the tap table), compiled once
 * per thread and instantiated once per memory it runs on.
 *
 * It computes each output exactly as `correlateTaps_f32` does — the same products, added in
 * the same (row-major) order, the first tap multiplied and each further one multiply-added
 * (fused in the relaxed-SIMD build, as wasm/madd.ts) — so the two are interchangeable bit for
 * bit, and the generated function covers only the vector columns of whole groups of four
 * rows: `tapsLoopF32` runs `correlateTaps_f32` on the remaining columns and rows.
 *
 * Measured (one 4K float32 image's 68 bands of 32 rows in cache, CPU time, 2-core AMD EPYC
 * VM), W1's kernel with its two zero taps: the nine-tap 3×3 loop 3.9–4.1 ms, the tap-list
 * loop 5.0–5.2, the same loop as the 3×3 one without the two taps' products 2.8.
 *
 * Since the loops gather the float32 guard's statistics as they read (loopModule), float32
 * kernels with all nine taps run here too: the guard's separate pass over each band was the
 * larger cost (src/engine/direct.ts, where the loop is chosen).
 */
import type { Tap } from '../linear/direct.js';
import type { SimdExports } from './simd.generated.js';
import { simdRelaxed } from './simd.js';

/**
 * The tap-list loop's signature (wasm/direct.ts `correlateTaps_f32`). With `stats`, the loop
 * also adds the input values at rows [0, rows) × columns [0, width) from `src` (rows `pw`
 * apart) to the float32 guard's running statistics at that address (guardRect_f32 in
 * wasm/direct.ts), as the loop reads them.
 */
export type TapsLoop = (
  src: number,
  pw: number,
  dst: number,
  dstStride: number,
  rows: number,
  width: number,
  taps: number,
  nt: number,
  stats?: number,
) => void;

/**
 * Generated functions take the same parameters, but the eighth is C (channels), not nt, and
 * `stats` is read only by the variant that gathers statistics.
 */
type Generated = (...args: Required<Parameters<TapsLoop>>) => void;

/** Rows of outputs per step (as the 3×3 loop: each loaded vector serves up to four). */
const STEP = 4;

/** Whether a tap list gets a generated loop: non-empty, within a 3×3 footprint. */
export function generatedFits(taps: readonly Tap[]): boolean {
  return taps.length > 0 && taps.every((t) => t.i >= 0 && t.i < 3 && t.j >= 0 && t.j < 3);
}

let enabled = true;
/** Test hook: whether tapsLoopF32 uses generated loops (false: correlateTaps_f32 alone). */
export function setGeneratedLoops(on: boolean): void {
  enabled = on;
}

/** Bands (calls) this thread ran through a generated loop (tests). */
export const generatedCalls = { count: 0 };

const modules = new Map<string, WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, Variants>>();

/**
 * The float32 tap-list loop for `taps` (non-zero, row-major, C channels interleaved) on
 * `memory`, where `x` are this thread's loops on that memory: a generated register-blocked
 * loop for the vector columns of each group of four rows, `correlateTaps_f32` for the rest —
 * or `correlateTaps_f32` alone where the taps do not fit or generation is unavailable.
 */
export function tapsLoopF32(
  x: Pick<SimdExports, 'correlateTaps_f32' | 'guardRect_f32'>,
  memory: WebAssembly.Memory,
  taps: readonly Tap[],
  C: number,
): TapsLoop {
  const plain: TapsLoop = (src, pw, dst, dstStride, rows, width, table, nt, stats) => {
    x.correlateTaps_f32(src, pw, dst, dstStride, rows, width, table, nt);
    if (stats !== undefined) x.guardRect_f32(src, pw, rows, width, stats);
  };
  if (!enabled || !generatedFits(taps)) return plain;
  // (generated on the first call: a runner that never takes the tap list compiles nothing)
  let f: Variants | null | undefined;
  return (src, pw, dst, dstStride, rows, width, table, nt, stats) => {
    if (f === undefined) f = generated(memory, taps) ?? null;
    if (!f) return plain(src, pw, dst, dstStride, rows, width, table, nt, stats);
    const rows4 = rows - (rows % STEP);
    const vec = width - (width % 4);
    generatedCalls.count++;
    if (stats === undefined) f.plain(src, pw, dst, dstStride, rows4, width, table, C, 0);
    else f.gather(src, pw, dst, dstStride, rows4, width, table, C, stats);
    if (vec < width && rows4 > 0)
      plain(src + vec * 4, pw, dst + vec * 4, dstStride, rows4, width - vec, table, nt, stats);
    if (rows4 < rows)
      plain(
        src + rows4 * pw * 4,
        pw,
        dst + rows4 * dstStride * 4,
        dstStride,
        rows - rows4,
        width,
        table,
        nt,
        stats,
      );
  };
}

/** A pattern's two generated functions: without and with the guard's statistics. */
interface Variants {
  readonly plain: Generated;
  readonly gather: Generated;
}

/**
 * The last lookup: the ring (./pool.ts) runs each band as a runner call of its own, and the
 * pattern's key cost ~0.4 µs per band to build and look up.
 */
let last: { memory: WebAssembly.Memory; taps: readonly Tap[]; f: Variants | undefined } | undefined;

/** This thread's generated functions for the taps' pattern on `memory` (undefined: unavailable). */
function generated(memory: WebAssembly.Memory, taps: readonly Tap[]): Variants | undefined {
  if (last?.memory === memory && last.taps === taps) return last.f;
  const f = lookUp(memory, taps);
  last = { memory, taps, f };
  return f;
}

function lookUp(memory: WebAssembly.Memory, taps: readonly Tap[]): Variants | undefined {
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const relaxed = simdRelaxed();
  const key = `${taps.map((t) => t.i * 3 + t.j).join(',')}|${shared ? 's' : ''}${relaxed ? 'r' : ''}`;
  let byKey = instances.get(memory);
  const have = byKey?.get(key);
  if (have) return have;
  let mod = modules.get(key);
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(loopModule(taps, shared, relaxed));
    } catch {
      mod = null; // (a host that refuses to compile it: the tap-list loop serves)
    }
    modules.set(key, mod);
  }
  if (!mod) return undefined;
  let f: Variants;
  try {
    const e = new WebAssembly.Instance(mod, { e: { m: memory } }).exports;
    f = { plain: e.f as Generated, gather: e.g as Generated };
  } catch {
    return undefined;
  }
  if (!byKey) instances.set(memory, (byKey = new Map()));
  byKey.set(key, f);
  return f;
}

// ---- WebAssembly binary encoding (only what the loop needs) ----

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

/** SIMD instructions: the 0xfd prefix and the opcode as LEB128. */
const simd = (op: number) => [0xfd, ...uleb(op)];
const OP = {
  get: 0x20,
  set: 0x21,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  i32const: 0x41,
  geS: 0x4e,
  geU: 0x4f,
  add: 0x6a,
  mul: 0x6c,
  and: 0x71,
  shl: 0x74,
  v128load: 0x00,
  v128store: 0x0b,
  f32x4add: 0xe4,
  f32x4mul: 0xe6,
  relaxedMadd: 0x105,
  i32x4maxS: 0xb8,
  i32x4maxU: 0xb9,
} as const;

/**
 * The module: imports memory `e.m` (shared with a maximum where the engine memory is shared)
 * and exports `f(src, pw, dst, dstStride, rows, width, taps, C, stats)`, which writes the
 * vector columns (width rounded down to a multiple of 4) of `rows` output rows (a multiple of
 * 4), four rows per step, and `g`, which does the same and adds the input values at rows
 * [0, rows) × those columns to the guard's running statistics at `stats` (see
 * guardRect_f32 in wasm/direct.ts; `f` ignores `stats`). Weights: the tap table's splatted
 * v128s at `taps`, in the list's order.
 *
 * `g` takes each output row's own source row (r < 4 in a step) at column offset 0 from the
 * vector the step loads there anyway, and loads it for the statistics alone when no tap reads
 * it — two more operations per vector (one unsigned and one signed max) and two more v128
 * locals. Measured on W1 (4K float32, seven taps, in place on engine arrays), against the
 * separate statistics pass over each band: about 1 ms less per image on one thread and
 * 0.3–0.6 ms less on two.
 */
export function loopModule(taps: readonly Tap[], shared: boolean, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const funcs = [loopBody(taps, relaxed, false), loopBody(taps, relaxed, true)];
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 9, ...new Array<number>(9).fill(I32), 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, ...limits]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('f'), 0x00, 0, ...name('g'), 0x00, 1]),
    ...section(10, [2, ...funcs.flat()]),
  ]);
}

/** One function's body (size-prefixed): see loopModule; `gather`: the statistics too. */
function loopBody(taps: readonly Tap[], relaxed: boolean, gather: boolean): number[] {
  const nt = taps.length;
  // Locals: 9 i32 parameters, then i32 scratch, then v128s.
  const [SRC, PW, DST, DSTRIDE, ROWS, WIDTH, TAPS, C, STATS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [RS, DS, CS, CS2, VW, M, P, D, END, Q, DS2, DS3] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const I32_LOCALS = 12;
  const W0 = 9 + I32_LOCALS; // nt weights
  const X = W0 + nt;
  const A0 = X + 1; // STEP accumulators
  const [U, S] = [A0 + STEP, A0 + STEP + 1]; // the statistics' unsigned and signed maxima
  const get = (l: number) => [OP.get, ...uleb(l)];
  const set = (l: number) => [OP.set, ...uleb(l)];
  const c = (v: number) => [OP.i32const, ...sleb(v)];
  const load = (offset: number) => [...simd(OP.v128load), 0, ...uleb(offset)];
  const store = [...simd(OP.v128store), 0, 0];

  // prettier-ignore
  const code: number[] = [
    // rs = pw·4, ds = dstStride·4, cs = C·4, cs2 = 2·cs, ds2 = 2·ds, ds3 = 3·ds
    ...get(PW), ...c(2), OP.shl, ...set(RS),
    ...get(DSTRIDE), ...c(2), OP.shl, ...set(DS),
    ...get(C), ...c(2), OP.shl, ...set(CS),
    ...get(CS), ...get(CS), OP.add, ...set(CS2),
    ...get(DS), ...get(DS), OP.add, ...set(DS2),
    ...get(DS2), ...get(DS), OP.add, ...set(DS3),
    // vw = (width & ~3)·4
    ...get(WIDTH), ...c(-4), OP.and, ...c(2), OP.shl, ...set(VW),
  ];
  for (let k = 0; k < nt; k++) code.push(...get(TAPS), ...load(16 * k), ...set(W0 + k));
  if (gather) code.push(...get(STATS), ...load(0), ...set(U), ...get(STATS), ...load(16), ...set(S));
  // prettier-ignore
  code.push(
    ...c(0), ...set(M),
    OP.block, 0x40,
    OP.loop, 0x40,
    ...get(M), ...get(ROWS), OP.geS, OP.brIf, 1,
    // p = src + m·pw·4, d = dst + m·dstStride·4, end = p + vw
    ...get(SRC), ...get(M), ...get(PW), OP.mul, ...c(2), OP.shl, OP.add, ...set(P),
    ...get(DST), ...get(M), ...get(DSTRIDE), OP.mul, ...c(2), OP.shl, OP.add, ...set(D),
    ...get(P), ...get(VW), OP.add, ...set(END),
    OP.block, 0x40,
    OP.loop, 0x40,
    ...get(P), ...get(END), OP.geU, OP.brIf, 1,
    ...step(),
    ...get(P), ...c(16), OP.add, ...set(P),
    ...get(D), ...c(16), OP.add, ...set(D),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(M), ...c(STEP), OP.add, ...set(M),
    OP.br, 0,
    OP.end,
    OP.end,
  );
  // prettier-ignore
  if (gather) code.push(...get(STATS), ...get(U), ...store, ...get(STATS), ...get(S), ...simd(OP.v128store), 0, 16);
  code.push(OP.end);

  /**
   * One step: source rows r = 0 … STEP − 1 + the taps' last row, each loaded vector added at
   * once into every output row o = r − i it reaches. For each output the taps arrive in
   * row-major order (r, then j, increasing), the order correlateTaps_f32 sums in.
   */
  function step(): number[] {
    const out: number[] = [];
    const lastRow = Math.max(...taps.map((t) => t.i));
    const started = new Array<boolean>(STEP).fill(false);
    for (let r = 0; r < STEP + lastRow; r++) {
      if (r > 0) out.push(...get(Q), ...get(RS), OP.add, ...set(Q));
      else out.push(...get(P), ...set(Q));
      for (let j = 0; j < 3; j++) {
        const uses: { o: number; k: number }[] = [];
        for (let o = 0; o < STEP; o++) {
          const k = taps.findIndex((t) => t.i === r - o && t.j === j);
          if (k >= 0) uses.push({ o, k });
        }
        // (row r's vector at column offset 0, for the statistics, is loaded even if unused)
        const stat = gather && r < STEP && j === 0;
        if (uses.length === 0 && !stat) continue;
        out.push(...get(Q));
        if (j > 0) out.push(...get(j === 1 ? CS : CS2), OP.add);
        out.push(...load(0), ...set(X));
        if (stat) {
          out.push(...get(U), ...get(X), ...simd(OP.i32x4maxU), ...set(U));
          out.push(...get(S), ...get(X), ...simd(OP.i32x4maxS), ...set(S));
        }
        for (const { o, k } of uses) {
          if (!started[o]) {
            // a_o = w_k · x
            out.push(...get(W0 + k), ...get(X), ...simd(OP.f32x4mul), ...set(A0 + o));
            started[o] = true;
          } else if (relaxed) {
            // a_o = relaxed_madd(w_k, x, a_o)
            out.push(...get(W0 + k), ...get(X), ...get(A0 + o), ...simd(OP.relaxedMadd), ...set(A0 + o));
          } else {
            // a_o = a_o + w_k · x
            out.push(...get(A0 + o), ...get(W0 + k), ...get(X), ...simd(OP.f32x4mul), ...simd(OP.f32x4add));
            out.push(...set(A0 + o));
          }
        }
      }
      // Output row o is complete once its last tap row is read.
      const o = r - lastRow;
      if (o >= 0 && o < STEP) {
        out.push(...get(D));
        if (o > 0) out.push(...get([DS, DS2, DS3][o - 1]), OP.add);
        out.push(...get(A0 + o), ...store);
      }
    }
    return out;
  }

  const locals = [2, ...uleb(I32_LOCALS), I32, ...uleb(nt + 1 + STEP + (gather ? 2 : 0)), V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}
