/**
 * Box (mean) filter by running sums on the WebAssembly SIMD loops, uint8 → uint8: column sums
 * slid row by row in i32 (exact), window sums from prefix sums along each row, the exact mean
 * rounded half to even — bit-identical to the plain-TypeScript running sums
 * (src/linear/separable.ts boxSumPlanes), whose sums are exact too.
 */
import type { Border, Padding } from '../border/border.js';
import type { DType } from '../core/dtypes.js';
import type { BandGrid, BandRunner } from './bands.js';

export interface SimdBoxProgram extends BandGrid {
  readonly kind: 'box';
  readonly kw: number;
  /** Divisor: kh·kw (normalized) or 1. */
  readonly divisor: number;
  /** boxOutputRow_u8's arithmetic: 0 multiply by 1/N (f32), 1 divide (f32), 2 divide (f64). */
  readonly mode: 0 | 1 | 2;
}

/** Compiles a box filter for the SIMD loops, or returns why it cannot run there. */
export function simdBoxProgram(
  kh: number,
  kw: number,
  divisor: number,
  inDtype: DType,
  outDtype: DType,
  rounding: string,
  border: Border,
  geo: { pad: Padding; paddedWidth: number; outHeight: number; outWidth: number },
  channels: number,
): SimdBoxProgram | string {
  if (inDtype !== 'uint8' || outDtype !== 'uint8' || rounding !== 'half-even')
    return `${inDtype} → ${outDtype} (the SIMD running sums cover uint8 → uint8, half-even)`;
  const cv = border.cval;
  if (!(Number.isInteger(cv) && cv >= 0 && cv <= 255)) return `cval ${cv} (not a uint8 value)`;
  // i32 prefix sums along a padded row must not overflow.
  if (255 * kh * geo.paddedWidth >= 2 ** 31) return 'a window too large for 32-bit sums';
  const maxMean = (255 * kh * kw) / divisor;
  const N = divisor;
  let mode: 0 | 1 | 2 = 2;
  if (255 * kh * kw < 2 ** 24) {
    // The f32 result's error must stay below 1/(2N), the smallest gap between a mean and a
    // rounding tie; an odd N has no ties at all, so multiplying by 1/N is enough.
    if (N % 2 === 1 && 2 ** -23 * maxMean * (1 + 1e-6) < 1 / (2 * N)) mode = 0;
    else if (2 ** -24 * maxMean * (1 + 1e-6) < 1 / (2 * N)) mode = 1;
  }
  const pw = geo.paddedWidth * channels;
  return {
    kind: 'box',
    kw,
    divisor,
    mode,
    channels,
    kh,
    pw,
    ow: geo.outWidth * channels,
    outHeight: geo.outHeight,
    // Each band first sums kh rows: bands of ≥ 4·kh rows keep that under a quarter of the
    // work, and a sixth of the image (still enough bands for 2 or 3 threads) makes it less
    // (W5, 4K RGB 45×45: 6 bands instead of 12, −0.7 ms of 18 ms CPU).
    bandRows: Math.min(geo.outHeight, Math.max(64, 4 * kh, Math.ceil(geo.outHeight / 6))),
    pad: geo.pad,
    border,
    bandType: 'u8',
  };
}

export const runBoxBands: BandRunner<SimdBoxProgram> = (arena, prog, source, claim, out, _stats, done) => {
  const { pw, ow, kh, bandRows: R, channels: C } = prog;
  arena.reset();
  const slots = kh + 1;
  // Each ring slot starts 8-aligned and its row at the source's phase (see BandSource).
  const slotBytes = Math.ceil((pw + 8) / 8) * 8;
  const ring = arena.reserve(slots * slotBytes);
  const colSum = arena.reserve(pw * 4);
  const prefix = arena.reserve((pw + C) * 4);
  const rowOut = arena.reserve(ow);
  const x = arena.exports;
  const buf = arena.buffer;
  const ringView = new Uint8Array(buf, ring, slots * slotBytes);
  const colView = new Int32Array(buf, colSum, pw);
  const outView = new Uint8Array(buf, rowOut, ow);
  const slotAt = new Int32Array(slots);
  const slot = (r: number) => ring + slotAt[r % slots];
  const padRow = (r: number) => {
    const s = (r % slots) * slotBytes + source.phase(r);
    slotAt[r % slots] = s;
    source(r, r + 1, ringView.subarray(s, s + pw));
  };
  const recip = Math.fround(1 / prog.divisor);
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    colView.fill(0);
    for (let i = 0; i < kh; i++) {
      padRow(m0 + i);
      x.boxAddRow_u8(colSum, slot(m0 + i), pw, 1);
    }
    for (let m = m0; m < m0 + rows; m++) {
      if (m > m0) {
        padRow(m + kh - 1);
        x.boxSlideRow_u8(colSum, slot(m + kh - 1), slot(m - 1), pw);
      }
      x.boxOutputRow_u8(colSum, prefix, pw, C, prog.kw, rowOut, ow, prog.divisor, recip, prog.mode);
      out.set(outView, m * ow);
    }
    done(b);
  }
};
