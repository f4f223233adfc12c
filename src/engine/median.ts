/**
 * Median 3×3 and 5×5 of uint8 images as an engine program (bands on this thread or the pool):
 * the generated u8x16 sorting networks of wasm/median.ts, which filter interleaved channels in
 * place — bit-identical to the plain-TypeScript networks (src/nonlinear/median-networks.ts).
 */
import type { Border, Padding } from '../border/border.js';
import type { BandGrid, BandRunner } from './bands.js';

export interface SimdMedianProgram extends BandGrid {
  readonly kind: 'median';
  readonly k: 3 | 5;
}

/** Output rows per band: the padded band, sorted columns and output stay in L2 (≈ 1 MB for 4K RGB). */
const BAND_BYTES = 1 << 19;

export function simdMedianProgram(
  k: 3 | 5,
  height: number,
  width: number,
  channels: number,
  pad: Padding,
  border: Border,
): SimdMedianProgram {
  const pw = (width + k - 1) * channels;
  return {
    kind: 'median',
    k,
    channels,
    kh: k,
    pw,
    ow: width * channels,
    outHeight: height,
    bandRows: Math.max(1, Math.min(height, Math.floor(BAND_BYTES / pw))),
    pad,
    border,
    bandType: 'u8',
  };
}

export const runMedianBands: BandRunner<SimdMedianProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  _stats,
  done,
) => {
  const { pw, ow, k, bandRows: R, channels: C } = prog;
  // The loops read and write whole vectors: sorted-column rows cover pw + 15 bytes and the
  // buffers have a vector's slack past their ends (the extra lanes are never used).
  const csw = (pw + 15 + 15) & ~15;
  arena.reset();
  const pPtr = arena.reserve((R + k - 1) * pw + csw + 16);
  const csPtr = arena.reserve(k * csw + 16);
  const oPtr = arena.reserve(R * ow + 16);
  const buf = arena.buffer; // taken after the last reserve (growing detaches views)
  const band = new Uint8Array(buf, pPtr, (R + k - 1) * pw);
  const run = k === 3 ? arena.exports.median3x3_u8 : arena.exports.median5x5_u8;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + k - 1, band);
    run(pPtr, pw, rows, ow, C, csPtr, csw, oPtr);
    out.set(new Uint8Array(buf, oPtr, rows * ow), m0 * ow);
    done(b);
  }
};
