/**
 * Median 3×3 and 5×5 of uint8 images on the WebAssembly SIMD engine (src/engine/median.ts:
 * the networks of wasm/median.ts, generated with the scalar ones by
 * scripts/gen-median-networks.mjs): 16 output bytes per vector step, bit-identical to the
 * `network` method, in bands on this thread or the worker pool.
 *
 * The loops filter interleaved channels in place (window column j of output byte b is padded
 * byte b + j·C), so each band is padded once by border/padRowsInterleaved straight into
 * WebAssembly memory and written out with one copy: no channel split or scatter.
 */
import type { Border, Padding } from '../border/border.js';
import type { NDArray } from '../core/ndarray.js';
import { imageDims } from '../core/ndarray.js';
import { chooseEngine, runEngine } from '../engine/backend.js';
import { bandCount, bandRange, paddingSource } from '../engine/bands.js';
import { simdMedianProgram } from '../engine/median.js';
import { runProgram } from '../engine/programs.js';
import { simdArena, simdStatus } from '../engine/simd.js';

/** Whether the SIMD median can run here (WebAssembly with the SIMD proposal). */
export function medianSimdAvailable(): boolean {
  return simdStatus().available;
}

/**
 * The k×k median (k = 3 or 5) of a uint8 image (any shape medianFilter takes), extended by
 * `border` over `pad`. Threads as the engine chooses for other filters (CONVKIT_THREADS, cores,
 * work per thread); one thread where the pool is unavailable.
 */
export function medianSimd8(input: NDArray, k: 3 | 5, pad: Padding, border: Border): Uint8Array {
  const { height, width, channels } = imageDims(input);
  const program = simdMedianProgram(k, height, width, channels, pad, border);
  // ~100 vector min/max per 16 outputs (5×5) weigh like a 25-tap direct loop in the work model
  const choice = chooseEngine(input, {}, 'separate', k * k, () => program);
  if (choice.backend === 'wasm' && choice.threads > 1)
    return runEngine(input, choice, 'uint8').data as Uint8Array;
  const out = new Uint8Array(height * width * channels);
  const source = paddingSource({ data: input.data, height, width, channels }, program);
  runProgram(simdArena()!, program, source, bandRange(0, bandCount(program)), out);
  return out;
}
