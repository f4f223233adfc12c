/**
 * Kernel warnings: the mistakes a kernel makes easy and a result does not show.
 *   - an asymmetric kernel, where convolution and correlation differ (did you mean the other?);
 *   - an even size under shape `same`, where no element is the centre (which one sits on the pixel);
 *   - a zero-sum kernel that is asked to be normalised (there is nothing to divide by);
 *   - a Gaussian truncated so hard that its taps sum to less than 0.99 before normalisation.
 * These functions only compute the messages; commands print them on stderr unless
 * `--quiet`/`--no-warnings`.
 */
import type { Kernel } from '../kernels/kernel.js';

export interface KernelWarningContext {
  /** The operation the kernel is used for; asymmetry is reported only when it is known. */
  op?: 'correlate' | 'convolve';
  /** The output shape (default `same`). */
  shape?: 'same' | 'full' | 'valid';
  /** The anchor the user asked for (zero-based, as written); undefined = the default kh//2, kw//2. */
  anchor?: readonly [number, number];
  /** True when the kernel is to be normalised to sum 1. */
  normalize?: boolean;
}

/** Relative tolerance for "equal" taps and "zero" sums: a few float64 rounding steps. */
const REL_TOL = 1e-12;

function scaleOf(k: Kernel): number {
  let s = 0;
  for (const v of k.data) s += Math.abs(v);
  return s;
}

/** True when the kernel equals its 180° rotation h[kh−1−i, kw−1−j] (within rounding). */
export function isPointSymmetric(k: Kernel): boolean {
  const n = k.data.length;
  const tol = REL_TOL * scaleOf(k);
  for (let i = 0; i < n; i++) if (Math.abs(k.data[i] - k.data[n - 1 - i]) > tol) return false;
  return true;
}

/** The warnings for a kernel in a context, as sentences without a prefix. */
export function kernelWarnings(k: Kernel, ctx: KernelWarningContext = {}): string[] {
  const out: string[] = [];
  const { rows: kh, cols: kw } = k;
  const shape = ctx.shape ?? 'same';
  const anchor = ctx.anchor ?? [kh >> 1, kw >> 1];
  if (ctx.op !== undefined) {
    const symmetric = isPointSymmetric(k);
    // convolve = correlate with the flipped kernel AND the mirrored anchor; for shape
    // same both must be unchanged for the two to agree (full/valid have no anchor).
    const anchorFixed =
      shape !== 'same' || (anchor[0] === kh - 1 - anchor[0] && anchor[1] === kw - 1 - anchor[1]);
    if (!symmetric || !anchorFixed) {
      const other = ctx.op === 'convolve' ? 'correlate' : 'convolve';
      const why = !symmetric
        ? `the ${kh}×${kw} kernel is not symmetric under a 180° rotation`
        : `the ${kh}×${kw} kernel's anchor [${anchor[0]}, ${anchor[1]}] is not its centre, so the flip moves it`;
      out.push(
        `${why}, so convolve (flips the kernel) and correlate (does not) give different results here; ` +
          `you asked for ${ctx.op} — did you mean ${other}?`,
      );
    }
  }
  if (shape === 'same' && ctx.anchor === undefined && (kh % 2 === 0 || kw % 2 === 0)) {
    const even = [kh % 2 === 0 ? 'height' : '', kw % 2 === 0 ? 'width' : ''].filter(Boolean).join(' and ');
    out.push(
      `the ${kh}×${kw} kernel has an even ${even}, so no element is its centre: element ` +
        `[${anchor[0]}, ${anchor[1]}] as written (kh//2, kw//2: the lower/right of the middle ones, as OpenCV and SciPy) ` +
        `sits on the output pixel; --anchor R,C chooses another`,
    );
  }
  if (ctx.normalize) {
    let sum = 0;
    for (const v of k.data) sum += v;
    if (Math.abs(sum) <= REL_TOL * scaleOf(k)) {
      out.push(
        `the kernel sums to 0 (a derivative or edge kernel), so it cannot be normalised to sum 1; ` +
          `use it without normalisation`,
      );
    }
  }
  return out;
}

/** Σ of the sampled Gaussian density exp(−k²/2σ²)/(√(2π)σ) for k = −radius…radius. */
export function gaussianMass(sigma: number, radius: number): number {
  let s = 0;
  for (let k = -radius; k <= radius; k++) s += Math.exp(-(k * k) / (2 * sigma * sigma));
  return s / (Math.sqrt(2 * Math.PI) * sigma);
}

/**
 * A warning when a Gaussian of standard deviation `sigma` cut at `radius` (ksize = 2·radius + 1)
 * keeps less than 99% of its weight before normalisation; undefined otherwise.
 */
export function gaussianTruncationWarning(sigma: number, radius: number): string | undefined {
  if (!(sigma > 0) || !Number.isInteger(radius) || radius < 0) return undefined;
  const mass = gaussianMass(sigma, radius);
  if (mass >= 0.99) return undefined;
  let r = radius;
  while (gaussianMass(sigma, r) < 0.99 && r < 1e6) r++;
  return (
    `the Gaussian with σ = ${sigma} cut to ${2 * radius + 1} taps keeps only ${(mass * 100).toFixed(1)}% of its weight ` +
    `before normalisation (< 99%), so it blurs more like a box; ${2 * r + 1} taps or more keep 99%`
  );
}

/**
 * Truncation warnings for a Gaussian blur's options (`gaussianBlur`): per axis, the taps an
 * explicit `ksize` (OpenCV rule) or `truncate` (SciPy rule, radius floor(T·σ + 0.5)) keeps.
 * Sizes OpenCV derives (0, or σ ≤ 0) keep enough weight and are not checked.
 */
export function gaussianBlurWarnings(o: {
  sigma: number;
  sigmaY?: number;
  ksize?: readonly [number, number] | number;
  truncate?: number;
}): string[] {
  const sigmaY = o.sigmaY !== undefined && o.sigmaY > 0 ? o.sigmaY : o.sigma;
  const ks = o.ksize === undefined ? undefined : typeof o.ksize === 'number' ? [o.ksize, o.ksize] : o.ksize;
  const axes: [string, number, number | undefined][] = [
    ['x', o.sigma, ks?.[0]],
    ['y', sigmaY, ks?.[1]],
  ];
  const out: string[] = [];
  for (const [axis, sigma, size] of axes) {
    if (!(sigma > 0)) continue;
    const radius =
      ks === undefined
        ? Math.floor((o.truncate ?? 4) * sigma + 0.5)
        : size !== undefined && size > 0
          ? (size - 1) / 2
          : undefined;
    if (radius === undefined || !Number.isInteger(radius)) continue;
    const w = gaussianTruncationWarning(sigma, radius);
    if (w && !out.some((m) => m.endsWith(w))) out.push(axis === 'x' ? w : `along y: ${w}`);
  }
  return out;
}
