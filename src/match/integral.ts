/**
 * Window sums from integral images (summed-area tables) in float64. Row k of the table
 * holds, for every c, Σ of x over rows < k and columns < c, so any h×w window's sum is
 * four lookups: T[r+h][c+w] − T[r+h][c] − T[r][c+w] + T[r][c]. The table is built row by
 * row and only its last h+1 rows are kept (a ring), so a 1080p plane needs 2 MiB, not 32.
 *
 * The output rows are cut into a fixed grid of bands (`statBandRows`) and each band builds its
 * own tables from its first data row, so bands are independent: the worker pool runs them in
 * parallel (./stats-engine.ts) and every path and thread count gives the same bits.
 */

import type { SimdArena } from '../engine/simd.js';

/** Which window statistic to add up. */
export type WindowStat = 'sumSq' | 'centredSumSq';

/** Totals over the plane that bound every table entry, for rounding-error bounds. */
export interface WindowTotals {
  /** Σ|x − shift|: a bound on every entry of the Σx table. */
  readonly absTotal: number;
  /** Σ(x − shift)²: the largest entry of the Σx² table. */
  readonly sqTotal: number;
}

/**
 * Output rows per band of the statistics' fixed grid for an h-row template and outHeight
 * output rows: an even number of bands of at most ~512 rows (two threads split them evenly),
 * each at least 4h tall, since a band re-reads its h − 1 halo rows into fresh tables. A 64×64
 * template on 1080p: 2 bands of 509 rows, 6 % more table rows than one pass.
 */
export function statBandRows(h: number, outHeight: number): number {
  const bands = 2 * Math.ceil(outHeight / 1024);
  return Math.max(4 * h, Math.ceil(outHeight / bands));
}

/**
 * The plane's totals for the rounding-error bound: Σ|x − shift| and Σ(x − shift)² over the
 * whole plane, which bound every entry of every band's tables (computed here once, the same
 * for every path).
 */
export function planeTotals(data: ArrayLike<number>, shift: number): WindowTotals {
  let absTotal = 0;
  let sqTotal = 0;
  for (let i = 0, n = data.length; i < n; i++) {
    const v = data[i] - shift;
    absTotal += Math.abs(v);
    sqTotal += v * v;
  }
  return { absTotal, sqTotal };
}

/**
 * Adds, for every position (r, c) of an h×w window in the H×W plane (element (r, c) at
 * data[r·W + c]), the window's Σx² (`sumSq`) or Σ(x − mean of the window)²
 * (`centredSumSq`) to acc[r·(W−w+1) + c]. The tables hold x − `shift` (the plane's mean:
 * subtracting it first keeps Σx² − (Σx)²/n from cancelling catastrophically); Σx² is
 * recovered as Σ(x−μ)² + 2μ·Σ(x−μ) + n·μ².
 */
export function addWindowStats(
  data: Rows,
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  acc: Float64Array,
  bandRows = statBandRows(h, height - h + 1),
): WindowTotals {
  const ow = width - w + 1;
  const oh = height - h + 1;
  for (let m0 = 0; m0 < oh; m0 += bandRows) {
    const rows = Math.min(bandRows, oh - m0);
    const band = data.subarray(m0 * width, (m0 + rows + h - 1) * width);
    bandWindowStats(band, rows + h - 1, width, h, w, shift, stat, acc.subarray(m0 * ow));
  }
  return planeTotals(data, shift);
}

/** `addWindowStats` of one band: tables from the band's first row. */
function bandWindowStats(
  data: ArrayLike<number>,
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  acc: Float64Array,
): void {
  const w1 = width + 1;
  const ring = h + 1;
  const sum = new Float64Array(ring * w1);
  const sq = new Float64Array(ring * w1);
  const ow = width - w + 1;
  const n = h * w;
  const nm2 = n * shift * shift;
  for (let k = 1; k <= height; k++) {
    // Table row k from row k − 1 and data row k − 1.
    const above = ((k - 1) % ring) * w1;
    const here = (k % ring) * w1;
    const src = (k - 1) * width;
    let rs = 0;
    let rq = 0;
    for (let c = 0; c < width; c++) {
      const v = data[src + c] - shift;
      rs += v;
      rq += v * v;
      sum[here + c + 1] = sum[above + c + 1] + rs;
      sq[here + c + 1] = sq[above + c + 1] + rq;
    }
    if (k < h) continue;
    const r = k - h; // output row: table rows r and k = r + h
    const a = (r % ring) * w1;
    const b = here;
    const o = r * ow;
    if (stat === 'sumSq') {
      for (let c = 0; c < ow; c++) {
        const s = sum[b + c + w] - sum[b + c] - sum[a + c + w] + sum[a + c];
        const q = sq[b + c + w] - sq[b + c] - sq[a + c + w] + sq[a + c];
        acc[o + c] += q + 2 * shift * s + nm2;
      }
    } else {
      for (let c = 0; c < ow; c++) {
        const s = sum[b + c + w] - sum[b + c] - sum[a + c + w] + sum[a + c];
        const q = sq[b + c + w] - sq[b + c] - sq[a + c + w] + sq[a + c];
        acc[o + c] += q - (s * s) / n;
      }
    }
  }
}

type Rows = ArrayLike<number> & { subarray(a: number, b: number): Rows };

/** Arena space for the table ring and one data row (call before taking views). */
function reserveTables(arena: SimdArena, width: number, h: number) {
  const size = (h + 1) * (width + 1) * 8;
  return { sumPtr: arena.reserve(size), sqPtr: arena.reserve(size), rowPtr: arena.reserve(width * 8) };
}

/**
 * The table rows and window rows of one band of `addWindowStats` on the WebAssembly loops:
 * `data` holds the band's height data rows (its outputs and h − 1 halo rows); output row r of
 * the band goes to byte offset `rowOut(r)` of the arena's memory, then `done(r)`.
 */
function windowRowsSimd(
  arena: SimdArena,
  t: ReturnType<typeof reserveTables>,
  data: Rows,
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  rowOut: (r: number) => number,
  done: (r: number) => void,
): void {
  const x = arena.exports;
  const w1 = width + 1;
  const ring = h + 1;
  const ow = width - w + 1;
  const n = h * w;
  const nm2 = n * shift * shift;
  const { sumPtr, sqPtr, rowPtr } = t;
  const buf = arena.buffer;
  new Float64Array(buf, sumPtr, ring * w1).fill(0);
  new Float64Array(buf, sqPtr, ring * w1).fill(0);
  const row = new Float64Array(buf, rowPtr, width);
  const centred = stat === 'centredSumSq' ? 1 : 0;
  for (let k = 1; k <= height; k++) {
    const above = ((k - 1) % ring) * w1 * 8;
    const here = (k % ring) * w1 * 8;
    row.set(data.subarray((k - 1) * width, k * width));
    x.matchTableRow(rowPtr, width, shift, sumPtr + above, sqPtr + above, sumPtr + here, sqPtr + here, 0);
    if (k < h) continue;
    const r = k - h;
    const a = (r % ring) * w1 * 8;
    x.matchWindowRow(
      sumPtr + a,
      sqPtr + a,
      sumPtr + here,
      sqPtr + here,
      w,
      ow,
      centred,
      n,
      shift,
      nm2,
      rowOut(r),
    );
    done(r);
  }
}

/**
 * Runs the bands of the fixed grid (`statBandRows`) on the WebAssembly loops, one after the
 * other: output row m of the plane goes to `rowOut(m)`, then `done(m)`.
 */
export function windowBandsSimd(
  arena: SimdArena,
  t: ReturnType<typeof reserveTables>,
  data: Rows,
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  bandRows: number,
  rowOut: (m: number) => number,
  done: (m: number) => void,
): void {
  const oh = height - h + 1;
  for (let m0 = 0; m0 < oh; m0 += bandRows) {
    const rows = Math.min(bandRows, oh - m0);
    const band = data.subarray(m0 * width, (m0 + rows + h - 1) * width);
    windowRowsSimd(
      arena,
      t,
      band,
      rows + h - 1,
      width,
      h,
      w,
      shift,
      stat,
      (r) => rowOut(m0 + r),
      (r) => done(m0 + r),
    );
  }
}

export { reserveTables };

/**
 * `addWindowStats` on the WebAssembly loops of wasm/match.ts (same operations in the same
 * order, the same bands: bit-identical). The table ring lives in the arena's memory; each data
 * row is copied in (widened exactly to float64) and each output row of window sums copied out.
 */
export function addWindowStatsSimd(
  arena: SimdArena,
  data: Rows,
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  acc: Float64Array,
  bandRows = statBandRows(h, height - h + 1),
): WindowTotals {
  const ow = width - w + 1;
  arena.reset();
  const t = reserveTables(arena, width, h);
  const outPtr = arena.reserve(ow * 8);
  const win = new Float64Array(arena.buffer, outPtr, ow);
  windowBandsSimd(
    arena,
    t,
    data,
    height,
    width,
    h,
    w,
    shift,
    stat,
    bandRows,
    () => outPtr,
    (m) => {
      const o = m * ow;
      for (let c = 0; c < ow; c++) acc[o + c] += win[c];
    },
  );
  return planeTotals(data, shift);
}

/**
 * ccoeff-normed scores of a single-plane image in the arena's memory, bit-identical to the
 * plain path of matchTemplate (window variances as `addWindowStats` gives them, added to
 * zero; the same tolerance and expression per score): the variances of every window stay in
 * the arena instead of a fresh array, and the scores are computed there.
 * `tolerance(totals)` gives the flat-window tolerance from the whole plane's totals.
 */
export function ccoeffNormedSimd(
  arena: SimdArena,
  data: Rows,
  height: number,
  width: number,
  h: number,
  w: number,
  mean: number,
  corr: Float64Array,
  tSq: number,
  numErr: number,
  tolerance: (t: WindowTotals) => number,
  out: Float32Array,
): void {
  const ow = width - w + 1;
  const count = (height - h + 1) * ow;
  arena.reset();
  const t = reserveTables(arena, width, h);
  const statPtr = arena.reserve(count * 8);
  const corrPtr = arena.reserve(count * 8);
  const outPtr = arena.reserve(count * 4);
  windowBandsSimd(
    arena,
    t,
    data,
    height,
    width,
    h,
    w,
    mean,
    'centredSumSq',
    statBandRows(h, height - h + 1),
    (m) => statPtr + m * ow * 8,
    () => {},
  );
  const buf = arena.buffer;
  new Float64Array(buf, corrPtr, count).set(corr);
  const tol = tolerance(planeTotals(data, mean));
  arena.exports.matchCcoeffNormed(statPtr, corrPtr, outPtr, count, tSq, tol, numErr);
  out.set(new Float32Array(buf, outPtr, count));
}
