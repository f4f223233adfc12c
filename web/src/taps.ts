/**
 * 1-D taps for the compare grid's box and Gaussian rows.
 *
 * Temporary: the kernels issue (#3) is adding the library's factories (box, gaussian with
 * OpenCV's and SciPy's size rules); the playground switches to them when they land on main.
 */

/** n equal taps summing to 1. */
export function boxTaps(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}

/**
 * n Gaussian taps summing to 1, σ by OpenCV's rule for a given size:
 * σ = 0.3·((n − 1)/2 − 1) + 0.8 (getGaussianKernel with sigma ≤ 0).
 */
export function gaussianTaps(n: number): { taps: number[]; sigma: number } {
  const sigma = 0.3 * ((n - 1) * 0.5 - 1) + 0.8;
  const r = (n - 1) / 2;
  const raw = Array.from({ length: n }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = raw.reduce((s, v) => s + v, 0);
  return { taps: raw.map((v) => v / sum), sigma };
}
