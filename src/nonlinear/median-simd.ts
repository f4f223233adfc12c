/**
 * Median 3×3 and 5×5 of uint8 images on the WebAssembly SIMD loops (wasm/median.ts, generated
 * with the scalar networks by scripts/gen-median-networks.mjs): 16 output bytes per vector
 * step, bit-identical to the `network` method.
 *
 * The loops filter interleaved channels in place (window column j of output byte b is padded
 * byte b + j·C), so the image is padded once per band by border/padRowsInterleaved straight
 * into WebAssembly memory and each output band is one copy out: no channel split or scatter.
 */
import { type Border, type Padding, borderIndexMap, padRowsInterleaved } from '../border/border.js';
import { simdArena, simdStatus } from '../engine/simd.js';

/** Whether the SIMD median can run here (WebAssembly with the SIMD proposal). */
export function medianSimdAvailable(): boolean {
  return simdStatus().available;
}

/** Output rows per band: the padded band, sorted columns and output stay in L2 (≈ 1 MB for 4K RGB). */
const BAND_BYTES = 1 << 19;

/**
 * The k×k median (k = 3 or 5) of an H×W×C uint8 image `data` into `out` (same layout), the
 * image extended by `border` over `pad`; `step` is called once per output row.
 */
export function medianSimd8(
  data: Uint8Array,
  height: number,
  width: number,
  channels: number,
  k: 3 | 5,
  pad: Padding,
  border: Border,
  out: Uint8Array,
  step: () => void,
): void {
  const arena = simdArena();
  if (!arena) throw new Error('medianSimd8: WebAssembly SIMD is unavailable');
  const C = channels;
  const rowLen = (width + k - 1) * C;
  const outLen = width * C;
  const band = Math.max(1, Math.min(height, Math.floor(BAND_BYTES / rowLen)));
  // The loops read and write whole vectors: sorted-column rows cover rowLen + 15 bytes and the
  // buffers have a vector's slack past their ends (the extra lanes are never used).
  const csw = (rowLen + 15 + 15) & ~15;
  arena.reset();
  const pPtr = arena.reserve((band + k - 1) * rowLen + csw + 16);
  const csPtr = arena.reserve(k * csw + 16);
  const oPtr = arena.reserve(band * outLen + 16);
  const buffer = arena.buffer; // taken after the last reserve (growing detaches views)
  const cols = borderIndexMap(width, pad.left, pad.right, border.mode);
  const src = { data, height, width, channels: C };
  const run = k === 3 ? arena.exports.median3x3_u8 : arena.exports.median5x5_u8;
  for (let r0 = 0; r0 < height; r0 += band) {
    const rows = Math.min(band, height - r0);
    padRowsInterleaved(src, pad, border, r0, r0 + rows + k - 1, new Uint8Array(buffer, pPtr), cols);
    run(pPtr, rowLen, rows, outLen, C, csPtr, csw, oPtr);
    out.set(new Uint8Array(buffer, oPtr, rows * outLen), r0 * outLen);
    for (let r = 0; r < rows; r++) step();
  }
}
