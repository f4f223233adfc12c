/**
 * The window statistics of template matching as an engine program (src/engine): the fixed
 * band grid of ./integral.ts (`statBandRows`), each band's tables built from its own first
 * row, run by this thread or the worker pool. Every band computes exactly what
 * `addWindowStats` computes for it (added to zero), so the result is bit-identical for any
 * thread count.
 */
import type { BandGrid, BandRunner } from '../engine/bands.js';
import { type WindowStat, reserveTables, windowBandsSimd } from './integral.js';

export interface MatchStatsProgram extends BandGrid {
  readonly kind: 'matchStats';
  /** Template width (the band grid's kh is the template height). */
  readonly tw: number;
  readonly shift: number;
  readonly stat: WindowStat;
}

/** The program for an height×width plane and an h×w template (outputs (height−h+1)×(width−w+1), float64). */
export function matchStatsProgram(
  height: number,
  width: number,
  h: number,
  w: number,
  shift: number,
  stat: WindowStat,
  bandRows: number,
  bandType: 'f32' | 'f64',
): MatchStatsProgram {
  const outHeight = height - h + 1;
  return {
    kind: 'matchStats',
    tw: w,
    shift,
    stat,
    kh: h,
    channels: 1,
    pw: width,
    ow: width - w + 1,
    outHeight,
    bandRows: Math.min(outHeight, bandRows),
    pad: { top: 0, bottom: 0, left: 0, right: 0 },
    border: { mode: 'constant', cval: 0 },
    bandType,
  };
}

export const runMatchStatsBands: BandRunner<MatchStatsProgram> = (
  arena,
  prog,
  source,
  claim,
  out,
  _s,
  done,
) => {
  const { kh: h, tw: w, pw: width, ow, bandRows: R } = prog;
  let t: ReturnType<typeof reserveTables> | undefined;
  let outPtr = 0;
  let band: Float32Array | Float64Array | undefined;
  const res = out as Float64Array;
  for (let b = claim(); b >= 0; b = claim()) {
    if (!t) {
      arena.reset();
      t = reserveTables(arena, width, h);
      outPtr = arena.reserve(ow * 8);
      band =
        prog.bandType === 'f32'
          ? new Float32Array((R + h - 1) * width)
          : new Float64Array((R + h - 1) * width);
    }
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    source(m0, m0 + rows + h - 1, band!);
    // One band of the grid: the same call addWindowStats makes for it.
    const win = () => new Float64Array(arena.buffer, outPtr, ow);
    windowBandsSimd(
      arena,
      t,
      band!.subarray(0, (rows + h - 1) * width),
      rows + h - 1,
      width,
      h,
      w,
      prog.shift,
      prog.stat,
      rows,
      () => outPtr,
      (r) => res.set(win(), (m0 + r) * ow),
    );
    done(b);
  }
};
