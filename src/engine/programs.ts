/** Every engine program kind and the loop that runs its bands (used by this thread and workers). */
import type { AnyTypedArray } from '../core/dtypes.js';
import type { InterleavedView } from '../border/border.js';
import { type BandClaim, type BandSource, type BandStats, paddingSource } from './bands.js';
import type { HeapExports } from './heap.js';
import { type HeapImage, runDirectInPlace, runSeparableInPlace, runsInPlace } from './inplace.js';
import { type SimdBoxProgram, runBoxBands } from './box.js';
import { type SimdDirectProgram, runDirectBands } from './direct.js';
import { type SimdMedianProgram, runMedianBands } from './median.js';
import { type SimdSeparableProgram, runSeparableBands } from './separable.js';
import type { SimdArena } from './simd.js';
import { type SimdBilateralProgram, runBilateralBands } from '../nonlinear/bilateral-simd.js';
import { type SimdNlmProgram, runNlmBands } from '../nonlinear/nlmeans-simd.js';
import { type SimdFftProgram, runFftBands } from '../fft/engine.js';
import { type MatchStatsProgram, runMatchStatsBands } from '../match/stats-engine.js';

export type EngineProgram =
  | SimdDirectProgram
  | SimdSeparableProgram
  | SimdBoxProgram
  | SimdMedianProgram
  | SimdBilateralProgram
  | SimdNlmProgram
  | SimdFftProgram
  | MatchStatsProgram;

export function runProgram(
  arena: SimdArena,
  prog: EngineProgram,
  source: BandSource,
  claim: BandClaim,
  out: AnyTypedArray,
  stats: BandStats = { exactBands: 0, exactVectors: 0, exactOutputs: 0 },
  done: (band: number) => void = () => {},
): BandStats {
  if (prog.kind === 'direct') runDirectBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'separable') runSeparableBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'median') runMedianBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'bilateral') runBilateralBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'nlmeans') runNlmBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'fft') runFftBands(arena, prog, source, claim, out, stats, done);
  else if (prog.kind === 'matchStats') runMatchStatsBands(arena, prog, source, claim, out, stats, done);
  else runBoxBands(arena, prog, source, claim, out, stats, done);
  return stats;
}

/** A thread's loops on the engine memory and its scratch there, for in-place runs. */
export interface InPlaceRun {
  readonly exports: HeapExports;
  readonly memory: WebAssembly.Memory;
  readonly scratch: number;
}

/**
 * Runs the bands `claim` hands out of an input image: in place (./inplace.ts) when `inPlace`
 * is given — the caller found input and output in engine memory — and the program runs there,
 * else padded band by band from the input through src/border.
 */
export function runBands(
  arena: SimdArena,
  prog: EngineProgram,
  input: InterleavedView,
  claim: BandClaim,
  out: AnyTypedArray,
  inPlace?: InPlaceRun,
  stats: BandStats = { exactBands: 0, exactVectors: 0, exactOutputs: 0 },
  done: (band: number) => void = () => {},
): BandStats {
  if (inPlace && runsInPlace(prog, input.data, out)) {
    const { exports: x, memory, scratch } = inPlace;
    const image = input as HeapImage;
    const o = out as Float32Array;
    if (prog.kind === 'direct')
      runDirectInPlace(x, memory, scratch, arena, prog, image, claim, o, stats, done);
    else runSeparableInPlace(x, memory, scratch, arena, prog, image, claim, o, stats, done);
    return stats;
  }
  return runProgram(arena, prog, paddingSource(input, prog), claim, out, stats, done);
}
