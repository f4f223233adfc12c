/**
 * The separable method on the WebAssembly SIMD loops: a column pass over each band's padded
 * rows (in strips of columns that stay in cache however tall the kernel), then a row pass.
 *
 * Against the plain-TypeScript separable loops (src/linear/separable.ts):
 *   float64 → float64, uint8 → uint8   bit-identical: the same paired terms, summed in the
 *                                     same order and chunks, in float64.
 *   float32 → float32                 f32 sums with two accumulators, within DESIGN.md's
 *                                     tolerance by construction (bands that could miss it,
 *                                     or hold NaN/±Infinity, are recomputed the exact way).
 */
import type { Border, Padding } from '../border/border.js';
import type { DType } from '../core/dtypes.js';
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
import type { SimdArena } from './simd.js';

/** A term of a 1-D sum: w·(x[a] ± x[b]) (kind 1: +, 2: −) or w·x[a] (kind 0). */
export interface SepTerm {
  readonly w: number;
  readonly a: number;
  readonly b: number;
  readonly kind: 0 | 1 | 2;
}

export interface SimdSeparableProgram extends BandGrid {
  readonly kind: 'separable';
  /** `f32`: fast f32 loops + guard; `exact`: the reference's float64 order. */
  readonly path: 'f32' | 'exact';
  readonly out: 'f32' | 'f64' | 'u8' | 'u16';
  readonly colTerms: readonly SepTerm[];
  readonly rowTerms: readonly SepTerm[];
  /** Terms per chunk in the reference's sums (TERMS_PER_PASS of src/linear/separable.ts). */
  readonly chunk: number;
  readonly guard: F32Guard;
  /** Columns per strip of the column pass. */
  readonly strip: number;
}

const U = 2 ** -24;
/**
 * Intermediate + output bytes per band. Each band copies and range-checks kh − 1 halo rows
 * besides its own: at 512 KB (17 rows of 4K float32) W3's 17-tap column read 33 rows per 17
 * and W4's 61 taps 77; at 2 MB (68 rows) W3 took 33–35 → 31–33 ms and W4 135 → 118–122 ms of
 * CPU on the 2-core AMD EPYC bench machine (one thread); 4–8 MB gained nothing more.
 */
const BAND_BYTES = 2 * 1024 * 1024;

/**
 * Compiles two 1-D term lists (column pass, row pass; taps already paired and zero taps left
 * out, in the reference's order) for the SIMD loops, or returns why it cannot run there.
 */
export function simdSeparableProgram(
  colTerms: readonly SepTerm[],
  rowTerms: readonly SepTerm[],
  kh: number,
  kw: number,
  chunk: number,
  inDtype: DType,
  outDtype: DType,
  rounding: string,
  border: Border,
  geo: { pad: Padding; paddedWidth: number; outHeight: number; outWidth: number },
  channels: number,
): SimdSeparableProgram | string {
  if (colTerms.length === 0 || rowTerms.length === 0) return 'an all-zero kernel';
  let path: 'f32' | 'exact';
  let out: 'f32' | 'f64' | 'u8' | 'u16';
  if (inDtype === 'float32' && outDtype === 'float32') [path, out] = ['f32', 'f32'];
  else if (inDtype === 'float64' && outDtype === 'float64') [path, out] = ['exact', 'f64'];
  else if (inDtype === 'uint8' && outDtype === 'uint8' && rounding === 'half-even')
    [path, out] = ['exact', 'u8'];
  else if (inDtype === 'uint16' && outDtype === 'uint16' && rounding === 'half-even')
    [path, out] = ['exact', 'u16'];
  else return `${inDtype} → ${outDtype}${rounding !== 'half-even' ? ` with ${rounding} rounding` : ''}`;
  if (inDtype !== 'float64' && Math.fround(border.cval) !== border.cval)
    return `cval ${border.cval} (not exact in the float32 band)`;
  const ws = [...colTerms, ...rowTerms].map((t) => Math.abs(t.w));
  if (path === 'f32' && ws.some((w) => w < 2 ** -100 || w > 2 ** 100))
    return 'weights outside float32 range (|w| < 2⁻¹⁰⁰ or > 2¹⁰⁰)';
  const sumAbs = (ts: readonly SepTerm[]) =>
    ts.reduce((s, t) => s + Math.abs(t.w) * (t.kind === 0 ? 1 : 2), 0);
  // Error bound of one f32 pass (Higham's γₙ = nu/(1 − nu), u = 2⁻²⁴). A term's value picks up
  // at most these relative roundings on its way to the output: the weight's conversion to f32
  // (1), the pair sum fl(x_a ± x_b) = (x_a ± x_b)(1 + δ) (1; none for a single term), the
  // product (1), the ⌈nt/2⌉ − 1 additions of its accumulator (terms alternate between two)
  // and the final e + o (1): ⌈nt/2⌉ + 3 in all, so |ŷ − y| ≤ γ(⌈nt/2⌉ + 3)·Σ_k |w_k|·(|x_a| +
  // |x_b|), since |x_a ± x_b| ≤ |x_a| + |x_b| — which is why `sumAbs` counts a pair's weight
  // twice (≤ γ·Σ|w|·max|x|, the same bound as unpaired taps with half the additions). The
  // row pass reads the column pass's f32 results t̂ = t + ε: its error is γr·Σ|r|·|t̂| plus
  // Σ|r|·|ε|, so the two passes give (γc + γr + γc·γr)·Σ|c|·Σ|r|·max|x| (each γ with a u of
  // margin). With every weight ≥ 0, no subtraction and data ≥ 0, Σ|w|·|x| is the output
  // itself: the bound becomes γ·|y| (f32Acceptable).
  const chain = (ts: readonly SepTerm[]) => Math.ceil(ts.length / 2) + 3;
  const gc = gammaOf(chain(colTerms), U) + U;
  const gr = gammaOf(chain(rowTerms), U) + U;
  const guard: F32Guard = {
    gamma: (gc + gr + gc * gr) * (1 + 1e-6),
    sumAbs: sumAbs(colTerms) * sumAbs(rowTerms),
    nonNegative: [...colTerms, ...rowTerms].every((t) => t.w >= 0 && t.kind !== 2),
    // pair sums of inputs (2·max|x|), the column pass (Σ|c|·max|x|), pair sums of its results
    // (2·Σ|c|·max|x|), the row pass (Σ|c|·Σ|r|·max|x|)
    peak: Math.max(2, 2 * sumAbs(colTerms), sumAbs(colTerms) * sumAbs(rowTerms)),
  };
  const pw = geo.paddedWidth * channels;
  const ow = geo.outWidth * channels;
  const elem = path === 'f32' ? 4 : 8;
  // Band rows: the padded band is read in strips, so only the intermediate (pw) and output
  // rows need to stay hot; the band itself may be taller than the cache.
  const bandRows =
    testBandRows() ?? Math.max(2, Math.min(geo.outHeight, Math.floor(BAND_BYTES / ((pw + ow) * elem))));
  // A multiple of 48: whole 16-byte-aligned steps of 12 outputs (the f32 pass takes 3 vectors).
  const strip = Math.max(96, Math.floor((256 * 1024) / ((bandRows + kh - 1) * elem) / 48) * 48);
  return {
    kind: 'separable',
    path,
    out,
    colTerms,
    rowTerms,
    chunk,
    guard,
    strip,
    channels,
    kh,
    pw,
    ow,
    outHeight: geo.outHeight,
    bandRows,
    pad: geo.pad,
    border,
    // uint8 rows travel as bytes (widened in the engine) when cval is a byte too
    bandType:
      inDtype === 'uint8' && Number.isInteger(border.cval) && border.cval >= 0 && border.cval <= 255
        ? 'u8'
        : inDtype === 'float64'
          ? 'f64'
          : 'f32',
  };
}

/** Room for a term list: f64 weights (8 bytes), then a, b, kind (i32 each). */
function reserveTerms(arena: SimdArena, nt: number): number {
  return arena.reserve(nt * 20);
}

/** The exact loop's term list, in the reference's order. */
function fillTerms(buf: ArrayBuffer, ptr: number, terms: readonly SepTerm[], stride: number) {
  const nt = terms.length;
  const f64 = new Float64Array(buf);
  const i32 = new Int32Array(buf);
  const ints = (ptr + nt * 8) >> 2;
  terms.forEach((t, k) => {
    f64[(ptr >> 3) + k] = t.w;
    i32[ints + k] = t.a * stride;
    i32[ints + nt + k] = t.kind === 0 ? t.a * stride : t.b * stride;
    i32[ints + 2 * nt + k] = t.kind;
  });
}

let symmetricLoop = true;
/** Test hook: whether symmetric kernels take correlateSym_f32 (false: the general term loop). */
export function setSymmetricLoop(on: boolean): void {
  symmetricLoop = on;
}

/**
 * Whether the f32 records of `terms` (pairs first, as fillRecords orders them) are a whole
 * symmetric kernel — pairs of taps j and L−1−j for j = 0, 1, … in order, at least two, then
 * at most the middle tap — which correlateSym_f32 runs with stepped addresses (Gaussians,
 * binomials, boxes); `center` is 1 with a middle tap.
 */
export function symmetricLayout(terms: readonly SepTerm[]): { center: 0 | 1 } | undefined {
  if (!symmetricLoop) return;
  const pairs = terms.filter((t) => t.kind === 1);
  const singles = terms.filter((t) => t.kind === 0);
  if (pairs.length < 2 || pairs.length + singles.length !== terms.length || singles.length > 1) return;
  const center = singles.length as 0 | 1;
  const L = 2 * pairs.length + center;
  if (pairs.some((t, j) => t.a !== j || t.b !== L - 1 - j)) return;
  if (center && singles[0].a !== pairs.length) return;
  return { center };
}

/**
 * The f32 loop's term records (32 bytes each: the weight splatted over four f32 lanes, then
 * the byte offsets of x_a and x_b as u32), grouped by kind — pairs w·(x_a + x_b), pairs
 * w·(x_a − x_b), singles — as the loop takes them (its sum order is free: within tolerance).
 * One pointer walks the records: the loop's per-term bookkeeping is a third of what separate
 * weight and offset arrays indexed by k cost, and it ran as many instructions as the
 * arithmetic.
 */
export function fillRecords(buf: ArrayBufferLike, ptr: number, terms: readonly SepTerm[], stride: number) {
  const f32 = new Float32Array(buf);
  const u32 = new Uint32Array(buf);
  const sorted = [1, 2, 0].flatMap((k) => terms.filter((t) => t.kind === k));
  sorted.forEach((t, k) => {
    const r = (ptr >> 2) + 8 * k;
    f32.fill(t.w, r, r + 4);
    u32[r + 4] = t.a * stride * 4;
    u32[r + 5] = (t.kind === 0 ? t.a : t.b) * stride * 4;
  });
}

export const runSeparableBands: BandRunner<SimdSeparableProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  stats,
  done,
) => {
  const { pw, ow, kh, bandRows: R, channels: C } = prog;
  arena.reset();
  const nc = prog.colTerms.length;
  const nr = prog.rowTerms.length;
  const col32 = arena.reserve(nc * 32);
  const row32 = arena.reserve(nr * 32);
  const col64 = reserveTerms(arena, nc);
  const row64 = reserveTerms(arena, nr);
  // Padded band rows are S elements apart, each band started at the source's phase (see
  // BandSource): 8 spare bytes.
  const S = source.strideFor(pw, prog.bandType === 'u8' ? 1 : prog.bandType === 'f32' ? 4 : 8);
  const bandLen = (R + kh - 1) * S;
  const rawBase = prog.bandType === 'u8' ? arena.reserve(bandLen + 8) : 0;
  const bandBase = arena.reserve(bandLen * (prog.bandType === 'f64' ? 8 : 4) + 8);
  const t = arena.reserve(R * pw * 8);
  const acc = arena.reserve(R * ow * 8);
  const outBand = arena.reserve(R * ow * 4);
  const statsPtr = arena.reserve(16);
  const buf = arena.buffer;
  const count = (ts: readonly SepTerm[], k: number) => ts.filter((t) => t.kind === k).length;
  fillRecords(buf, col32, prog.colTerms, S);
  fillRecords(buf, row32, prog.rowTerms, C);
  const [cp, cm, rp, rm] = [
    count(prog.colTerms, 1),
    count(prog.colTerms, 2),
    count(prog.rowTerms, 1),
    count(prog.rowTerms, 2),
  ];
  fillTerms(buf, col64, prog.colTerms, S);
  fillTerms(buf, row64, prog.rowTerms, C);
  const x = arena.exports;
  const f32 = new Float32Array(buf);
  const bandAt = phasedBand(buf, prog.bandType === 'u8' ? rawBase : bandBase, prog.bandType, bandLen);
  let band = bandBase;
  const accF64 = new Float64Array(buf, acc, R * ow);
  const outF32 = new Float32Array(buf, outBand, R * ow);
  const outU8 = new Uint8Array(buf, outBand, R * ow);
  const outU16 = new Uint16Array(buf, outBand, R * ow);
  const srcF32 = prog.bandType === 'f64' ? 0 : 1;
  const colSym = symmetricLayout(prog.colTerms);
  const rowSym = symmetricLayout(prog.rowTerms);
  const exact = (rows: number) => {
    for (let s0 = 0; s0 < pw; s0 += prog.strip) {
      const sw = Math.min(prog.strip, pw - s0);
      x.correlateTerms_x64(
        band + s0 * (srcF32 ? 4 : 8),
        srcF32,
        S,
        t + s0 * 8,
        pw,
        rows,
        sw,
        col64,
        nc,
        prog.chunk,
      );
    }
    x.correlateTerms_x64(t, 0, pw, acc, ow, rows, ow, row64, nr, prog.chunk);
  };
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    const len = (rows + kh - 1) * S;
    const shift = source.phase(m0);
    source(m0, m0 + rows + kh - 1, bandAt(shift), S);
    band = prog.bandType === 'u8' ? bandBase : bandBase + shift;
    if (prog.bandType === 'u8') x.widen_u8_f32(rawBase + shift, band, len);
    if (prog.path === 'f32') {
      for (let s0 = 0; s0 < pw; s0 += prog.strip) {
        const sw = Math.min(prog.strip, pw - s0);
        if (colSym)
          x.correlateSym_f32(band + s0 * 4, S, t + s0 * 4, pw, rows, sw, col32, cp, colSym.center, S * 4);
        else x.correlateTerms_f32(band + s0 * 4, S, t + s0 * 4, pw, rows, sw, col32, nc, cp, cm);
      }
      if (rowSym) x.correlateSym_f32(t, pw, outBand, ow, rows, ow, row32, rp, rowSym.center, C * 4);
      else x.correlateTerms_f32(t, pw, outBand, ow, rows, ow, row32, nr, rp, rm);
      // The guard's statistics on bit patterns, four chains (wasm/direct.ts guardRange_f32).
      x.guardRange_f32(band, len, statsPtr);
      const [maxX, minX] = [f32[statsPtr >> 2], f32[(statsPtr >> 2) + 1]];
      if (guardTrace.on) guardTrace.bands.push([m0, maxX, minX]);
      const accepted = f32AcceptableBand(
        prog.guard,
        maxX,
        minX,
        (n) => x.guardAbsMax_f32(outBand, n),
        ow,
        rows,
      );
      if (!accepted) {
        exact(rows);
        x.demote_f64_f32(acc, outBand, rows * ow);
        stats.exactBands++;
      }
      out.set(outF32.subarray(0, rows * ow), m0 * ow);
    } else {
      exact(rows);
      if (prog.out === 'f64') {
        out.set(accF64.subarray(0, rows * ow), m0 * ow);
      } else if (prog.out === 'u8') {
        x.round_f64_u8(acc, outBand, rows * ow);
        out.set(outU8.subarray(0, rows * ow), m0 * ow);
      } else {
        x.round_f64_u16(acc, outBand, rows * ow);
        out.set(outU16.subarray(0, rows * ow), m0 * ow);
      }
    }
    done(b);
  }
};
