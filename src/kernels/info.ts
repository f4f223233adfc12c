/**
 * What a kernel is: size, sums, symmetries, separability, and whether convolving with it
 * differs from correlating with it.
 */
import { type Kernel, type KernelLike, flipKernel, toKernel } from './kernel.js';
import { kernelSum } from './algebra.js';
import { type Factors, SEPARABLE_TOLERANCE, displayFactors, separate } from './separable.js';

/** How a kernel relates to a mirrored copy of itself: h' = h, h' = −h, or neither. */
export type Symmetry = 'symmetric' | 'antisymmetric' | 'none';

export interface KernelInfo {
  readonly rows: number;
  readonly cols: number;
  /** Default anchor [kh//2, kw//2]. */
  readonly anchor: readonly [number, number];
  readonly sum: number;
  readonly absSum: number;
  readonly min: number;
  readonly max: number;
  /** h[i, kw−1−j] vs h[i, j]. */
  readonly leftRight: Symmetry;
  /** h[kh−1−i, j] vs h[i, j]. */
  readonly upDown: Symmetry;
  /** flip(h) (180° rotation) vs h: symmetric ⇒ convolve = correlate; antisymmetric ⇒ convolve = −correlate. */
  readonly rotation: Symmetry;
  /** The rank-1 factors for reading (`displayFactors`), or null when not separable. */
  readonly separable: Factors | null;
  /** The tolerance of the rank-1 test, relative to max|h|. */
  readonly separableTolerance: number;
}

function compare(a: Float64Array, b: Float64Array, tol: number): Symmetry {
  let same = true;
  let opposite = true;
  for (let i = 0; i < a.length && (same || opposite); i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol)) same = false;
    if (!(Math.abs(a[i] + b[i]) <= tol)) opposite = false;
  }
  return same ? 'symmetric' : opposite ? 'antisymmetric' : 'none';
}

function mirrored(k: Kernel, lr: boolean): Float64Array {
  const out = new Float64Array(k.data.length);
  for (let i = 0; i < k.rows; i++)
    for (let j = 0; j < k.cols; j++) {
      const si = lr ? i : k.rows - 1 - i;
      const sj = lr ? k.cols - 1 - j : j;
      out[i * k.cols + j] = k.data[si * k.cols + sj];
    }
  return out;
}

/**
 * Describes a kernel. Symmetries are tested within 1e-12 of max|h| (the separability
 * tolerance), so a kernel read from a float32 file may show "none" where its exact
 * version is symmetric.
 *
 * @example
 *   kernelInfo([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]).rotation;   // 'antisymmetric': convolve = −correlate
 */
export function kernelInfo(kernel: KernelLike): KernelInfo {
  const k = toKernel(kernel);
  let min = Infinity;
  let max = -Infinity;
  let absSum = 0;
  let absMax = 0;
  for (const v of k.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    absSum += Math.abs(v);
    absMax = Math.max(absMax, Math.abs(v));
  }
  const tol = SEPARABLE_TOLERANCE * absMax;
  const factors = separate(k);
  return {
    rows: k.rows,
    cols: k.cols,
    anchor: [k.rows >> 1, k.cols >> 1],
    sum: kernelSum(k),
    absSum,
    min,
    max,
    leftRight: compare(mirrored(k, true), k.data, tol),
    upDown: compare(mirrored(k, false), k.data, tol),
    rotation: compare(flipKernel(k).data, k.data, tol),
    separable: factors ? displayFactors(factors) : null,
    separableTolerance: SEPARABLE_TOLERANCE,
  };
}
