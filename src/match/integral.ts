/**
 * Integral images (summed-area tables) in float64: any window's sum in four lookups.
 * `s[(r)·(W+1) + c]` = Σ of x over rows < r and columns < c.
 */

export interface Integral {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly width: number;
  /** Σ|x − shift| over the plane: a bound on every entry of `sum`, for rounding-error bounds. */
  readonly absTotal: number;
  /** Σ(x − shift)² over the plane: the largest entry of `sumSq`. */
  readonly sqTotal: number;
}

/**
 * Σx and Σx² tables of an H×W plane (element (r, c) at data[offset + r·rowStride +
 * c·colStride]), of the values minus `shift` (subtracting the image mean first keeps
 * the window variance Σx² − (Σx)²/n from cancelling catastrophically).
 */
export function integralImages(
  data: ArrayLike<number>,
  offset: number,
  rowStride: number,
  colStride: number,
  height: number,
  width: number,
  shift = 0,
): Integral {
  const w1 = width + 1;
  const sum = new Float64Array((height + 1) * w1);
  const sumSq = new Float64Array((height + 1) * w1);
  let absTotal = 0;
  for (let r = 0; r < height; r++) {
    let rs = 0;
    let rq = 0;
    const src = offset + r * rowStride;
    const above = r * w1;
    const here = above + w1;
    for (let c = 0; c < width; c++) {
      const v = data[src + c * colStride] - shift;
      rs += v;
      rq += v * v;
      absTotal += Math.abs(v);
      sum[here + c + 1] = sum[above + c + 1] + rs;
      sumSq[here + c + 1] = sumSq[above + c + 1] + rq;
    }
  }
  return { sum, sumSq, width: w1, absTotal, sqTotal: sumSq[sumSq.length - 1] };
}
