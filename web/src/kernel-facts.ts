/**
 * What the page says about a kernel: symmetric under the flip, separable, zero-sum.
 *
 * Temporary separability test: the kernels issue (#3) is adding the library's rank-1
 * factorisation; the playground switches to it when it lands on main.
 */
import { type Kernel, flipKernel } from '../../src/index.js';

export interface KernelFacts {
  readonly sum: number;
  /** h equals h rotated by 180°: convolution and correlation give the same result. */
  readonly flipSymmetric: boolean;
  /** h = column · row (rank 1), with the two factors when it is. */
  readonly separable: { readonly column: number[]; readonly row: number[] } | null;
  readonly zeroSum: boolean;
  readonly allZero: boolean;
}

/** Relative tolerance for "equal" (the taps come from decimal text, e.g. 1/3). */
const EPS = 1e-12;

export function kernelFacts(k: Kernel): KernelFacts {
  const { data, rows, cols } = k;
  let sum = 0;
  let big = 0;
  for (const v of data) {
    sum += v;
    big = Math.max(big, Math.abs(v));
  }
  const tol = EPS * Math.max(big, 1e-300);
  const flipped = flipKernel(k).data;
  const flipSymmetric = data.every((v, i) => Math.abs(v - flipped[i]) <= tol);
  let separable: KernelFacts['separable'] = null;
  if (big > 0) {
    // Rank 1 ⇔ every row is a multiple of the pivot row: pivot on the largest tap.
    const p = data.findIndex((v) => Math.abs(v) === big);
    const pr = Math.floor(p / cols);
    const pc = p % cols;
    const column = Array.from({ length: rows }, (_, i) => data[i * cols + pc]);
    const row = Array.from({ length: cols }, (_, j) => data[pr * cols + j] / data[p]);
    let ok = true;
    for (let i = 0; i < rows && ok; i++)
      for (let j = 0; j < cols && ok; j++)
        ok = Math.abs(data[i * cols + j] - column[i] * row[j]) <= 1e-9 * big;
    if (ok) separable = { column, row };
  }
  let absSum = 0;
  for (const v of data) absSum += Math.abs(v);
  return {
    sum,
    flipSymmetric,
    separable,
    zeroSum: big > 0 && Math.abs(sum) <= 1e-12 * absSum,
    allZero: big === 0,
  };
}
