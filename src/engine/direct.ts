/**
 * Direct 2-D correlation on the WebAssembly SIMD loops, band by band.
 *
 * A spec on an input shape is compiled once into a `SimdDirectProgram`; `runDirectBands` then
 * runs any range of its bands. Bands are a fixed grid of `bandRows` output rows from row 0, the
 * same for every thread count, and every output value is computed the same way whichever
 * thread runs its band — so results are bit-identical for any number of threads.
 *
 * What each path guarantees against the plain-TypeScript reference (src/linear/direct.ts):
 *   float64 → float64   bit-identical: f64 products added in tap order (no fused multiply-add).
 *   uint8 → uint8       bit-identical: f32 sums whose rounding is certified, the rest in f64.
 *   float32 → float32   f32 sums, within DESIGN.md's tolerance by construction: a band whose
 *                       error bound exceeds 0.5e-5 of its largest output (or that holds NaN or
 *                       ±Infinity) is recomputed in f64, bit-identical to the reference.
 */
import type { Border, Padding } from '../border/border.js';
import type { DType } from '../core/dtypes.js';
import type { Tap } from '../linear/direct.js';
import type { SimdArena } from './simd.js';
import type { SimdExports } from './simd.generated.js';
import { tapsLoopF32 } from './taps-jit.js';
import {
  type BandGrid,
  type BandRunner,
  type F32Guard,
  f32AcceptableBand,
  gammaOf,
  guardTrace,
  phasedBand,
  testBandRows,
} from './bands.js';

/** Element types the SIMD direct loops handle, input → output. */
type Path = 'f32' | 'f64' | 'u8' | 'u16';

export interface SimdDirectProgram extends BandGrid {
  readonly kind: 'direct';
  readonly path: Path;
  /**
   * `3x3`: register-blocked loop over all nine taps (uint8, and float32 without zero taps);
   * `taps`: the non-zero tap list (a generated register-blocked loop within 3×3, ./taps-jit.ts).
   */
  readonly loop: '3x3' | 'taps';
  readonly taps: readonly Tap[];
  /** float32 path: the tolerance guard's constants. */
  readonly guard: F32Guard;
  /** uint8 path: largest f32 below 0.5 − E (see storeCertified_u8). */
  readonly half: number;
  /**
   * uint8 3×3 with weights k/D (k integers, Σ|k|·255 < 2¹⁵): D, for the i16 loop
   * (correlate3x3_u8i16_u8); 0 otherwise.
   */
  readonly divisor: number;
  /** The i16 loop's rounding constants [D, B, M, sh, c, tie, M2, s] (see integerRounding). */
  readonly division: readonly number[];
}

/**
 * Bytes of band + output per band, and the fewest rows per band. Halo rows (copied twice)
 * and per-band calls cost more than keeping a band inside the 1 MB L2 saves (the hardware
 * prefetchers follow these streams): on the 2-core AMD EPYC bench machine, 4K, one thread,
 * bands of 32 rows against 8 took W2 (3×3 uint8 RGB) from 34 to 31.5 ms of CPU and W1 (3×3
 * float32) from 14 to 13.4; 64 rows gained nothing more.
 */
const BAND_BYTES = 1024 * 1024;
const MIN_BAND_ROWS = 32;

/** Times this thread chose an integer uint8 loop (integerLoop), by its quotient (tests). */
export const integerLoopChoices = { q15: 0, u32: 0 };

/**
 * Rows per band of the integer 3×3 uint8 loop (u8 band in, u8 out, no f32 buffer): fewer
 * bands, fewer halo rows and calls. W2 (4K RGB), one thread, two interleaved series on the
 * bench machine, first quartiles of CPU ms: 32 rows 28.0/27.0, 64 27.0/27.2, 128 26.9/26.6,
 * 256 27.2/27.2, 540 28.3/29.0.
 */
const INTEGER_BAND_ROWS = 128;
const U = 2 ** -24;

/**
 * Compiles a spec for the SIMD loops, or returns the reason it cannot run there (the plan
 * then keeps the plain-TypeScript path).
 */
export function simdDirectProgram(
  taps: readonly Tap[],
  kh: number,
  kw: number,
  inDtype: DType,
  outDtype: DType,
  rounding: string,
  border: Border,
  geo: { pad: Padding; paddedWidth: number; outHeight: number; outWidth: number },
  channels: number,
): SimdDirectProgram | string {
  if (taps.length === 0) return 'an all-zero kernel (the plain path fills zeros)';
  let path: Path;
  if (inDtype === 'float64' && outDtype === 'float64') path = 'f64';
  else if ((inDtype === 'float32' || inDtype === 'uint8') && outDtype === 'float32') path = 'f32';
  else if (inDtype === 'uint16' && outDtype === 'uint16' && rounding === 'half-even') path = 'u16';
  else if (inDtype === 'uint8' && outDtype === 'uint8') {
    if (rounding !== 'half-even') return `rounding ${rounding} (the SIMD uint8 loop rounds half to even)`;
    path = 'u8';
  } else {
    return `${inDtype} → ${outDtype} (the SIMD direct loops cover float64 → float64, float32 → float32, uint8 → uint8 and uint8 → float32)`;
  }
  if ((path === 'f32' || path === 'u8') && Math.fround(border.cval) !== border.cval)
    return `cval ${border.cval} (not exact in the float32 band)`;
  const sumAbs = taps.reduce((s, t) => s + Math.abs(t.w), 0);
  const f32Range = taps.every((t) => Math.abs(t.w) >= 2 ** -100 && Math.abs(t.w) <= 2 ** 100);
  if ((path === 'f32' || path === 'u8') && !f32Range)
    return 'weights outside float32 range (|w| < 2⁻¹⁰⁰ or > 2¹⁰⁰)';
  // float32 kernels within 3×3 take the tap list: its loop is generated for their pattern of
  // non-zero taps (./taps-jit.ts), faster than nine taps in registers when some are zero, and
  // it gathers the guard's statistics as it reads. With all nine, measured on a 4K float32
  // image in place (2-core AMD EPYC VM, alternating runs), against the 3×3 loop of
  // wasm/direct.ts and the guard's own pass: 5.96–6.04 ms against 6.60–6.78 on one thread,
  // 3.36–3.53 against 3.73–3.93 on two (lower quartiles).
  const loop = kh === 3 && kw === 3 && path === 'u8' ? '3x3' : 'taps';
  const n = loop === '3x3' ? 9 : taps.length;
  const gamma = gammaOf;
  // uint8 data with a kernel whose products and sums are exact in f32 (Sobel, Laplacian…):
  // the f32 sum is the exact sum, nothing to guard.
  const exactU8 = inDtype === 'uint8' && exactInF32(taps, Math.max(255, Math.abs(border.cval)));
  const guard: F32Guard = {
    gamma: exactU8 ? 0 : (gamma(n, U) * (1 + U) + U) * (1 + 1e-6),
    sumAbs,
    nonNegative: taps.every((t) => t.w >= 0),
    peak: sumAbs,
  };
  const f32Bound = guard.gamma * sumAbs;
  let half = 0.5;
  const cvalFitsU8 = Number.isInteger(border.cval) && border.cval >= 0 && border.cval <= 255;
  const division = path === 'u8' && loop === '3x3' && cvalFitsU8 ? integerRounding(taps) : [];
  const divisor = division.length > 0 ? division[0] : 0;
  // With a divisor, T = Σ k·x is exact and the loop rounds it as ⌊(T + ⌊D/2⌋)/D⌋ in integers:
  // T/D to nearest except at the exact ties T ≡ D/2 (mod D). A non-tie T/D lies at least
  // 1/(2D) from a half-integer and the reference's f64 sum (off by < 1e-5/D) stays on its side,
  // so both round alike; the ties, where the f64 sum's last bits decide, are recomputed as the
  // reference computes them (no `half`: storeCertified_u8 is not used).
  if (divisor === 0 && path === 'u8') {
    const xmax = Math.max(255, Math.abs(border.cval));
    // storeCertified_u8 rounds by adding 1.5·2²³, exact while |sum| < 2²².
    if (sumAbs * xmax >= 2 ** 21) return `weights too large for the float32 uint8 loop (Σ|w|·${xmax} ≥ 2²¹)`;
    if (exactInF32(taps, xmax)) {
      half = 1; // every intermediate is exact in f32: the f32 sum IS the f64 sum
    } else {
      const E = (f32Bound + gamma(n, 2 ** -53)) * xmax * (1 + 1e-6) + 1e-300;
      if (E >= 0.05)
        return `weights too large for certified float32 rounding (error bound ${E.toPrecision(2)})`;
      half = Math.fround(0.5 - E);
      if (half > 0.5 - E) half = Math.fround(half - half * 2 ** -23);
    }
  }
  const pw = geo.paddedWidth * channels;
  const ow = geo.outWidth * channels;
  const elem = path === 'f64' || path === 'u16' ? 8 : 4;
  // band (rows + kh − 1 rows of pw) + output band (rows of ow), in BAND_BYTES.
  const perRow = (pw + ow) * elem;
  const bandRows = Math.min(
    geo.outHeight,
    testBandRows() ??
      (divisor > 0 ? INTEGER_BAND_ROWS : Math.max(MIN_BAND_ROWS, Math.floor(BAND_BYTES / perRow) - (kh - 1))),
  );
  // uint16 data is filtered in f64 (exact, as the reference) from an f64 band.
  const bandType = inDtype === 'uint8' ? (cvalFitsU8 ? 'u8' : 'f32') : path === 'u16' ? 'f64' : path;
  return {
    kind: 'direct',
    path,
    loop,
    channels,
    kh,
    pw,
    ow,
    outHeight: geo.outHeight,
    bandRows,
    pad: geo.pad,
    border,
    bandType,
    taps,
    guard,
    half,
    divisor,
    division,
  };
}

/**
 * The smallest D ≤ 1000 making every weight an integer k = w·D (within 1e-9), with
 * Σ|k|·255 < 2¹⁵ so i16 sums are exact; 0 when there is none.
 */
function decimalDivisor(taps: readonly Tap[]): number {
  for (let D = 1; D <= 1000; D++) {
    let sum = 0;
    let ok = true;
    for (const t of taps) {
      const k = Math.round(t.w * D);
      if (Math.abs(t.w * D - k) > 1e-9) {
        ok = false;
        break;
      }
      sum += Math.abs(k);
    }
    if (ok) return sum * 255 < 2 ** 15 ? D : 0;
  }
  return 0;
}

/**
 * For weights k/D (decimalDivisor): the constants with which correlate3x3_u8i16_u8 rounds
 * T = Σ k·x (x = 0…255) to uint8 in integer arithmetic, [D, B, M, sh, c, tie, M2, s]:
 *   T' = T + B, B = c·D + ⌊D/2⌋ with c = ⌈(largest −T)/D⌉, so 0 ≤ T' < 2¹⁶ (a u16 lane);
 *   q = ⌊T'·M / 2^sh⌋ = ⌊T'/D⌋ (M < 2¹⁶ — checked here for every T' in range);
 *   r = q − c = ⌊T/D + 1/2⌋: T/D rounded to nearest except at the ties T ≡ D/2 (mod D);
 *   T' − q·D = tie exactly at those ties (tie = 0 for even D, −1 — never — for odd D);
 *   M2, s: the same q with one 16-bit multiply (q15Division), or 0, 0.
 * [] when there is no divisor or the multiply-shift is not exact over the range.
 */
function integerRounding(taps: readonly Tap[]): number[] {
  const D = decimalDivisor(taps);
  if (D === 0) return [];
  let neg = 0;
  let pos = 0;
  for (const t of taps) {
    const k = Math.round(t.w * D);
    if (k < 0) neg -= k * 255;
    else pos += k * 255;
  }
  const c = Math.ceil(neg / D);
  const B = c * D + Math.floor(D / 2);
  const X = pos + B;
  if (X >= 2 ** 16) return [];
  let sh = 0;
  while (Math.ceil(2 ** (sh + 1) / D) < 2 ** 16) sh++;
  const M = Math.ceil(2 ** sh / D);
  for (let x = 0; x <= X; x++) if (Math.floor((x * M) / 2 ** sh) !== Math.floor(x / D)) return [];
  return [D, B, M, sh, c, D % 2 === 0 ? 0 : -1, ...q15Division(D, X)];
}

/**
 * [M2, s] with ⌊(x·M2 + 2¹⁴) / 2^(15+s)⌋ = ⌊x/D⌋ for every x in 0…X, M2 < 2¹⁵ and X < 2¹⁵ —
 * the quotient as correlate3x3_u8q15_u8 takes it (i16x8.q15mulr_sat_s, then a shift) — or
 * [0, 0] when there are none (correlate3x3_u8i16_u8 then). Each s from the largest that keeps
 * M2 below 2¹⁵, M2 = ⌈2^(15+s)/D⌉, checked for every x.
 */
export function q15Division(D: number, X: number): [number, number] {
  if (X >= 2 ** 15) return [0, 0];
  for (let s = 14; s >= 0; s--) {
    const M2 = Math.ceil(2 ** (15 + s) / D);
    if (M2 >= 2 ** 15) continue;
    let ok = true;
    for (let x = 0; x <= X && ok; x++)
      ok = Math.floor((x * M2 + 2 ** 14) / 2 ** (15 + s)) === Math.floor(x / D);
    if (ok) return [M2, s];
  }
  return [0, 0];
}

/**
 * True when every product w·x (0 ≤ x ≤ xmax, integer) and every partial sum is a multiple of
 * 2⁻ᴷ below 2²⁴·2⁻ᴷ, so float32 arithmetic is exact (small-integer and dyadic kernels such
 * as Sobel, Laplacian or binomial/16).
 */
function exactInF32(taps: readonly Tap[], xmax: number): boolean {
  let K = 0;
  for (const t of taps) {
    let k = 0;
    while (!Number.isInteger(t.w * 2 ** k) && k < 40) k++;
    if (!Number.isInteger(t.w * 2 ** k)) return false;
    K = Math.max(K, k);
  }
  const sum = taps.reduce((s, t) => s + Math.abs(t.w) * 2 ** K, 0);
  return sum * xmax < 2 ** 24;
}

interface Layout {
  taps: number;
  taps64: number;
  plain64: number;
  w9: number;
  k9: number;
  raw: number;
  band: number;
  acc: number;
  outBand: number;
  stats: number;
  list: number;
  exact9: number;
  division: number;
}

/**
 * Reserves this run's buffers and writes the taps into the arena; padded band rows are `S`
 * elements apart (the source's stride, see BandSource), and the padded band gets 8 spare
 * bytes for the source's phase.
 */
function layout(arena: SimdArena, prog: SimdDirectProgram, S: number): Layout {
  arena.reset();
  const nt = prog.taps.length;
  const R = prog.bandRows;
  const bandLen = (R + prog.kh - 1) * S;
  const L: Layout = {
    taps: arena.reserve(nt * 20),
    taps64: arena.reserve(nt * 20),
    plain64: arena.reserve(nt * 12),
    w9: arena.reserve(9 * 16),
    k9: arena.reserve(9 * 16),
    raw: prog.bandType === 'u8' ? arena.reserve(bandLen + 8) : 0,
    band: arena.reserve(bandLen * (prog.bandType === 'f64' ? 8 : 4) + 8),
    acc: arena.reserve(R * prog.ow * (prog.bandType === 'f64' ? 8 : 4)),
    outBand: prog.path === 'u8' || prog.path === 'u16' ? arena.reserve(R * prog.ow * 2) : 0,
    stats: arena.reserve(32),
    // Two lists (rows m and m + 1) for the integer loop's ties, one for storeCertified_u8.
    list: prog.path === 'u8' ? arena.reserve((prog.ow + 16) * 4) : 0,
    exact9: prog.divisor > 0 ? arena.reserve(9 * 12) : 0,
    division: prog.divisor > 0 ? arena.reserve(8 * 4) : 0,
  };
  const buf = arena.buffer;
  const f64 = new Float64Array(buf);
  const i32 = new Int32Array(buf);
  const C = prog.channels;
  writeTapTable(buf, L.taps, prog.taps, S, C);
  prog.taps.forEach((t, k) => {
    const off = t.i * S + t.j * C;
    f64.fill(t.w, (L.taps64 >> 3) + 2 * k, (L.taps64 >> 3) + 2 * k + 2);
    i32[(L.taps64 >> 2) + 4 * nt + k] = off;
    f64[(L.plain64 >> 3) + k] = t.w;
    i32[(L.plain64 >> 2) + 2 * nt + k] = off;
  });
  if (prog.divisor > 0) writeIntegerTables(buf, L.k9, L.division, L.exact9, prog, S);
  if (prog.loop === '3x3') write3x3Weights(buf, L.w9, prog.taps);
  return L;
}

/**
 * The integer uint8 loop's tables (correlate3x3_u8i16_u8): at `k9` the nine i16 weights
 * k = w·D, each in eight lanes; at `division` the rounding constants; at `exact9`, for the
 * exact recompute of ties (redoTies in wasm/direct.ts), the nine f64 weights in row-major order
 * (zero for zero weights), then their i32 element offsets i·S + j·C for rows S apart.
 */
export function writeIntegerTables(
  buf: ArrayBufferLike,
  k9: number,
  division: number,
  exact9: number,
  prog: SimdDirectProgram,
  S: number,
): void {
  const f64 = new Float64Array(buf, exact9, 9).fill(0);
  const i32 = new Int32Array(buf, exact9 + 72, 9);
  for (const t of prog.taps) f64[t.i * 3 + t.j] = t.w;
  for (let k = 0; k < 9; k++) i32[k] = Math.floor(k / 3) * S + (k % 3) * prog.channels;
  new Int32Array(buf, division, prog.division.length).set(prog.division);
  const i16 = new Int16Array(buf, k9, 72).fill(0);
  for (const t of prog.taps)
    i16.fill(Math.round(t.w * prog.divisor), 8 * (t.i * 3 + t.j), 8 * (t.i * 3 + t.j) + 8);
}

/**
 * The integer uint8 loop a program with a divisor runs: the one-multiply quotient where
 * q15Division found constants (division[6] > 0), else the u32 products.
 */
export function integerLoop(x: Omit<SimdExports, 'memory'>, prog: SimdDirectProgram) {
  const q15 = prog.division[6] > 0;
  integerLoopChoices[q15 ? 'q15' : 'u32']++;
  return q15 ? x.correlate3x3_u8q15_u8 : x.correlate3x3_u8i16_u8;
}

/**
 * The f32 tap table of correlateTaps_f32 at byte `at` (nt × 20 bytes): each weight in four
 * lanes, then each tap's element offset i·S + j·C for padded rows S elements apart.
 */
export function writeTapTable(
  buf: ArrayBufferLike,
  at: number,
  taps: readonly Tap[],
  S: number,
  C: number,
): void {
  const f32 = new Float32Array(buf, at, taps.length * 5);
  const i32 = new Int32Array(buf, at, taps.length * 5);
  taps.forEach((t, k) => {
    f32.fill(t.w, 4 * k, 4 * k + 4);
    i32[4 * taps.length + k] = t.i * S + t.j * C;
  });
}

/** The nine weights of correlate3x3_u8f32 at byte `at`, each in four lanes (zero for absent taps). */
export function write3x3Weights(buf: ArrayBufferLike, at: number, taps: readonly Tap[]): void {
  const f32 = new Float32Array(buf, at, 36).fill(0);
  for (const t of taps) f32.fill(t.w, 4 * (t.i * 3 + t.j), 4 * (t.i * 3 + t.j) + 4);
}

/**
 * Runs the bands `claim` hands out: pads each (through `source`), filters it, and writes its
 * output rows into `out` (the whole output, interleaved, row length `ow`). `done` is called
 * after each band (the pool counts finished bands).
 */
export const runDirectBands: BandRunner<SimdDirectProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  stats,
  done,
) => {
  const { ow, kh, bandRows: R } = prog;
  const padBytes = prog.bandType === 'u8' ? 1 : prog.bandType === 'f32' ? 4 : 8;
  const pw = source.strideFor(prog.pw, padBytes);
  const L = layout(arena, prog, pw);
  const x = arena.exports;
  const buf = arena.buffer;
  const nt = prog.taps.length;
  const tapsLoop = tapsLoopF32(x, x.memory, prog.taps, prog.channels);
  // The padded band, started at the source's phase.
  const bandAt = phasedBand(buf, prog.bandType === 'u8' ? L.raw : L.band, prog.bandType, (R + kh - 1) * pw);
  const accF32 = new Float32Array(buf, L.acc, R * ow);
  const f32 = new Float32Array(buf);
  const accF64 = prog.bandType === 'f64' ? new Float64Array(buf, L.acc, R * ow) : accF32;
  const outU8 = prog.path === 'u8' ? new Uint8Array(buf, L.outBand, R * ow) : accF32;
  const outU16 = prog.path === 'u16' ? new Uint16Array(buf, L.outBand, R * ow) : accF32;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    const bandLen = (rows + kh - 1) * pw;
    const shift = source.phase(m0);
    source(m0, m0 + rows + kh - 1, bandAt(shift), pw);
    const raw = L.raw + shift;
    // The integer loop and its exact recompute of ties read the u8 band itself.
    if (prog.bandType === 'u8' && prog.divisor === 0) x.widen_u8_f32(raw, L.band, bandLen);
    const band = prog.bandType === 'u8' ? L.band : L.band + shift;
    if (prog.path === 'f64') {
      x.correlateTaps_f64(band, pw, L.acc, ow, rows, ow, L.taps64, nt);
      out.set(accF64.subarray(0, rows * ow), m0 * ow);
    } else if (prog.path === 'u16') {
      // uint16 sums need more than f32's certified margin: f64 in tap order, then the
      // reference's rounding (uint16 data holds no NaN).
      x.correlateTaps_f64(band, pw, L.acc, ow, rows, ow, L.taps64, nt);
      x.round_f64_u16(L.acc, L.outBand, rows * ow);
      out.set(outU16.subarray(0, rows * ow), m0 * ow);
    } else if (prog.divisor > 0) {
      // Rounded in the integer loop itself; the exact ties are recomputed there in f64.
      stats.exactOutputs += integerLoop(x, prog)(
        raw,
        pw,
        L.outBand,
        ow,
        rows,
        ow,
        L.k9,
        prog.channels,
        L.division,
        L.exact9,
        L.list,
      );
      out.set(outU8.subarray(0, rows * ow), m0 * ow);
    } else {
      if (prog.loop === '3x3' && prog.path === 'u8')
        x.correlate3x3_u8f32(band, pw, L.acc, ow, rows, ow, L.w9, prog.channels);
      else if (prog.path === 'u8') tapsLoop(band, pw, L.acc, ow, rows, ow, L.taps, nt);
      else {
        // float32: the tap-list loop gathers the guard's statistics of rows [0, rows) ×
        // [0, ow) as it reads them; the rest of each padded row and the halo rows below here
        // (only the padded row's prog.pw elements: rows `pw` apart may have elements between
        // them that no source row wrote, see BandSource.strideFor).
        x.guardReset_f32(L.stats);
        tapsLoop(band, pw, L.acc, ow, rows, ow, L.taps, nt, L.stats);
        x.guardRect_f32(band + ow * 4, pw, rows, prog.pw - ow, L.stats);
        x.guardRect_f32(band + rows * pw * 4, pw, kh - 1, prog.pw, L.stats);
        x.guardFinish_f32(L.stats);
      }
      if (prog.path === 'u8') {
        stats.exactVectors += x.storeCertified_u8(
          L.acc,
          ow,
          band,
          pw,
          L.outBand,
          ow,
          1,
          rows,
          ow,
          L.plain64,
          nt,
          prog.half,
          L.list,
        );
        out.set(outU8.subarray(0, rows * ow), m0 * ow);
      } else {
        // float32: keep the f32 sums only where their error bound is within tolerance. The
        // statistics (gathered above) cover every element of the padded band, halo rows and
        // columns included, and every output: NaN or ±Infinity in either makes maxX or maxY NaN.
        if (guardTrace.on) guardTrace.bands.push([m0, f32[L.stats >> 2], f32[(L.stats >> 2) + 1]]);
        const accepted = f32AcceptableBand(
          prog.guard,
          f32[L.stats >> 2],
          f32[(L.stats >> 2) + 1],
          (n) => x.guardAbsMax_f32(L.acc, n),
          ow,
          rows,
        );
        if (!accepted) {
          x.correlateTaps_f32x64(band, pw, L.acc, ow, rows, ow, L.taps64, nt);
          stats.exactBands++;
        }
        out.set(accF32.subarray(0, rows * ow), m0 * ow);
      }
    }
    done(b);
  }
};
