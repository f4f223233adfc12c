/**
 * FFT correlation as an engine program (src/engine): the same overlap-save tiles and tile
 * pairs as the plain-TypeScript correlator, cut into a fixed grid of bands of whole tile rows
 * that this thread or the worker pool runs on the WebAssembly SIMD stages (src/fft/simd.ts).
 *
 * A band is one row of tiles — two when a row has an odd number of tiles — so every band
 * holds whole tile pairs, and they are exactly the pairs the plain correlator forms over the
 * whole plane (its consecutive row-major pairs never straddle such a band). Each band's
 * padded rows (with the kernel's kh − 1 halo rows) come through src/border. So the result is
 * bit-identical to the plain-TypeScript path, for any thread count.
 */
import type { Border, Padding } from '../border/border.js';
import type { BandGrid, BandRunner } from '../engine/bands.js';
import { TileCorrelator } from './correlate.js';
import { simdTileEngine } from './simd.js';

export interface SimdFftProgram extends BandGrid {
  readonly kind: 'fft';
  /** Kernel taps, row-major (kh × kw). */
  readonly taps: Float64Array;
  readonly kw: number;
  readonly n1: number;
  readonly n2: number;
}

/**
 * The program for one plane: valid correlation of the padded plane (pad around height×width)
 * with a kh×kw kernel, outHeight×outWidth outputs, tiles n1×n2.
 */
export function simdFftProgram(
  taps: Float64Array,
  kh: number,
  kw: number,
  n1: number,
  n2: number,
  outHeight: number,
  outWidth: number,
  paddedWidth: number,
  pad: Padding,
  border: Border,
  bandType: 'f32' | 'f64',
): SimdFftProgram {
  const across = Math.ceil(outWidth / (n2 - kw + 1));
  const tileRows = across % 2 === 1 ? 2 : 1;
  return {
    kind: 'fft',
    taps,
    kw,
    n1,
    n2,
    kh,
    channels: 1,
    pw: paddedWidth,
    ow: outWidth,
    outHeight,
    bandRows: Math.min(outHeight, tileRows * (n1 - kh + 1)),
    pad,
    border,
    bandType,
  };
}

export const runFftBands: BandRunner<SimdFftProgram> = (arena, prog, source, claim, out, _stats, done) => {
  const { kh, kw, n1, n2, pw, ow, bandRows: R } = prog;
  let correlator: TileCorrelator | undefined;
  let band: Float32Array | Float64Array | undefined;
  for (let b = claim(); b >= 0; b = claim()) {
    // Made on the first band this thread gets (a worker that finds none pays nothing).
    correlator ??= new TileCorrelator({ data: prog.taps, rows: kh, cols: kw }, n1, n2, simdTileEngine(arena));
    band ??=
      prog.bandType === 'f32' ? new Float32Array((R + kh - 1) * pw) : new Float64Array((R + kh - 1) * pw);
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + kh - 1, band!);
    correlator.run([
      {
        src: { data: band!, offset: 0, stride: pw },
        dst: { data: out as Float32Array | Float64Array, offset: m0 * ow, stride: ow },
        height: rows,
        width: ow,
      },
    ]);
    done(b);
  }
};
