/**
 * Kernel algebra: outer products, transpose, normalise, compose.
 *
 * Composition is full convolution, and it serves BOTH operations: filtering by A then by B
 * equals filtering once by compose(A, B), for correlate as for convolve (a flip distributes
 * over convolution: flip(A ∗ B) = flip(A) ∗ flip(B)). With shape `same`, the composed
 * anchor is the sum of the two anchors (`composeAnchor`) — for odd sizes that is the centre
 * of the result, for even sizes it is not the default anchor.
 */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, type KernelLike, MAX_KERNEL_TAPS, toKernel } from './kernel.js';

/** The kernel col ⊗ row: k[i, j] = col[i] · row[j] (col.length rows × row.length columns). */
export function outerKernel(col: ArrayLike<number>, row: ArrayLike<number>): Kernel {
  const rows = col.length;
  const cols = row.length;
  if (rows * cols > MAX_KERNEL_TAPS)
    invalidArgument('kernel', `at most ${MAX_KERNEL_TAPS} taps`, `${rows}×${cols}`);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = col[i] * row[j] + 0; // + 0: no −0 taps
  return toKernel({ data, rows, cols });
}

/** The kernel with rows and columns swapped: k'[j, i] = k[i, j] (an x-derivative becomes a y-derivative). */
export function transposeKernel(k: KernelLike): Kernel {
  const a = toKernel(k);
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) data[j * a.rows + i] = a.data[i * a.cols + j];
  return { data, rows: a.cols, cols: a.rows };
}

/** Σ taps, added from the smallest magnitude up so the result does not depend on layout. */
export function kernelSum(k: Kernel): number {
  const sorted = Float64Array.from(k.data).sort((a, b) => Math.abs(a) - Math.abs(b));
  let s = 0;
  for (const v of sorted) s += v;
  return s;
}

/**
 * The kernel divided by the sum of its taps (so it sums to 1 and keeps a flat image's level),
 * or, with `by: 'abs'`, by the sum of |taps| (for zero-sum kernels such as derivatives: the
 * response to a unit step is then at most 1). A zero divisor is an error.
 */
export function normalizeKernel(k: KernelLike, by: 'sum' | 'abs' = 'sum'): Kernel {
  const a = toKernel(k);
  if (by !== 'sum' && by !== 'abs') invalidArgument('by', 'sum or abs', by);
  const d = by === 'sum' ? kernelSum(a) : a.data.reduce((s, v) => s + Math.abs(v), 0);
  if (d === 0 || !Number.isFinite(d))
    invalidArgument(
      'kernel',
      by === 'sum'
        ? 'taps with a non-zero sum (normalize by "abs" for zero-sum kernels)'
        : 'a non-zero kernel',
      `a kernel whose ${by === 'sum' ? 'sum' : 'sum of |taps|'} is ${d}`,
    );
  return { data: a.data.map((v) => v / d), rows: a.rows, cols: a.cols };
}

/**
 * compose(A, B) = A ∗ B, the full 2-D convolution: (ha + hb − 1) × (wa + wb − 1) taps,
 *
 *     C[k, l] = Σ_i Σ_j A[i, j] · B[k − i, l − j]
 *
 * Filtering by A then by B (correlate or convolve, shape `full` with a zero border, or any
 * shape with `wrap` and the anchors summed) equals filtering once by C. A result larger
 * than `MAX_KERNEL_TAPS` is refused before anything is allocated.
 *
 * @example
 *   composeKernels([[1, 1]], [[1], [1]]);   // [[1, 1], [1, 1]]: a row box then a column box
 *   composeKernels([1, 2, 1], [1, 2, 1]);   // [1, 4, 6, 4, 1]
 */
export function composeKernels(a: KernelLike, b: KernelLike): Kernel {
  const A = toKernel(a, 'a');
  const B = toKernel(b, 'b');
  const rows = A.rows + B.rows - 1;
  const cols = A.cols + B.cols - 1;
  if (rows * cols > MAX_KERNEL_TAPS) {
    invalidArgument(
      'b',
      `kernels whose composition has at most ${MAX_KERNEL_TAPS} taps`,
      `${A.rows}×${A.cols} ∗ ${B.rows}×${B.cols} = ${rows}×${cols}`,
      'the result would not fit in memory',
    );
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) {
      const w = A.data[i * A.cols + j];
      if (w === 0) continue;
      for (let p = 0; p < B.rows; p++) {
        const o = (i + p) * cols + j;
        const q = p * B.cols;
        for (let s = 0; s < B.cols; s++) data[o + s] += w * B.data[q + s];
      }
    }
  }
  return toKernel({ data, rows, cols }, 'b');
}

/** The anchor of compose(A, B) that makes `same`-shape filtering compose: the sum of the anchors. */
export function composeAnchor(
  anchorA: readonly [number, number],
  anchorB: readonly [number, number],
): [number, number] {
  return [anchorA[0] + anchorB[0], anchorA[1] + anchorB[1]];
}
