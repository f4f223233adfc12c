/**
 * The selection path of the median: copy each window into scratch and select the element
 * of the wanted rank (Hoare's quickselect). Any window, any dtype; the reference every
 * faster path is tested against.
 */

/**
 * Rearranges a[0 … n) so that a[k] is the element of rank k (0-based) and returns it.
 * No NaN in `a` (callers replace it).
 */
export function selectRank(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 16) {
    // median of three as the pivot keeps sorted and constant windows linear
    const mid = (lo + hi) >> 1;
    let x = a[lo];
    let y = a[mid];
    const z = a[hi];
    if (y < x) [x, y] = [y, x];
    if (z < y) {
      y = z;
      if (y < x) y = x;
    }
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  // insertion sort of the short remainder
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a[k];
}

/**
 * One output row of a kw×kh window of rank `rank`: out[o + x·stride] = rank-th smallest of
 * P[row … row+kh−1][x … x+kw−1] (padded plane, row width pw).
 */
export function medianRowSelect(
  P: ArrayLike<number>,
  pw: number,
  row: number,
  kw: number,
  kh: number,
  rank: number,
  scratch: Float64Array,
  out: { [i: number]: number },
  o: number,
  stride: number,
  width: number,
): void {
  const n = kw * kh;
  for (let x = 0; x < width; x++) {
    let q = 0;
    for (let i = 0, b = row * pw + x; i < kh; i++, b += pw) {
      for (let j = 0; j < kw; j++) scratch[q++] = P[b + j];
    }
    out[o + x * stride] = selectRank(scratch, n, rank);
  }
}
