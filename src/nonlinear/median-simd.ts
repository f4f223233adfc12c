/**
 * Median of uint8 images on the WebAssembly SIMD engine (src/engine/median.ts), in bands on
 * this thread or the worker pool:
 *   - 3×3 and 5×5: the networks of wasm/median.ts (generated with the scalar ones by
 *     scripts/gen-median-networks.mjs), 16 output bytes per vector step, bit-identical to the
 *     `network` method;
 *   - other windows up to 65535 pixels: the histograms of wasm/median-histogram.ts (16-bit
 *     bins in i16x8 registers), bit-identical to the `histogram` method.
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
import { simdMedianHistogramProgram, simdMedianProgram } from '../engine/median.js';
import { runProgram } from '../engine/programs.js';
import { simdArena, simdStatus } from '../engine/simd.js';

/** Whether the SIMD median can run here (WebAssembly with the SIMD proposal). */
export function medianSimdAvailable(): boolean {
  return simdStatus().available;
}

/**
 * The kw×kh median of a uint8 image (any shape medianFilter takes), extended by `border` over
 * `pad`: networks for 3×3 and 5×5, histograms otherwise (at most 65535 pixels). Threads as the
 * engine chooses for other filters (`threads`, CONVKIT_THREADS, cores, work per thread); one
 * thread where the pool is unavailable. Any thread count gives the same bytes. `onRows` is
 * told the output rows finished (band by band on one thread, all at the end on the pool).
 */
export function medianSimd8(
  input: NDArray,
  kw: number,
  kh: number,
  pad: Padding,
  border: Border,
  threads?: number,
  onRows: (rows: number) => void = () => {},
): Uint8Array {
  const { height, width, channels } = imageDims(input);
  const network = kw === kh && (kw === 3 || kw === 5);
  const program = network
    ? simdMedianProgram(kw as 3 | 5, height, width, channels, pad, border)
    : simdMedianHistogramProgram(kw, kh, height, width, channels, pad, border);
  // Work model in direct-loop taps (its unit: one 3×3 tap ≈ one vector lane-op): 5×5 networks
  // (77 u8x16 min/max per 16 outputs) weigh like k² taps; a histogram output costs about 15
  // times a 5×5 network output (W7 31 ms for 2.1 M outputs against W6 25 ms for 25 M, one
  // thread, 2-core AMD EPYC), about 300 taps, so W7-sized images start the pool.
  const taps = network ? kw * kw : 300;
  const choice = chooseEngine(input, { threads }, 'separate', taps, () => program);
  if (choice.backend === 'wasm' && choice.threads > 1) {
    const data = runEngine(input, choice, 'uint8').data as Uint8Array;
    onRows(height);
    return data;
  }
  const out = new Uint8Array(height * width * channels);
  const source = paddingSource({ data: input.data, height, width, channels }, program);
  const R = program.bandRows;
  runProgram(simdArena()!, program, source, bandRange(0, bandCount(program)), out, undefined, (b) =>
    onRows(Math.min(R, height - b * R)),
  );
  return out;
}
