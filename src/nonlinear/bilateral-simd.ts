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
  /**
   * Three channels: the disc's (di, dj) (two i32 each) when its offsets pair up as the
   * pair-weight loop needs (offset n − 1 − k = −offset k, same space weight), else null.
   */
  readonly dij: Int32Array | null;
  /**
   * The pair-weight loop's backward offsets: those before the centre (di < 0, or di = 0 and
   * dj < 0) — (n − 1) / 2 of them; their partners are the (n − 1) / 2 after the centre.
   */
  readonly backward: number;
  /** The pair-weight loop's column tile (pixels, a multiple of 8). */
  readonly tile: number;
}

/** Padded bytes per band: the band, its output and the tables stay in a 256 KB L2 share. */
const BAND_BYTES = 1 << 18;
/** Three channels: the band's planar f32 copy (12 bytes per pixel) is kept near 768 KB. */
const PLANES_BYTES = 3 << 18;

/**
 * Three channels, pair-weight loop (wasm bilateralRows3cPairs_u8): columns are run in tiles of
 * `tile` pixels so the ring of forward weights (~(n/2)·(r + 1)·tile f32, 160 KB at
 * d = 9) and the planes' rows the tile reads stay in L2; a band's r extra weight rows (the rows
 * above it) cost less the taller the band.
 */
export const bilateralPairTuning = {
  /** Off: three channels run bilateralRows3c_u8 (every weight looked up by its own pixel). */
  on: true,
  /** Pixels per column tile (a multiple of 8). */
  tile: 256,
  bandRows: 64,
  /** Tests: list every pixel for the exact recomputation (three channels), not only the uncertain. */
  recomputeAll: false,
};

/**
 * Tests: switch the pair-weight loop off, use small tiles and bands to exercise their edges, or
 * send every pixel through the exact recomputation.
 */
export function setBilateralPairTuning(t: Partial<typeof bilateralPairTuning>): void {
  Object.assign(bilateralPairTuning, t);
}

/**
 * Rows per band near `rows` such that the bands are an even number of equal height (the last
 * one may be shorter): two threads then get the same work. 1080 rows, 64 → 18 bands of 60.
 */
const evenBands = (height: number, rows: number) => Math.ceil(height / (2 * Math.ceil(height / (2 * rows))));

/** Row length of the planar f32 copies: the padded row and a vector group's overrun. */
const planeRow = (width: number, radius: number) => width + 2 * radius + 8;

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
  const n = offsets.length;
  const paired = offsets.every(
    ([di, dj], k) =>
      offsets[n - 1 - k][0] === -di &&
      offsets[n - 1 - k][1] === -dj &&
      Math.fround(spaceWeights[k]) === Math.fround(spaceWeights[n - 1 - k]) &&
      (k === 0 || offsets[k - 1][0] <= di),
  );
  const pairs = channels === 3 && bilateralPairTuning.on && paired;
  const pad: Padding = { top: radius, bottom: radius, left: radius, right: radius };
  return {
    kind: 'bilateral',
    radius,
    width,
    ofs: Int32Array.from(offsets, ([di, dj]) => di * pw + dj * channels),
    space: Float32Array.from(spaceWeights),
    colour: Float32Array.from(colour),
    dij: pairs ? Int32Array.from(offsets.flat()) : null,
    backward: (n - 1) >> 1,
    tile: bilateralPairTuning.tile,
    channels,
    kh: 2 * radius + 1,
    pw,
    ow: width * channels,
    outHeight: height,
    bandRows: Math.min(
      height,
      pairs
        ? evenBands(height, bilateralPairTuning.bandRows)
        : channels === 3
          ? Math.max(4, Math.floor(PLANES_BYTES / (planeRow(width, radius) * 12)) - 2 * radius)
          : Math.max(8, Math.floor(BAND_BYTES / pw)),
    ),
    pad,
    border,
    bandType: 'u8',
  };
}

/**
 * Relative margin around half-integers within which the certified f32 loop's rounding is not
 * trusted: its sums and the reference's each lie within γ of the exact Σ v·w (n + 1 and n
 * roundings of non-negative terms, u = 2⁻²⁴), and the final product or quotient adds 2u —
 * (2n + 3)·u in all; 2.1·(n + 4)·u leaves room for second-order terms.
 */
const CERT_MARGIN = (n: number) => 2.1 * (n + 4) * 2 ** -24;

export const runBilateralBands: BandRunner<SimdBilateralProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  stats,
  done,
) => {
  const { pw, ow, kh, bandRows: R, channels: C, radius: r, width } = prog;
  const n = prog.ofs.length;
  arena.reset();
  arena.reserve(3 * prog.radius + 64); // the pair loop's weight pass reads up to 3r bytes before the band
  // the loops read up to 32 bytes past the band (the pair loop's weight pass 3·(r + 10)) and write 16 past the output
  const bandPtr = arena.reserve((R + kh - 1) * pw + 128 + 3 * (r + 16));
  const oPtr = arena.reserve(R * ow + 64);
  const ofsPtr = arena.reserve(n * 4);
  const spacePtr = arena.reserve(n * 4);
  const colourPtr = arena.reserve(prog.colour.length * 4);
  // three channels: planar f32 copies of the band for the certified f32 loop
  const ppw = planeRow(width, r);
  const planeBytes = (R + kh - 1) * ppw * 4 + 64;
  const planes = C === 3 ? arena.reserve(3 * planeBytes) : 0;
  const ofs32 = arena.reserve(n * 4);
  const pairs = prog.dij !== null;
  const slots = r + 1;
  const wPtr = pairs ? arena.reserve((prog.backward * slots + 1) * (prog.tile + 2 * r + 8) * 4 + 64) : 0;
  const dijPtr = pairs ? arena.reserve(n * 8) : 0;
  const kPtr = pairs ? arena.reserve(n * 4) : 0;
  // the pair loop's output rows are padded (a group writes up to 25 bytes past its row)
  const ostride = ow + 32;
  const o2Ptr = pairs ? arena.reserve(R * ostride + 64) : 0;
  // three channels: a row's pixels whose rounding the f32 sums leave open (two u32 each)
  const listPtr = C === 3 ? arena.reserve(8 * (width + 8)) : 0;
  const buf = arena.buffer; // taken after the last reserve (growing detaches views)
  const margin = C === 3 && bilateralPairTuning.recomputeAll ? 3e38 : CERT_MARGIN(n);
  new Int32Array(buf, ofsPtr, n).set(prog.ofs);
  new Int32Array(buf, ofs32, n).set(
    prog.ofs.map((o) => {
      const di = Math.round(o / pw);
      return (di * ppw + (o - di * pw) / C) * 4;
    }),
  );
  new Float32Array(buf, spacePtr, n).set(prog.space);
  if (pairs) new Int32Array(buf, dijPtr, 2 * n).set(prog.dij!);
  new Float32Array(buf, colourPtr, prog.colour.length).set(prog.colour);
  const band = new Uint8Array(buf, bandPtr, (R + kh - 1) * pw);
  const x = arena.exports;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + kh - 1, band);
    if (pairs) {
      x.bilateralPlanes_u8(bandPtr, pw, rows + kh - 1, width + 2 * r, planes, ppw, planeBytes);
      stats.exactVectors += x.bilateralRows3cPairs_u8(
        bandPtr,
        pw,
        r,
        rows,
        width,
        ofsPtr,
        spacePtr,
        n,
        colourPtr,
        o2Ptr,
        ostride,
        planes,
        ppw,
        planeBytes,
        ofs32,
        margin,
        prog.backward,
        dijPtr,
        wPtr,
        prog.tile,
        kPtr,
        listPtr,
      );
      const rowsOut = new Uint8Array(buf, o2Ptr, rows * ostride);
      for (let y = 0; y < rows; y++) out.set(rowsOut.subarray(y * ostride, y * ostride + ow), (m0 + y) * ow);
      done(b);
      continue;
    } else if (C === 3) {
      x.bilateralPlanes_u8(bandPtr, pw, rows + kh - 1, width + 2 * r, planes, ppw, planeBytes);
      stats.exactVectors += x.bilateralRows3c_u8(
        bandPtr,
        pw,
        r,
        rows,
        width,
        ofsPtr,
        spacePtr,
        n,
        colourPtr,
        oPtr,
        planes,
        ppw,
        planeBytes,
        ofs32,
        margin,
        listPtr,
      );
    } else {
      stats.exactVectors += x.bilateralRows1c_u8(
        bandPtr,
        pw,
        r,
        rows,
        width,
        ofsPtr,
        spacePtr,
        n,
        colourPtr,
        oPtr,
        CERT_MARGIN(n),
      );
    }
    out.set(new Uint8Array(buf, oPtr, rows * ow), m0 * ow);
    done(b);
  }
};
