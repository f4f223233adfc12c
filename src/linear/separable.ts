/**
 * The separable method: a rank-1 kernel h = col ⊗ row runs as two 1-D passes, kh + kw
 * multiplications per pixel instead of kh·kw.
 *
 *   pass 1 (columns):  t[c]    = Σ_i col[i] · P[m + i, c]          c over the padded width
 *   pass 2 (rows):     y[m, n] = Σ_j row[j] · t[n + j]
 *
 * P is the padded plane (src/border pads each source row once, into a ring of the last kh
 * rows), so the loops never test bounds and every border mode and output shape means what
 * it means for the direct method: y[m, n] = Σ_i Σ_j col[i]·row[j]·P[m + i, n + j].
 * Zero taps are skipped in both passes, so a NaN under a zero weight of h reaches no
 * output (h[i, j] = 0 exactly when col[i] = 0 or row[j] = 0), as on the direct path.
 * The sum order differs from the direct path: results agree within float rounding, and
 * exactly when every product and partial sum is exact (integer images with integer or
 * dyadic taps: Sobel, Scharr, binomial, OpenCV's small Gaussian tables).
 *
 * The two 1-D loops are swappable (`SeparableLoops`): the plain-TypeScript ones below, or
 * a faster engine's.
 *
 * Box filters (constant taps) have their own O(1)-per-pixel path here: running sums.
 */
import type { Border } from '../border/border.js';
import { borderIndexMap, padRows } from '../border/border.js';
import { toInteger } from '../core/cast.js';
import { allocate, integerMax, isIntegerDType } from '../core/dtypes.js';
import { type NDArray, imageDims, ndarray } from '../core/ndarray.js';
import type { Factors } from '../kernels/separable.js';
import { type Geometry, type LinearSpec, type PlaneFilter, linearGeometry } from './correlate.js';

/**
 * Column pass over kh consecutive padded rows that start at `base` in `src`, `stride`
 * apart (the stride is fixed when the pass is built):
 *
 *   dst[c] = Σ_i taps[i] · src[base + i·stride + c]      for 0 ≤ c < width
 *
 * Taps equal to 0 must be skipped (not multiplied), so a NaN under them is not read.
 */
export type ColumnPass = (
  src: Float32Array | Float64Array,
  base: number,
  dst: Float64Array,
  width: number,
) => void;

/**
 * Row pass (1-D correlation of one row):
 *
 *   dst[d + n] = Σ_j taps[j] · src[n + j]                for 0 ≤ n < width
 *
 * `src` holds width + kw − 1 values. Taps equal to 0 must be skipped.
 */
export type RowPass = (src: Float64Array, dst: Float32Array | Float64Array, d: number, width: number) => void;

/**
 * Column pass for two consecutive output rows at once, from kh + 1 rows starting at `base`:
 *
 *   dst0[c] = Σ_i taps[i] · src[base + i·stride + c]
 *   dst1[c] = Σ_i taps[i] · src[base + (i + 1)·stride + c]
 *
 * Each row value is loaded once for both outputs (optional: without it rows go one at a time).
 */
export type ColumnPass2 = (
  src: Float32Array | Float64Array,
  base: number,
  dst0: Float64Array,
  dst1: Float64Array,
  width: number,
) => void;

/** The two loops of the separable method, built once per (taps, stride). */
export interface SeparableLoops {
  readonly name: string;
  columnPass(taps: Float64Array, stride: number): ColumnPass;
  /** Optional paired-rows column pass (undefined: the plane filter uses `columnPass` per row). */
  columnPass2?(taps: Float64Array, stride: number): ColumnPass2 | undefined;
  rowPass(taps: Float64Array): RowPass;
}

/** A term of a 1-D sum: w·(x[a] + s·x[b]) (b = −1: w·x[a]); symmetric taps pair up. */
export interface Term {
  readonly w: number;
  readonly a: number;
  readonly b: number;
  readonly sign: 1 | -1;
}

/**
 * Pairs taps j and n−1−j when they are equal (symmetric kernels: Gaussian, box, binomial)
 * or opposite (antisymmetric: derivatives), halving the multiplications; skips zeros.
 */
export function termsOf(taps: Float64Array): Term[] {
  const n = taps.length;
  const terms: Term[] = [];
  for (let j = 0; j < n >> 1; j++) {
    const w = taps[j];
    const v = taps[n - 1 - j];
    if (w === v && w !== 0) terms.push({ w, a: j, b: n - 1 - j, sign: 1 });
    else if (w === -v && w !== 0) terms.push({ w, a: j, b: n - 1 - j, sign: -1 });
    else {
      if (w !== 0) terms.push({ w, a: j, b: -1, sign: 1 });
      if (v !== 0) terms.push({ w: v, a: n - 1 - j, b: -1, sign: 1 });
    }
  }
  if (n % 2 === 1 && taps[n >> 1] !== 0) terms.push({ w: taps[n >> 1], a: n >> 1, b: -1, sign: 1 });
  return terms;
}

/**
 * Terms per generated loop body: one expression of up to this many products. Longer
 * kernels run as several accumulating passes, which keeps each body small enough for V8
 * to optimise and the rows it reads few enough for the cache. 12 covers a 25-tap
 * symmetric kernel (Gaussian σ ≤ 3 by the SciPy rule) in one pass.
 */
export const TERMS_PER_PASS = 12;

let codegenAvailable = true;
const cache = new Map<string, (...args: never[]) => void>();

function compile<F>(key: string, params: string[], body: string): F | undefined {
  const hit = cache.get(key);
  if (hit) return hit as F;
  if (!codegenAvailable) return undefined;
  try {
    const f = new Function(...params, body) as (...args: never[]) => void;
    if (cache.size > 512) cache.clear();
    cache.set(key, f);
    return f as F;
  } catch {
    // A strict Content-Security-Policy forbids `new Function`: use the generic loops.
    codegenAvailable = false;
    return undefined;
  }
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out.length ? out : [[]];
}

/** `w·(X(a) ± X(b))` with the weight as a literal (a JS number prints in a form that reads back exactly). */
function termExpr(t: Term, at: (k: number) => string): string {
  return t.b < 0 ? `(${t.w}) * ${at(t.a)}` : `(${t.w}) * (${at(t.a)} ${t.sign > 0 ? '+' : '-'} ${at(t.b)})`;
}

/** Generated column pass: each chunk of terms is one loop over the row with literal weights and offsets. */
function generatedColumnPass(taps: Float64Array, stride: number): ColumnPass | undefined {
  const parts = chunks(termsOf(taps), TERMS_PER_PASS);
  const loops: ((s: Float32Array | Float64Array, base: number, dst: Float64Array, width: number) => void)[] =
    [];
  for (let p = 0; p < parts.length; p++) {
    const expr = parts[p].length
      ? parts[p].map((t) => termExpr(t, (k) => `S[q + ${k * stride}]`)).join(' + ')
      : '0';
    const op = p === 0 ? '=' : '+=';
    const body = `for (let c = 0, q = base; c < width; c++, q++) dst[c] ${op} ${expr};`;
    const f = compile<(typeof loops)[number]>(
      `col|${stride}|${p}|${expr}`,
      ['S', 'base', 'dst', 'width'],
      body,
    );
    if (!f) return undefined;
    loops.push(f);
  }
  if (loops.length === 1) return loops[0];
  return (src, base, dst, width) => {
    for (const f of loops) f(src, base, dst, width);
  };
}

/**
 * Generated paired-rows column pass: output rows m and m + 1 share kh − 1 of their kh source
 * rows, so each chunk loads its rows once and writes both outputs. With 17 taps this took
 * ~25 % less time than two single-row passes on a 4K float32 image (Node 20, 2-core x86-64,
 * shared machine); below ~11 taps it is not faster, so `JS_SEPARABLE_LOOPS` uses it from 11 taps.
 */
function generatedColumnPass2(taps: Float64Array, stride: number): ColumnPass2 | undefined {
  const parts = chunks(termsOf(taps), TERMS_PER_PASS);
  type Loop = ColumnPass2;
  const loops: Loop[] = [];
  for (let p = 0; p < parts.length; p++) {
    const op = p === 0 ? '=' : '+=';
    const used = new Set<number>();
    for (const t of parts[p]) for (const k of t.b < 0 ? [t.a] : [t.a, t.b]) used.add(k).add(k + 1);
    const loads = [...used].map((k) => `const v${k} = S[q + ${k * stride}];`).join(' ');
    const expr = (shift: number) =>
      parts[p].length ? parts[p].map((t) => termExpr(t, (k) => `v${k + shift}`)).join(' + ') : '0';
    const body = `for (let c = 0, q = base; c < width; c++, q++) { ${loads} d0[c] ${op} ${expr(0)}; d1[c] ${op} ${expr(1)}; }`;
    const f = compile<Loop>(`col2|${stride}|${p}|${expr(0)}`, ['S', 'base', 'd0', 'd1', 'width'], body);
    if (!f) return undefined;
    loops.push(f);
  }
  if (loops.length === 1) return loops[0];
  return (src, base, d0, d1, width) => {
    for (const f of loops) f(src, base, d0, d1, width);
  };
}

/** Fewest taps for which the paired-rows column pass pays (see generatedColumnPass2). */
const PAIRED_ROWS_MIN_TAPS = 11;

/**
 * Generated row pass: each chunk of terms is one loop computing two outputs per iteration,
 * so every value loaded serves both (x[n + k] is output n's tap k and output n+1's tap k−1);
 * on a 4K float32 row this was ~25 % faster than one output per iteration (Node 20, 2-core
 * x86-64). The first chunk writes `dst`; with more chunks they add into a float64 scratch row.
 */
function generatedRowPass(taps: Float64Array): RowPass | undefined {
  const parts = chunks(termsOf(taps), TERMS_PER_PASS);
  type Loop = (s: Float64Array, dst: Float32Array | Float64Array, d: number, width: number) => void;
  const loops: Loop[] = [];
  for (let p = 0; p < parts.length; p++) {
    const op = p === 0 ? '=' : '+=';
    const used = new Set<number>();
    for (const t of parts[p]) for (const k of t.b < 0 ? [t.a] : [t.a, t.b]) used.add(k).add(k + 1);
    const loads = [...used].map((k) => `const v${k} = S[n + ${k}];`).join(' ');
    const at = (shift: number) => (k: number) => `v${k + shift}`;
    const pair = parts[p].length ? parts[p].map((t) => termExpr(t, at(0))).join(' + ') : '0';
    const pair1 = parts[p].length ? parts[p].map((t) => termExpr(t, at(1))).join(' + ') : '0';
    const single = parts[p].length ? parts[p].map((t) => termExpr(t, (k) => `S[n + ${k}]`)).join(' + ') : '0';
    const body = `let n = 0;
for (; n + 1 < width; n += 2) { ${loads} dst[d + n] ${op} ${pair}; dst[d + n + 1] ${op} ${pair1}; }
for (; n < width; n++) dst[d + n] ${op} ${single};`;
    const f = compile<Loop>(`row|${p}|${single}`, ['S', 'dst', 'd', 'width'], body);
    if (!f) return undefined;
    loops.push(f);
  }
  if (loops.length === 1) return loops[0];
  // Accumulate in float64 even for a float32 output, then store once (as the direct path).
  let scratch = new Float64Array(0);
  return (src, dst, d, width) => {
    if (scratch.length < width) scratch = new Float64Array(width);
    for (const f of loops) f(src, scratch, 0, width);
    if (dst instanceof Float64Array) dst.set(scratch.subarray(0, width), d);
    else for (let n = 0; n < width; n++) dst[d + n] = scratch[n];
  };
}

/** Generic column pass (no code generation): one pass over the row per term. */
function genericColumnPass(taps: Float64Array, stride: number): ColumnPass {
  const terms = termsOf(taps);
  return (src, base, dst, width) => {
    dst.fill(0, 0, width);
    for (const t of terms) {
      const a = base + t.a * stride;
      const w = t.w;
      if (t.b < 0) {
        for (let c = 0; c < width; c++) dst[c] += w * src[a + c];
      } else {
        const b = base + t.b * stride;
        const s = t.sign;
        for (let c = 0; c < width; c++) dst[c] += w * (src[a + c] + s * src[b + c]);
      }
    }
  };
}

/** Generic row pass (no code generation): a dot product per output. */
function genericRowPass(taps: Float64Array): RowPass {
  const terms = termsOf(taps);
  const ws = Float64Array.from(terms, (t) => t.w);
  const as = Int32Array.from(terms, (t) => t.a);
  const bs = Int32Array.from(terms, (t) => t.b);
  const ss = Float64Array.from(terms, (t) => t.sign);
  const nt = terms.length;
  return (src, dst, d, width) => {
    for (let n = 0; n < width; n++) {
      let s = 0;
      for (let t = 0; t < nt; t++)
        s += bs[t] < 0 ? ws[t] * src[n + as[t]] : ws[t] * (src[n + as[t]] + ss[t] * src[n + bs[t]]);
      dst[d + n] = s;
    }
  };
}

/**
 * The plain-TypeScript loops: generated code with the taps as literals (symmetric and
 * antisymmetric taps paired), falling back to generic loops where `new Function` is not
 * allowed.
 */
export const JS_SEPARABLE_LOOPS: SeparableLoops = {
  name: 'js',
  columnPass: (taps, stride) => generatedColumnPass(taps, stride) ?? genericColumnPass(taps, stride),
  columnPass2: (taps, stride) =>
    taps.length >= PAIRED_ROWS_MIN_TAPS ? generatedColumnPass2(taps, stride) : undefined,
  rowPass: (taps) => generatedRowPass(taps) ?? genericRowPass(taps),
};

/** The generic loops only (the reference the generated ones are tested against). */
export const GENERIC_SEPARABLE_LOOPS: SeparableLoops = {
  name: 'js-generic',
  columnPass: genericColumnPass,
  rowPass: genericRowPass,
};

/**
 * Keeps the last `kh` padded rows of a plane, each padded once by src/border. Rows are stored
 * twice (slots s and s + kh) so that rows m .. m + kh − 1 are always consecutive, `pw` apart,
 * starting at `base(m)`: the column pass then reads fixed offsets.
 */
class RowRing {
  readonly buf: Float32Array | Float64Array;
  private readonly cols: Int32Array;
  private next = 0;
  constructor(
    private readonly src: Parameters<PlaneFilter>[0],
    private readonly geo: Geometry,
    private readonly border: Border,
    Band: Float32ArrayConstructor | Float64ArrayConstructor,
    private readonly kh: number,
  ) {
    this.buf = new Band(2 * kh * geo.paddedWidth);
    this.cols = borderIndexMap(src.width, geo.pad.left, geo.pad.right, border.mode);
  }
  /** Makes padded rows up to `r` (inclusive) available. */
  fill(r: number): void {
    const pw = this.geo.paddedWidth;
    for (; this.next <= r; this.next++) {
      const s = (this.next % this.kh) * pw;
      padRows(
        this.src,
        this.geo.pad,
        this.border,
        this.next,
        this.next + 1,
        this.buf.subarray(s, s + pw),
        this.cols,
      );
      this.buf.copyWithin(s + this.kh * pw, s, s + pw);
    }
  }
  base(m: number): number {
    return (m % this.kh) * this.geo.paddedWidth;
  }
}

/**
 * The separable method as a plane filter: for each output row, pad the one new source row,
 * combine kh rows with `col`, then correlate that row with `row`.
 */
export function separablePlanes(factors: Factors, loops: SeparableLoops = JS_SEPARABLE_LOOPS): PlaneFilter {
  const { col, row } = factors;
  const kh = col.length;
  return (src, geo, border, Band, emit) => {
    const pw = geo.paddedWidth;
    const columns = loops.columnPass(col, pw);
    const columns2 = geo.outHeight > 1 ? loops.columnPass2?.(col, pw) : undefined;
    const rows = loops.rowPass(row);
    // one row more when rows go in pairs: rows m .. m + kh must then be consecutive
    const ring = new RowRing(src, geo, border, Band, columns2 ? kh + 1 : kh);
    const t0 = new Float64Array(pw);
    const t1 = new Float64Array(pw);
    const write0 = (dst: Float32Array | Float64Array, d: number) => rows(t0, dst, d, geo.outWidth);
    const write1 = (dst: Float32Array | Float64Array, d: number) => rows(t1, dst, d, geo.outWidth);
    let m = 0;
    if (columns2) {
      for (; m + 1 < geo.outHeight; m += 2) {
        ring.fill(m + kh);
        columns2(ring.buf, ring.base(m), t0, t1, pw);
        emit(m, write0);
        emit(m + 1, write1);
      }
    }
    for (; m < geo.outHeight; m++) {
      ring.fill(m + kh - 1);
      columns(ring.buf, ring.base(m), t0, pw);
      emit(m, write0);
    }
  };
}

/**
 * Box sums by running sums, O(1) per pixel whatever the size: for a kh × kw window,
 *
 *   y[m, n] = scale · Σ_{i<kh} Σ_{j<kw} P[m + i, n + j]     (scale 1, or 1/(kh·kw) by division)
 *
 * Each padded row's horizontal window sums come from one running sum (add the entering
 * value, subtract the leaving one); the column sums likewise over the last kh rows. For
 * integer images every sum is an integer below 2^53, so it is exact, and `divisor` is applied
 * by one division: an integer output is then round-half-even of the exact mean. For float
 * images the running sums carry a rounding error of about (width + height)·2^−53 of the
 * largest window sum — far inside the float tolerance; non-finite values must not come here
 * (a NaN would poison every later sum): the caller filters such planes with separable taps.
 */
export function boxSumPlanes(kh: number, kw: number, divisor: number): PlaneFilter {
  return (src, geo, border, Band, emit) => {
    const ow = geo.outWidth;
    const cols = borderIndexMap(src.width, geo.pad.left, geo.pad.right, border.mode);
    const p = new Band(geo.paddedWidth);
    // horizontal sums of the last kh padded rows (a ring), and their running column sums
    const hs = new Float64Array(kh * ow);
    const colSum = new Float64Array(ow);
    for (let r = 0; r < kh; r++) {
      padRows(src, geo.pad, border, r, r + 1, p, cols);
      windowSums(p, kw, 1, hs, r * ow, ow);
      addRow(colSum, hs, r * ow, ow);
    }
    const write = (dst: Float32Array | Float64Array, d: number) => scaleRow(colSum, divisor, dst, d, ow);
    for (let m = 0; m < geo.outHeight; m++) {
      if (m > 0) {
        // row m + kh − 1 enters, row m − 1 leaves; both use ring slot (m − 1) % kh
        const o = ((m - 1) % kh) * ow;
        padRows(src, geo.pad, border, m + kh - 1, m + kh, p, cols);
        replaceRow(colSum, hs, o, p, kw, 1, ow);
      }
      emit(m, write);
    }
  };
}

/** Largest table of rounded means the integer box path builds (entries; 2 MB of uint8). */
const MAX_BOX_TABLE = 1 << 21;

/**
 * The box filter for integer images with integer outputs: the same running sums as
 * `boxSumPlanes`, but each window sum S goes straight to the output through a table
 * T[S] = round(S / divisor) (spec.rounding, saturated) — every entry computed once by
 * `toInteger`, so the result is identical to `boxSumPlanes` + `storeRow`, without a float
 * row and a rounding pass per pixel. Returns undefined where the table would not apply
 * (float data, a fractional or out-of-range cval, alpha premultiplication, a table larger
 * than MAX_BOX_TABLE); the caller then uses `boxSumPlanes`.
 */
export function runBoxInteger(input: NDArray, spec: LinearSpec, divisor: number): NDArray | undefined {
  const { rows: kh, cols: kw } = spec.kernel;
  const { height, width, channels } = imageDims(input);
  if (!isIntegerDType(input.dtype) || !isIntegerDType(spec.dtype) || spec.shape !== 'same') return undefined;
  if (input.alpha === true && spec.alpha === 'premultiply' && (channels === 2 || channels === 4))
    return undefined;
  const inMax = integerMax(input.dtype);
  const { cval } = spec.border;
  if (spec.border.mode === 'constant' && !(Number.isInteger(cval) && cval >= 0 && cval <= inMax))
    return undefined;
  const size = inMax * kh * kw + 1;
  if (size > MAX_BOX_TABLE) return undefined;
  const outDType = spec.dtype;
  const table = allocate(outDType, size);
  for (let S = 0; S < size; S++) table[S] = toInteger(S / divisor, outDType, spec.rounding);
  const geo = linearGeometry(spec, height, width);
  const out = allocate(outDType, height * width * channels);
  // The interleaved rows are processed whole (all channels at once, contiguous): the padded
  // row comes from padRows with a per-element column map built from src/border's pixel map.
  const C = channels;
  const pixelCols = borderIndexMap(width, geo.pad.left, geo.pad.right, spec.border.mode);
  const cols = new Int32Array(pixelCols.length * C);
  for (let k = 0; k < pixelCols.length; k++)
    for (let c = 0; c < C; c++) cols[k * C + c] = pixelCols[k] < 0 ? -1 : pixelCols[k] * C + c;
  const view = { data: input.data, offset: 0, rowStride: width * C, colStride: 1, height, width: width * C };
  const pad = { top: geo.pad.top, bottom: geo.pad.bottom, left: geo.pad.left * C, right: geo.pad.right * C };
  const ow = geo.outWidth * C;
  const p = new Float32Array(geo.paddedWidth * C);
  const hs = new Float64Array(kh * ow);
  const colSum = new Float64Array(ow);
  for (let r = 0; r < kh; r++) {
    padRows(view, pad, spec.border, r, r + 1, p, cols);
    windowSums(p, kw, C, hs, r * ow, ow);
    addRow(colSum, hs, r * ow, ow);
  }
  for (let m = 0; m < geo.outHeight; m++) {
    if (m > 0) {
      padRows(view, pad, spec.border, m + kh - 1, m + kh, p, cols);
      replaceRow(colSum, hs, ((m - 1) % kh) * ow, p, kw, C, ow);
    }
    lookupRow(colSum, table, out, m * ow, ow);
  }
  return ndarray(out, input.shape, { alpha: input.alpha === true && (channels === 2 || channels === 4) });
}

function lookupRow(
  sums: Float64Array,
  table: Uint8Array | Uint16Array | Float32Array | Float64Array,
  out: Uint8Array | Uint16Array | Float32Array | Float64Array,
  o: number,
  width: number,
): void {
  // `| 0`: an int32 index keeps the load on the fast path (a double index would not)
  for (let n = 0; n < width; n++) out[o + n] = table[sums[n] | 0];
}

// The running-sum loops are top-level functions (not closures) so V8 optimises each once.

/**
 * out[o + e] = Σ_{j<kw} p[e + j·C] for e < width: window sums along a row of C interleaved
 * channels (C = 1 for a plane), by running sums: out[e] = out[e − C] + (p[e + (kw−1)·C] − p[e − C]).
 */
function windowSums(
  p: Float32Array | Float64Array,
  kw: number,
  C: number,
  out: Float64Array,
  o: number,
  width: number,
): void {
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < kw; j++) s += p[j * C + c];
    out[o + c] = s;
  }
  const lead = (kw - 1) * C;
  for (let e = C; e < width; e++) out[o + e] = out[o + e - C] + (p[e + lead] - p[e - C]);
}

function addRow(acc: Float64Array, src: Float64Array, o: number, width: number): void {
  for (let n = 0; n < width; n++) acc[n] += src[o + n];
}

/** Swaps ring row `o` for the window sums of the padded row `p` (C channels), updating the column sums. */
function replaceRow(
  colSum: Float64Array,
  hs: Float64Array,
  o: number,
  p: Float32Array | Float64Array,
  kw: number,
  C: number,
  width: number,
): void {
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < kw; j++) s += p[j * C + c];
    colSum[c] += s - hs[o + c];
    hs[o + c] = s;
  }
  const lead = (kw - 1) * C;
  for (let e = C; e < width; e++) {
    const s = hs[o + e - C] + (p[e + lead] - p[e - C]);
    colSum[e] += s - hs[o + e];
    hs[o + e] = s;
  }
}

function scaleRow(
  src: Float64Array,
  divisor: number,
  dst: Float32Array | Float64Array,
  d: number,
  width: number,
): void {
  if (divisor === 1) for (let n = 0; n < width; n++) dst[d + n] = src[n];
  else for (let n = 0; n < width; n++) dst[d + n] = src[n] / divisor;
}
