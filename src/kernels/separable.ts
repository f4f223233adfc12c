/**
 * Separability: is a kernel an outer product col ⊗ row (rank 1)? Then correlating with it
 * is one pass with `row` along each image row and one with `col` along each column, kh + kw
 * multiplications per pixel instead of kh·kw.
 *
 * Test (equivalent to asking that the second singular value vanish): take the largest
 * |tap| h[p, q] as pivot, col = h[:, q], row = h[p, :] / h[p, q] — the one-step cross
 * approximation, exact for a rank-1 kernel — and accept when every tap satisfies
 *
 *     |h[i, j] − col[i]·row[j]| ≤ SEPARABLE_TOLERANCE · max|h|      (1e-12)
 *
 * and col[i]·row[j] = 0 exactly where h[i, j] = 0 (so NaN and ±Infinity reach the same
 * outputs as on the direct path).
 *
 * The tolerance is that tight on purpose: a separable plan must agree with the direct one
 * within float tolerance, so a kernel that is only nearly rank 1 (e.g. a float32-rounded
 * Gaussian, residual ~1e-8) runs directly.
 */
import type { Kernel } from './kernel.js';

export const SEPARABLE_TOLERANCE = 1e-12;

/** The two factors of a rank-1 kernel: h[i, j] = col[i] · row[j]. */
export interface Factors {
  readonly col: Float64Array;
  readonly row: Float64Array;
}

/** Factors known exactly because a factory built the kernel from them (no re-detection needed). */
const known = new WeakMap<Kernel, Factors>();

/** Records that `k` is exactly col ⊗ row (as built by a factory); returns `k`. */
export function withFactors(k: Kernel, col: ArrayLike<number>, row: ArrayLike<number>): Kernel {
  known.set(k, { col: Float64Array.from(col), row: Float64Array.from(row) });
  return k;
}

/**
 * The factors of a rank-1 kernel, or undefined when it is not rank 1 within
 * `SEPARABLE_TOLERANCE`. As found (col = a column of h, row = a row of h divided by the
 * pivot), so that integer and dyadic kernels keep exact factors; `displayFactors` rescales
 * them for reading.
 *
 * @example
 *   separate({ data: Float64Array.from([1, 2, 2, 4]), rows: 2, cols: 2 });  // col [2, 4], row [0.5, 1]
 */
export function separate(k: Kernel, tolerance = SEPARABLE_TOLERANCE): Factors | undefined {
  const hit = known.get(k);
  if (hit) return hit;
  const { data, rows, cols } = k;
  let p = 0;
  let q = 0;
  let max = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(data[i * cols + j]);
      if (a > max) [max, p, q] = [a, i, j];
    }
  }
  if (max === 0) return { col: new Float64Array(rows), row: new Float64Array(cols).fill(1) };
  const pivot = data[p * cols + q];
  // Two normalisations: the pivot divides the row or the column. They differ only where a
  // division rounds or underflows; trying both keeps e.g. every 1-row kernel exactly rank 1.
  for (const divideRow of [true, false]) {
    const col = new Float64Array(rows);
    const row = new Float64Array(cols);
    for (let i = 0; i < rows; i++) col[i] = divideRow ? data[i * cols + q] : data[i * cols + q] / pivot;
    for (let j = 0; j < cols; j++) row[j] = divideRow ? data[p * cols + j] / pivot : data[p * cols + j];
    if (divideRow) row[q] = 1;
    else col[p] = 1;
    if (reconstructs(data, rows, cols, col, row, tolerance * max)) return { col, row };
  }
  return undefined;
}

/** Every tap within `limit` of col[i]·row[j], and zero exactly where the product is zero. */
function reconstructs(
  data: Float64Array,
  rows: number,
  cols: number,
  col: Float64Array,
  row: Float64Array,
  limit: number,
): boolean {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const h = data[i * cols + j];
      const p = col[i] * row[j];
      // the zero taps must match too: a NaN under a non-zero tap reaches the output, under a zero one not
      if (!(Math.abs(h - p) <= limit) || (h === 0) !== (p === 0)) return false;
    }
  }
  return true;
}

/**
 * Factors rescaled for reading, their product unchanged (beyond rounding): when both have a
 * non-zero sum of the same sign, each sums to √(Σh) (a normalised Gaussian gives its 1-D
 * taps, a box two 1-D boxes); otherwise the first non-zero entry of `col` is made positive
 * (Sobel x gives [1 2 1]ᵀ ⊗ [−1 0 1]).
 */
export function displayFactors({ col, row }: Factors): Factors {
  const sc = col.reduce((s, v) => s + v, 0);
  const sr = row.reduce((s, v) => s + v, 0);
  if (sc !== 0 && sr !== 0 && sc * sr > 0) {
    // col·a and row/a with Σ(col·a) = Σ(row/a) = √(sc·sr)
    const target = Math.sqrt(sc * sr);
    const a = target / sc;
    const b = target / sr;
    return { col: col.map((v) => v * a), row: row.map((v) => v * b) };
  }
  const first = col.find((v) => v !== 0) ?? 1;
  if (first < 0) return { col: col.map((v) => -v), row: row.map((v) => -v) };
  return { col, row };
}
