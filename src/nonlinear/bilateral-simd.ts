/**
 * Bilateral filter of uint8 images (1 or 3 channels) on the WebAssembly SIMD engine
 * (wasm/bilateral.ts): four pixels per vector step, bands on this thread or the worker pool —
 * bit-identical to the plain-TypeScript loops (bilateral-loops.ts), whose float32 arithmetic
 * it repeats step for step (see wasm/bilateral.ts for how the fused multiply-add is matched).
 *
 * Each band is padded once, channels interleaved, by border/padRowsInterleaved straight into
 * WebAssembly memory (a window offset (di, dj) is the byte offset di·pw + dj·C).
 */
import type { Border, Padding } from '../border/border.js';
import type { BandGrid, BandRunner } from '../engine/bands.js';

export interface SimdBilateralProgram extends BandGrid {
  readonly kind: 'bilateral';
  readonly radius: number;
  readonly width: number;
  /** Byte offsets of the disc in the reference's order. */
  readonly ofs: Int32Array;
  readonly space: Float32Array;
  /** exp(−d²/(2σc²)) in float32 for every L1 distance d ≤ 255·C. */
  readonly colour: Float32Array;
}

/** Padded bytes per band: the band, its output and the tables stay in a 256 KB L2 share. */
const BAND_BYTES = 1 << 18;

/** Builds the program, or says why the SIMD loops do not cover this input. */
export function simdBilateralProgram(
  dtype: string,
  height: number,
  width: number,
  channels: number,
  offsets: readonly (readonly [number, number])[],
  spaceWeights: Float64Array,
  colour: Float64Array,
  radius: number,
  border: Border,
): SimdBilateralProgram | string {
  if (dtype !== 'uint8') return `${dtype} (the SIMD bilateral loops cover uint8)`;
  if (channels !== 1 && channels !== 3) return `${channels} channels (the SIMD loops cover 1 and 3)`;
  const pw = (width + 2 * radius) * channels;
  const pad: Padding = { top: radius, bottom: radius, left: radius, right: radius };
  return {
    kind: 'bilateral',
    radius,
    width,
    ofs: Int32Array.from(offsets, ([di, dj]) => di * pw + dj * channels),
    space: Float32Array.from(spaceWeights),
    colour: Float32Array.from(colour),
    channels,
    kh: 2 * radius + 1,
    pw,
    ow: width * channels,
    outHeight: height,
    bandRows: Math.max(8, Math.min(height, Math.floor(BAND_BYTES / pw))),
    pad,
    border,
    bandType: 'u8',
  };
}

export const runBilateralBands: BandRunner<SimdBilateralProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  _stats,
  done,
) => {
  const { pw, ow, kh, bandRows: R, channels: C, radius: r, width } = prog;
  const n = prog.ofs.length;
  arena.reset();
  // the loops read up to 32 bytes past the band and write 16 past the output
  const bandPtr = arena.reserve((R + kh - 1) * pw + 64);
  const oPtr = arena.reserve(R * ow + 32);
  const ofsPtr = arena.reserve(n * 4);
  const spacePtr = arena.reserve(n * 4);
  const colourPtr = arena.reserve(prog.colour.length * 4);
  const buf = arena.buffer; // taken after the last reserve (growing detaches views)
  new Int32Array(buf, ofsPtr, n).set(prog.ofs);
  new Float32Array(buf, spacePtr, n).set(prog.space);
  new Float32Array(buf, colourPtr, prog.colour.length).set(prog.colour);
  const band = new Uint8Array(buf, bandPtr, (R + kh - 1) * pw);
  const run = C === 3 ? arena.exports.bilateralRows3_u8 : arena.exports.bilateralRows1_u8;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + kh - 1, band);
    run(bandPtr, pw, r, rows, width, ofsPtr, spacePtr, n, colourPtr, oPtr);
    out.set(new Uint8Array(buf, oPtr, rows * ow), m0 * ow);
    done(b);
  }
};
