/**
 * What every engine program shares: a fixed grid of output-row bands, a source that pads a
 * band's rows (with their halo) through src/border, and a claim function that hands out
 * band indices — a range on one thread, a shared counter across the pool.
 */
import type { Border, InterleavedView, Padding } from '../border/border.js';
import { borderIndex, borderIndexMap, padRowsInterleaved } from '../border/border.js';
import type { AnyTypedArray } from '../core/dtypes.js';
import type { SimdArena } from './simd.js';

/** The geometry every program carries (structured-cloneable: it travels to workers). */
export interface BandGrid {
  readonly kind: string;
  /** Output rows and row length in elements (outWidth × channels). */
  readonly outHeight: number;
  readonly ow: number;
  readonly channels: number;
  /** Padded row length in elements ((width + left + right) × channels). */
  readonly pw: number;
  readonly kh: number;
  readonly bandRows: number;
  readonly pad: Padding;
  readonly border: Border;
  /** Element type of the padded band as read from the input. */
  readonly bandType: 'u8' | 'f32' | 'f64';
}

/**
 * Writes padded rows [r0, r1) into `out` (from index 0), `stride` elements apart (default:
 * the padded row length).
 *
 * A source reading shared memory (the pool's staging copy, or a caller's SharedArrayBuffer)
 * also says where its rows copy fast: V8 copies to or from shared memory word by word only
 * between addresses equal modulo 8, else byte by byte — on the 2-core AMD EPYC bench machine a
 * 4K float32 image padded with one column (4 bytes off) took 10.7 ms instead of 2.6. A runner
 * that starts padded row r at a byte address ≡ `phase(r)` (mod 8), with rows `strideFor(…)`
 * apart, gets the fast copy for every row whose neighbour below comes from the next source
 * row (all but the border rows).
 */
export interface BandSource {
  (r0: number, r1: number, out: Uint8Array | Float32Array | Float64Array, stride?: number): void;
  /** Byte address modulo 8 at which padded row r should start (0 when it does not matter). */
  phase(r: number): number;
  /** Row stride in elements of `elemBytes` for padded rows of `pw` elements (≥ pw). */
  strideFor(pw: number, elemBytes: number): number;
}

/** Hands out band indices: the next band to run, or −1 when none is left. */
export type BandClaim = () => number;

/** Claims bands b0, b0+1, … b1−1 in order (one thread running a range). */
export function bandRange(b0: number, b1: number): BandClaim {
  let b = b0;
  return () => (b < b1 ? b++ : -1);
}

let bandRowsOverride: number | undefined;
/**
 * Test hook: rows per band of the direct and separable programs compiled from now on
 * (undefined: their tuned sizes), so small test images have bands away from the borders.
 */
export function setBandRows(rows: number | undefined): void {
  bandRowsOverride = rows;
}

/** The test hook's rows per band, if set. */
export function testBandRows(): number | undefined {
  return bandRowsOverride;
}

/** Number of bands in a program's grid. */
export function bandCount(g: BandGrid): number {
  return Math.ceil(g.outHeight / g.bandRows);
}

const BAND_ELEMENT_BYTES = { u8: 1, f32: 4, f64: 8 } as const;

/**
 * A band source padding straight from an interleaved input through src/border (`cols`: the
 * column map, borderIndexMap, where the caller keeps one).
 */
export function paddingSource(
  input: InterleavedView,
  g: BandGrid,
  cols = borderIndexMap(input.width, g.pad.left, g.pad.right, g.border.mode),
): BandSource {
  const source = ((r0, r1, out, stride) =>
    padRowsInterleaved(input, g.pad, g.border, r0, r1, out, cols, stride)) as BandSource;
  const data = input.data as AnyTypedArray;
  const e = data.BYTES_PER_ELEMENT;
  // Only a same-type copy out of shared memory is a word copy that alignment can speed up.
  const shared =
    typeof SharedArrayBuffer === 'function' &&
    (data.buffer as unknown) instanceof SharedArrayBuffer &&
    e === BAND_ELEMENT_BYTES[g.bandType];
  const rowBytes = input.width * input.channels * e;
  const left = g.pad.left * input.channels * e;
  source.phase = (r) => {
    if (!shared) return 0;
    const sr = borderIndex(r - g.pad.top, input.height, g.border.mode);
    return sr < 0 ? 0 : (((data.byteOffset + sr * rowBytes - left) % 8) + 8) % 8;
  };
  // Rows rowBytes ≡ stride (mod 8) apart keep the phase of the row above.
  source.strideFor = (pw, elemBytes) =>
    shared ? pw + ((((rowBytes - pw * elemBytes) % 8) + 8) % 8) / elemBytes : pw;
  return source;
}

/**
 * Views of a padded band of `length` elements of `type` at byte `base` + the source's phase
 * (BandSource.phase): one view per phase, made on first use (at most eight).
 */
export function phasedBand(
  buf: ArrayBuffer,
  base: number,
  type: BandGrid['bandType'],
  length: number,
): (shift: number) => Uint8Array | Float32Array | Float64Array {
  const views = new Map<number, Uint8Array | Float32Array | Float64Array>();
  const T = type === 'u8' ? Uint8Array : type === 'f32' ? Float32Array : Float64Array;
  return (shift) => {
    let v = views.get(shift);
    if (!v) views.set(shift, (v = new T(buf, base + shift, length)));
    return v;
  };
}

/** Statistics of a run, for tests and `--explain-plan`. */
export interface BandStats {
  /** Bands recomputed in f64 (float32 tolerance guard). */
  exactBands: number;
  /** uint8 vectors whose rounding was not certain and were recomputed in f64. */
  exactVectors: number;
  /** uint8 outputs recomputed in f64 (the integer 3×3 loop's exact ties). */
  exactOutputs: number;
}

/**
 * Test hook: while `on`, the float32 direct and separable runners of this thread (./direct.ts,
 * ./separable.ts, ./inplace.ts) record, for each band, its first output row and the guard's
 * statistics of its input — [m0, largest |x| (NaN for NaN or ±Infinity), 0 or −Infinity (any
 * sign bit set)].
 */
export const guardTrace: { on: boolean; bands: [number, number, number][] } = { on: false, bands: [] };

/** Runs the bands `claim` hands out, writing output rows into `out`; `done` after each band. */
export type BandRunner<P extends BandGrid> = (
  arena: SimdArena,
  prog: P,
  source: BandSource,
  claim: BandClaim,
  out: AnyTypedArray,
  stats: BandStats,
  done: (band: number) => void,
) => void;

/** Per-band f32 tolerance guard shared by the float32 paths (see ./direct.ts). */
export interface F32Guard {
  /** γ-factor of the loop: |f32 − exact| ≤ gamma·Σ|w|·|x| per output. */
  readonly gamma: number;
  /** Σ|w| over the kernel (for separable: Σ|col|·Σ|row|). */
  readonly sumAbs: number;
  /** All weights ≥ 0: with data ≥ 0 the bound tightens to gamma·|y|. */
  readonly nonNegative: boolean;
  /**
   * Every value the loops compute on the way (pair sums, products, partial sums, the output)
   * is at most peak·max|x| in magnitude, up to a factor (1 + gamma).
   */
  readonly peak: number;
}

/** γ(k) for unit roundoff u: k·u / (1 − k·u). */
export function gammaOf(k: number, u: number): number {
  return (k * u) / (1 - k * u);
}

/**
 * Whether f32 results of a band are within DESIGN.md's float32 tolerance (half of it, for
 * margin: 0.5e-5 of the band's largest output), given the band input's largest |x|, its
 * smallest x or a lower bound of it, and the output's largest |y|. NaN or ±Infinity anywhere
 * (NaN passed for maxX or maxY): not within.
 */
export function f32Acceptable(g: F32Guard, maxX: number, minX: number, maxY: number): boolean {
  if (!Number.isFinite(maxY) || !Number.isFinite(maxX)) return false;
  const bound = g.nonNegative && minX >= 0 ? g.gamma * maxY * (1 + 2 * g.gamma) : g.gamma * g.sumAbs * maxX;
  return bound <= 0.5e-5 * maxY;
}

/**
 * f32Acceptable for a band whose outputs are in engine memory, reading as few of them as the
 * input statistics allow — always the same answer as f32Acceptable over all outputs:
 *   - when peak·maxX < 2¹²⁷ no value of the loops can round to ±Infinity (FLT_MAX ≈ 2¹²⁸), and
 *     finite inputs then give finite outputs: maxY is finite without looking;
 *   - the non-negative bound γ·maxY·(1 + 2γ) ≤ 0.5e-5·maxY then holds for every maxY ≥ 0 when
 *     γ·(1 + 2γ) ≤ 0.5e-5 — no output read at all;
 *   - the general bound compares γ·Σ|w|·maxX with 0.5e-5·maxY, which only grows with maxY: the
 *     largest |y| of the band's first output row is a lower bound, and when it passes, the
 *     whole band does.
 * Otherwise the largest |y| over every output decides. `absMax(n)`: the largest |y| over the
 * band's first n outputs (rows of `rowLength`, `rows` of them), NaN for NaN or ±Infinity.
 * On the bench's W1 (4K float32, 3×3 with weights of both signs) the first row is 1/32 of a
 * band, and Gaussians on data ≥ 0 read no output at all.
 */
export function f32AcceptableBand(
  g: F32Guard,
  maxX: number,
  minX: number,
  absMax: (count: number) => number,
  rowLength: number,
  rows: number,
): boolean {
  if (Number.isFinite(maxX) && g.peak * maxX < 2 ** 127) {
    if (g.nonNegative && minX >= 0) {
      if (g.gamma * (1 + 2 * g.gamma) * (1 + 1e-9) <= 0.5e-5) return true;
    } else if (g.gamma * g.sumAbs * maxX <= 0.5e-5 * absMax(rowLength)) return true;
  }
  return f32Acceptable(g, maxX, minX, absMax(rowLength * rows));
}
