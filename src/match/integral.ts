/**
 * Integral images (summed-area tables) in float64: any window's sum in four lookups.
 * `s[(r)·(W+1) + c]` = Σ of x over rows < r and columns < c.
 */

export interface Integral {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly width: number;
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
      sum[here + c + 1] = sum[above + c + 1] + rs;
      sumSq[here + c + 1] = sumSq[above + c + 1] + rq;
    }
  }
  return { sum, sumSq, width: w1 };
}

/** Σ over the h×w window whose top-left corner is (r, c), from a table with row length `w1`. */
export function windowSum(t: Float64Array, w1: number, r: number, c: number, h: number, w: number): number {
  const a = r * w1 + c;
  const b = (r + h) * w1 + c;
  return t[b + w] - t[b] - t[a + w] + t[a];
}

/** Σ of |corner values| of a window: the scale of the rounding error in `windowSum`. */
export function windowScale(t: Float64Array, w1: number, r: number, c: number, h: number, w: number): number {
  const a = r * w1 + c;
  const b = (r + h) * w1 + c;
  return Math.abs(t[b + w]) + Math.abs(t[b]) + Math.abs(t[a + w]) + Math.abs(t[a]);
}
