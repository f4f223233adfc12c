/**
 * Median 3×3 and 5×5 of uint8 planes on the WebAssembly SIMD loops (wasm/median.ts, generated
 * with the scalar networks by scripts/gen-median-networks.mjs): 16 outputs per vector step,
 * bit-identical to the `network` method.
 */
import { simdArena, simdStatus } from '../engine/simd.js';

/** Whether the SIMD median can run here (WebAssembly with the SIMD proposal). */
export function medianSimdAvailable(): boolean {
  return simdStatus().available;
}

/**
 * Median of one padded uint8 plane `P` (row width pw = width + k − 1, height + k − 1 rows)
 * written to channel `ch` of `out` (interleaved, `channels` per pixel), rows of the output
 * reported through `step`.
 */
export function medianPlaneSimd8(
  P: Uint8Array,
  pw: number,
  k: 3 | 5,
  out: Uint8Array,
  ch: number,
  channels: number,
  width: number,
  height: number,
): void {
  const arena = simdArena();
  if (!arena) throw new Error('medianPlaneSimd8: WebAssembly SIMD is unavailable');
  arena.reset();
  // The loops read and write whole vectors: the sorted-column rows cover pw + 15 columns and
  // the planes have a vector's slack past their ends (the extra lanes are never used).
  const csw = (pw + 15 + 15) & ~15;
  const pPtr = arena.reserve(P.length + csw + 16);
  const csPtr = arena.reserve(k * csw + 16);
  const oPtr = arena.reserve(height * width + 16);
  const mem = new Uint8Array(arena.buffer);
  mem.set(P, pPtr);
  const f = k === 3 ? arena.exports.median3x3Plane_u8 : arena.exports.median5x5Plane_u8;
  f(pPtr, pw, height, width, csPtr, csw, oPtr);
  const res = new Uint8Array(arena.buffer, oPtr, height * width);
  if (channels === 1) {
    out.set(res);
    return;
  }
  for (let i = 0, o = ch; i < res.length; i++, o += channels) out[o] = res[i];
}
