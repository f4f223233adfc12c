/**
 * Median filters of uint8 images as engine programs (bands on this thread or the pool), both
 * bit-identical to the plain-TypeScript paths of src/nonlinear/:
 *   - 3×3 and 5×5: the generated u8x16 sorting networks of wasm/median.ts, which filter
 *     interleaved channels in place (src/nonlinear/median-networks.ts is the reference);
 *   - any other window up to 65535 pixels: the constant-time histogram median of
 *     wasm/median-histogram.ts (src/nonlinear/median-histogram.ts is the reference).
 */
import type { Border, Padding } from '../border/border.js';
import type { BandGrid, BandRunner } from './bands.js';

export interface SimdMedianProgram extends BandGrid {
  readonly kind: 'median';
  /** Window width and height (the networks: 3 or 5, square). */
  readonly k: number;
  readonly kw: number;
  /** `network`: sorting networks (3×3, 5×5); `histogram`: Perreault–Hébert histograms. */
  readonly method: 'network' | 'histogram';
  /** Rank of the output in the sorted window (⌊kw·kh/2⌋). */
  readonly rank: number;
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
  const bandRows = Math.max(1, Math.min(height, Math.floor(BAND_BYTES / pw)));
  return medianProgram('network', k, k, height, width, channels, pad, border, bandRows);
}

/**
 * The histogram median of a kw×kh window. Each band starts its column histograms afresh from
 * kh padded rows, so bands are at least 2·kh rows (that start-up stays under a third of the
 * band's row updates) and about an eighth of the image (work for a pool of a few threads).
 */
export function simdMedianHistogramProgram(
  kw: number,
  kh: number,
  height: number,
  width: number,
  channels: number,
  pad: Padding,
  border: Border,
): SimdMedianProgram {
  const bandRows = Math.max(1, Math.min(height, Math.max(2 * kh, 32, Math.ceil(height / 8))));
  return medianProgram('histogram', kw, kh, height, width, channels, pad, border, bandRows);
}

function medianProgram(
  method: 'network' | 'histogram',
  kw: number,
  kh: number,
  height: number,
  width: number,
  channels: number,
  pad: Padding,
  border: Border,
  bandRows: number,
): SimdMedianProgram {
  return {
    kind: 'median',
    k: kh,
    kw,
    method,
    rank: (kw * kh) >> 1,
    channels,
    kh,
    pw: (width + kw - 1) * channels,
    ow: width * channels,
    outHeight: height,
    bandRows,
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
  const { pw, ow, kh, bandRows: R, channels: C } = prog;
  const histogram = prog.method === 'histogram';
  // The network loops read and write whole vectors: scratch rows cover pw + 15 bytes and the
  // buffers have a vector's slack past their ends (the extra lanes are never used).
  const csw = (pw + 15 + 15) & ~15;
  arena.reset();
  const pPtr = arena.reserve((R + kh - 1) * pw + csw + 16);
  // vertical stripes of the histogram sweep: ~512 padded bytes of columns keep the stripe's
  // fine counts (512 bytes per column) in L2; at least 4·kw wide, so overlaps stay small
  const stripe = Math.max(Math.floor(512 / C), 4 * prog.kw);
  const sPtr = arena.reserve(
    histogram
      ? arena.exports.medianHistScratch(Math.min(pw, (stripe + prog.kw - 1) * C), C)
      : (kh === 5 ? 25 : 3) * csw + 16,
  );
  const oPtr = arena.reserve(R * ow + 16);
  const buf = arena.buffer; // taken after the last reserve (growing detaches views)
  const band = new Uint8Array(buf, pPtr, (R + kh - 1) * pw);
  const run = prog.k === 3 ? arena.exports.median3x3_u8 : arena.exports.median5x5_u8;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + kh - 1, band);
    if (histogram)
      arena.exports.medianHist8_u8(pPtr, pw, rows, ow, C, prog.kw, kh, prog.rank, stripe, sPtr, oPtr);
    else run(pPtr, pw, rows, ow, C, sPtr, csw, oPtr);
    out.set(new Uint8Array(buf, oPtr, rows * ow), m0 * ow);
    done(b);
  }
};
