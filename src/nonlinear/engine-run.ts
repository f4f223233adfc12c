/**
 * Runs the band program of a non-linear filter (bilateral, non-local means) as the engine
 * chose: on the worker pool, or band by band on this thread — `done` after each band, for
 * progress reports (after the run, on the pool).
 */
import { type NDArray, imageDims } from '../core/ndarray.js';
import { type EngineChoice, runEngine } from '../engine/backend.js';
import { type BandStats, bandCount, paddingSource } from '../engine/bands.js';
import { runProgram } from '../engine/programs.js';
import { simdArena } from '../engine/simd.js';

export function runBands(
  input: NDArray,
  choice: EngineChoice,
  done: () => void,
  stats?: BandStats,
): Uint8Array {
  const program = choice.program!;
  const bands = bandCount(program);
  if (choice.threads > 1) {
    const out = runEngine(input, choice, 'uint8').data as Uint8Array;
    for (let b = 0; b < bands; b++) done();
    return out;
  }
  const { height, width, channels } = imageDims(input);
  const out = new Uint8Array(program.outHeight * program.ow);
  const source = paddingSource({ data: input.data, height, width, channels }, program);
  let b = 0;
  runProgram(simdArena()!, program, source, () => (b < bands ? b++ : -1), out, stats, done);
  return out;
}
