/**
 * Non-local means of uint8 images of one channel (gray, and the L* plane of colour images) or
 * two channels compared together (the a*, b* planes)
 * on the WebAssembly SIMD engine (wasm/nlmeans.ts), in bands on this thread or the worker
 * pool — bit-identical to the plain-TypeScript loops (nlmeans-loops.ts): the same integer
 * weights and exact integer sums, so the order does not matter.
 *
 * A band owns output rows [y0, y1) and its accumulators. For each offset δ = (dy, dx) of the
 * half-plane it runs the pairs (q, q + δ) with q in rows [y0 − dy, y1): q gets w·x[q + δ] when
 * q is in the band, q + δ gets w·x[q] when q + δ is — every pair of the image is thus counted
 * once for each of its two pixels, as in the reference, without writing outside the band
 * (a band repeats the distances of dy rows above it: ~4% more work for 64-row bands).
 * The band's padded rows [y0, y1 + 2B) (B = search + template radius, mirror border) hold
 * every template the band needs.
 */
import type { Border, Padding } from '../border/border.js';
import type { BandGrid, BandRunner } from '../engine/bands.js';

export interface SimdNlmProgram extends BandGrid {
  readonly kind: 'nlmeans';
  readonly width: number;
  /** Template radius and search radius. */
  readonly th: number;
  readonly sh: number;
  /** Weight table up to its first 0 (every later entry is 0 too), and its last index. */
  readonly table: Int32Array;
  readonly shift: number;
}

/** Output rows per band: the accumulators (8 bytes per pixel) stay in L2 across the offsets. */
const BAND_ROWS = 64;

/** Builds the program for an H×W uint8 plane with OpenCV's table (see nlmWeightTable). */
export function simdNlmProgram(
  height: number,
  width: number,
  th: number,
  sh: number,
  table: Int32Array,
  shift: number,
  border: Border,
  channels: 1 | 2,
): SimdNlmProgram {
  const B = th + sh;
  let last = table.indexOf(0);
  if (last < 0) last = table.length - 1;
  const pad: Padding = { top: B, bottom: B, left: B, right: B };
  return {
    kind: 'nlmeans',
    width,
    th,
    sh,
    table: table.slice(0, last + 1),
    shift,
    channels,
    kh: 2 * B + 1,
    pw: (width + 2 * B) * channels,
    ow: width * channels,
    outHeight: height,
    bandRows: Math.min(height, BAND_ROWS),
    pad,
    border,
    bandType: 'u8',
  };
}

export const runNlmBands: BandRunner<SimdNlmProgram> = (arena, prog, source, claim, out, _stats, done) => {
  const { pw, kh, bandRows: R, width: W, th, sh, shift, channels: C } = prog;
  const B = th + sh;
  const T = 2 * th + 1;
  const x = arena.exports;
  const ew = (W + 3) & ~3;
  // wrow covers q in [qx0, qx1) (W + |dx| columns) plus vector slack; colSum T − 1 more
  const wLen = W + 2 * sh + 16;
  const cLen = wLen + T + 16;
  arena.reset();
  const bandPtr = arena.reserve((R + kh - 1) * pw + 256);
  const est = arena.reserve(R * ew * 4 * C);
  const wsum = arena.reserve(R * ew * 4);
  const wrow = arena.reserve(wLen * 4);
  const colSum = arena.reserve(cLen * 4);
  const tablePtr = arena.reserve(prog.table.length * 4);
  const oPtr = arena.reserve(R * W * C + 16);
  const buf = arena.buffer; // taken after the last reserve (growing detaches views)
  new Int32Array(buf, tablePtr, prog.table.length).set(prog.table);
  const band = new Uint8Array(buf, bandPtr, (R + kh - 1) * pw);
  const last = prog.table.length - 1;
  const w0 = prog.table[0];
  const [start, finish] = C === 1 ? [x.nlmStart_u8, x.nlmFinish_u8] : [x.nlmStart2_u8, x.nlmFinish2_u8];
  for (let b = claim(); b >= 0; b = claim()) {
    const y0 = b * R;
    const rows = Math.min(R, prog.outHeight - y0);
    const y1 = y0 + rows;
    source(y0, y1 + kh - 1, band);
    /** Pointer to image row y, column 0, in the padded band (channels interleaved). */
    const row = (y: number) => bandPtr + (y - y0 + B) * pw + B * C;
    /** Byte offsets of row y's weight sums (est: C per pixel). */
    const acc = (y: number) => (y - y0) * ew * 4;
    const estAt = (y: number) => est + acc(y) * C;
    for (let y = y0; y < y1; y++) start(estAt(y), wsum + acc(y), w0, row(y), W);
    for (let dy = 0; dy <= sh; dy++)
      for (let dx = dy === 0 ? 1 : -sh; dx <= sh; dx++)
        x.nlmOffset_u8(
          bandPtr,
          pw,
          C,
          B,
          y0,
          y1,
          dy,
          dx,
          th,
          W,
          est,
          wsum,
          ew,
          colSum,
          wrow,
          tablePtr,
          last,
          shift,
        );
    for (let y = y0; y < y1; y++) finish(estAt(y), wsum + acc(y), oPtr + (y - y0) * W * C, W);
    out.set(new Uint8Array(buf, oPtr, rows * W * C), y0 * W * C);
    done(b);
  }
};
