/**
 * Direct float32 correlation in place in engine memory (./heap.ts): the SIMD loops read the
 * input array's rows and write the output array's rows where they are, with no padded band
 * copied in and no result band copied out.
 *
 * Each band of the program's fixed grid with at least one row whose window lies inside the
 * image's rows runs as:
 *   1. the loop over the interior columns of those rows, reading the input rows in place (row
 *      stride = the image row) and writing the output rows in place — gathering, as it reads
 *      them, the float32 guard's range statistics of those rows and columns (./taps-jit.ts);
 *      the rest of those input rows (the last columns, the halo rows below) added after it;
 *   2. the band's rows whose window crosses the top or bottom border (in the first and last
 *      bands), every column, through a row strip padded as the padded runner pads its band,
 *      filtered by the same loop straight into the output rows, the strip added to the
 *      statistics;
 *   3. the left and right edge strips (the columns whose window crosses the border), padded
 *      through src/border into a small scratch strip, filtered by the same loop, copied in;
 *   4. the guard over the output band, as ./direct.ts.
 * (The separable passes in place read the statistics in a pass of their own, and take the
 * border rows' column pass from row strips: runSeparableInPlace.) Bands with no such row, and
 * bands the guard rejects, run through the padded band runner (./direct.ts runDirectBands),
 * which then recomputes them exactly as every other path would. Every output is computed by
 * the same operations in the same order as in the padded-band runner (a pixel's value does not
 * depend on its place in a row, see tail3x3 in wasm/direct.ts), and the guard sees the same
 * values (the padded band holds the rows' own values, the row strips' values and, for a
 * constant border with padded columns, cval) — so the result is bit-identical to that
 * runner's, for any thread count.
 *
 * The integer uint8 3×3 loop (uint8 in and out, weights k/D) runs in place the same way, with
 * no guard: it rounds exactly in the loop and recomputes its ties from the rows it reads.
 */
import { type BorderMode, borderIndexMap, padWindowInterleaved } from '../border/border.js';
import {
  type BandClaim,
  type BandStats,
  f32AcceptableBand,
  guardTrace,
  paddingSource,
  phasedBand,
} from './bands.js';
import {
  type SimdDirectProgram,
  integerLoop,
  runDirectBands,
  writeIntegerTables,
  writeTapTable,
} from './direct.js';
import {
  type SepTerm,
  type SimdSeparableProgram,
  fillRecords,
  runSeparableBands,
  symmetricLayout,
} from './separable.js';
import type { HeapExports } from './heap.js';
import { tapsLoopF32 } from './taps-jit.js';
import type { SimdArena } from './simd.js';

/**
 * Bands this thread ran in place, left to the padded runner because of the top or bottom
 * border, and computed in place but rejected by the float32 guard; row strips it ran for the
 * border rows of bands in place (tests).
 */
export const inPlaceCounts = { inPlace: 0, border: 0, rejected: 0, rowStrips: 0 };

/** An input image in engine memory. */
export interface HeapImage {
  readonly data: Float32Array | Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export type InPlaceProgram = SimdDirectProgram | SimdSeparableProgram;

/**
 * Whether a program can run in place: direct float32 → float32, separable float32 → float32
 * with a border that is not constant, or the integer uint8 3×3 loop, uint8 → uint8.
 */
export function runsInPlace(prog: { kind: string }, input: unknown, out: unknown): prog is InPlaceProgram {
  return (
    inPlaceInput(prog, input) && out instanceof (input instanceof Uint8Array ? Uint8Array : Float32Array)
  );
}

/** Whether a program runs in place on this input (into an output of the input's type). */
export function inPlaceInput(prog: { kind: string }, input: unknown): prog is InPlaceProgram {
  if (isIntegerU8(prog)) return input instanceof Uint8Array;
  return input instanceof Float32Array && inPlaceKind(prog);
}

/** Whether a program is of a kind that runs in place (for float32 input and output). */
export function inPlaceKind(prog: { kind: string }): prog is InPlaceProgram {
  const p = prog as InPlaceProgram;
  if (p.kind === 'direct') return p.path === 'f32' && p.bandType === 'f32';
  return p.kind === 'separable' && p.path === 'f32' && p.bandType === 'f32' && p.border.mode !== 'constant';
}

/** The integer uint8 3×3 loop's programs (weights k/D): uint8 in, uint8 out. */
function isIntegerU8(prog: { kind: string }): boolean {
  const p = prog as SimdDirectProgram;
  return p.kind === 'direct' && p.path === 'u8' && p.divisor > 0;
}

let columnMemo: { key: string; cols: Int32Array } | undefined;

/**
 * borderIndexMap, kept for the next call with the same arguments: the ring (./pool.ts) runs
 * each band as a call of its own, and a 4K row's map took ~6 µs per band to build. Read only.
 */
function columnMap(width: number, left: number, right: number, mode: BorderMode): Int32Array {
  const key = `${width} ${left} ${right} ${mode}`;
  if (columnMemo?.key !== key) columnMemo = { key, cols: borderIndexMap(width, left, right, mode) };
  return columnMemo.cols;
}

interface Geometry {
  /** Kernel width. */
  kw: number;
  /** Interior output rows [mLo, mHi) and columns [nL, nR). */
  mLo: number;
  mHi: number;
  nL: number;
  nR: number;
  /** Padded strip row stride and strip output row length, in elements. */
  Ss: number;
  So: number;
  /** The most output rows of one band above mLo or below mHi (borderRowsPerBand). */
  rowsB: number;
}

function geometry(prog: SimdDirectProgram, height: number, width: number): Geometry {
  const { pad, ow, channels: C } = prog;
  const outW = ow / C;
  // paddedWidth = width + left + right = outWidth + kw − 1 for every output shape.
  const kw = prog.pw / C - outW + 1;
  const nL = Math.min(pad.left, outW);
  const nR = Math.max(nL, Math.min(outW, width - kw + 1 + pad.left));
  const strip = Math.max(nL, outW - nR);
  const [mLo, mHi] = interiorRows(prog, height);
  return {
    kw,
    mLo,
    mHi,
    nL,
    nR,
    Ss: (strip + kw - 1) * C,
    So: strip * C,
    rowsB: borderRowsPerBand(prog, height),
  };
}

/**
 * The most output rows of one band whose window crosses the top or bottom border of an image
 * `height` rows tall (above pad.top, or from the first row whose window reaches below the
 * image): the rows a band's row strip holds.
 */
function borderRowsPerBand(prog: InPlaceProgram, height: number): number {
  const [mLo, mHi] = interiorRows(prog, height);
  return Math.max(0, Math.min(prog.bandRows, Math.max(mLo, prog.outHeight - mHi)));
}

/** Output rows [mLo, mHi): those whose window lies within the image's `height` rows. */
function interiorRows(prog: InPlaceProgram, height: number): [number, number] {
  return [prog.pad.top, height - prog.kh + 1 + prog.pad.top];
}

interface Layout {
  tapsIn: number;
  tapsStrip: number;
  tapsRow: number;
  stats: number;
  strip: number;
  sacc: number;
  rowStrip: number;
  end: number;
}

/**
 * Carves a thread's scratch from `base`: `take(bytes)` returns the next 16-byte-aligned block
 * (with 64 spare bytes for the loops' vector reads past a row end); `end()` the bytes so far.
 */
function carve(base: number) {
  let at = base;
  return {
    take(bytes: number): number {
      const p = at;
      at = (at + bytes + 64 + 15) & ~15;
      return p;
    },
    end: () => at,
  };
}

function layout(prog: SimdDirectProgram, g: Geometry, base: number): Layout {
  const { take, end } = carve(base);
  const nt = prog.taps.length;
  const L = {
    tapsIn: take(nt * 20),
    tapsStrip: take(nt * 20),
    tapsRow: take(nt * 20),
    stats: take(32),
    strip: take((prog.bandRows + prog.kh - 1) * g.Ss * 4),
    sacc: take(prog.bandRows * g.So * 4),
    rowStrip: take(rowStripBytes(prog, g.rowsB, 4)),
  };
  return { ...L, end: end() };
}

/** The integer uint8 loop's scratch: its tables (one tie table per row stride) and strip. */
function integerLayout(prog: SimdDirectProgram, g: Geometry, base: number) {
  const { take, end } = carve(base);
  return {
    k9: take(144),
    division: take(32),
    exactIn: take(108),
    exactStrip: take(108),
    exactRow: take(108),
    list: take((prog.ow + 16) * 4),
    strip: take((prog.bandRows + prog.kh - 1) * g.Ss),
    sout: take(prog.bandRows * g.So),
    rowStrip: take(rowStripBytes(prog, g.rowsB, 1)),
    end,
  };
}

/**
 * A row strip's bytes: the padded rows of `rowsB` output rows, each with room for the source's
 * phase (at most prog.pw + 8 elements, see BandSource.strideFor), and 8 bytes for the phase.
 */
function rowStripBytes(prog: InPlaceProgram, rowsB: number, bytes: number): number {
  return rowsB > 0 ? (rowsB + prog.kh - 1) * (prog.pw + 8) * bytes + 8 : 0;
}

/** Scratch bytes one thread needs to run `prog` in place on an image of this size. */
export function inPlaceScratchBytes(prog: InPlaceProgram, height: number, width: number): number {
  if (prog.kind === 'separable') return separableLayout(prog, height, 0).end();
  if (isIntegerU8(prog)) return integerLayout(prog, geometry(prog, height, width), 0).end();
  return layout(prog, geometry(prog, height, width), 0).end;
}

/**
 * Runs the bands `claim` hands out in place: `input` and `out` (the whole output) are arrays
 * in engine memory, `scratch` this thread's inPlaceScratchBytes there, `x` this thread's
 * loops on that memory; `arena` is this thread's private arena for the bands that run padded.
 */
type InPlaceRunner<P> = (
  x: HeapExports,
  memory: WebAssembly.Memory,
  scratch: number,
  arena: SimdArena,
  prog: P,
  input: HeapImage,
  claim: BandClaim,
  out: Float32Array | Uint8Array,
  stats: BandStats,
  done: (band: number) => void,
) => void;

/**
 * What a program's in-place runner supplies to the shared band loop (runInPlaceBands).
 */
interface InPlaceKind {
  /** Output rows [mLo, mHi) read only image rows; `interior` false: every band runs padded. */
  readonly mLo: number;
  readonly mHi: number;
  readonly interior: boolean;
  /**
   * Whether `filter` also takes bands with rows outside [mLo, mHi) (through padded row
   * strips), as long as one of their rows is inside; if not, such bands run padded.
   */
  readonly borderRows: boolean;
  /** Scratch address of the guard's statistics (32 bytes); -1: no guard (exact loops). */
  readonly stats: number;
  /** Writes the loops' tables into the scratch (once this thread holds a band). */
  prepare(): void;
  /**
   * Filters output rows [m0, m0 + rows) in place. With `stats` (guarded programs), also leaves
   * there the guard's range statistics of every value of the band's padded input rows, as
   * guardRange_f32 writes them of the padded band — gathered by the loop as it reads (direct)
   * or in a pass of their own (separable).
   */
  filter(m0: number, rows: number, stats?: number): void;
  /** Runs the listed bands through the padded-band runner. */
  padded(claim: BandClaim): void;
}

/**
 * The band loop every in-place runner shares: guard-rejected bands, and bands with no row in
 * [mLo, mHi) (or with any row outside it, for kinds without `borderRows`), go to the padded
 * runner; the others are filtered in place between the guard's two statistics.
 */
function runInPlaceBands(
  x: HeapExports,
  memory: WebAssembly.Memory,
  prog: SimdDirectProgram | SimdSeparableProgram,
  input: HeapImage,
  claim: BandClaim,
  out: Float32Array | Uint8Array,
  done: (band: number) => void,
  kind: InPlaceKind,
): void {
  const { pad, ow, bandRows: R, border } = prog;
  const guarded = kind.stats >= 0;
  const statsF32 = new Float32Array(memory.buffer, Math.max(0, kind.stats), 2);
  // The padded band's columns beyond the image hold cval (constant border) or row values.
  const cvalInBand = border.mode === 'constant' && pad.left + pad.right > 0;
  const cval32 = Math.fround(border.cval);
  const padded: number[] = [];
  // The scratch is written only once this thread holds a band: a pool worker that picks up the
  // job after its last band was claimed must not touch memory the caller may have released.
  let ready = false;
  for (let b = claim(); b >= 0; b = claim()) {
    const m0 = b * R;
    const rows = Math.min(R, prog.outHeight - m0);
    const lo = Math.max(m0, kind.mLo);
    const hi = Math.min(m0 + rows, kind.mHi);
    if (!kind.interior || hi <= lo || (!kind.borderRows && (lo > m0 || hi < m0 + rows))) {
      inPlaceCounts.border++;
      padded.push(b);
      continue;
    }
    if (!ready) {
      kind.prepare();
      ready = true;
    }
    if (!guarded) {
      kind.filter(m0, rows);
      inPlaceCounts.inPlace++;
      done(b);
      continue;
    }
    kind.filter(m0, rows, kind.stats);
    let maxX = statsF32[0];
    let minX = statsF32[1];
    if (cvalInBand) {
      // (cval as the padded band holds it, a float32; ±Infinity makes maxX NaN, as any
      // non-finite value does)
      maxX = Number.isFinite(cval32) ? Math.max(maxX, Math.abs(cval32)) : NaN;
      if (cval32 < 0 || Object.is(cval32, -0)) minX = -Infinity;
    }
    if (guardTrace.on) guardTrace.bands.push([m0, maxX, minX]);
    const outAt = out.byteOffset + m0 * ow * 4;
    const accepted = f32AcceptableBand(prog.guard, maxX, minX, (n) => x.guardAbsMax_f32(outAt, n), ow, rows);
    if (accepted) {
      inPlaceCounts.inPlace++;
      done(b);
    } else {
      inPlaceCounts.rejected++;
      padded.push(b);
    }
  }
  if (padded.length > 0) kind.padded(() => padded.pop() ?? -1);
}

/**
 * The edge strips of an in-place band: output columns [n0, n1) of rows [m0, m0 + rows), whose
 * windows cross the border, padded through src/border into `strip` (row stride g.Ss), filtered
 * by `filter(rows, width)` into `stripOut` (row stride g.So) and copied into `out` element by
 * element (a strip is a few columns wide, and a subarray and a set per row cost more than
 * copying them).
 */
function edgeStrips(
  input: HeapImage,
  prog: SimdDirectProgram,
  g: Geometry,
  cols: Int32Array,
  strip: Float32Array | Uint8Array,
  stripOut: Float32Array | Uint8Array,
  out: Float32Array | Uint8Array,
  filter: (rows: number, width: number) => void,
) {
  const { pad, border, kh, ow, channels: C } = prog;
  return (m0: number, rows: number, n0: number, n1: number) => {
    if (n1 <= n0) return;
    padWindowInterleaved(input, pad, border, m0, m0 + rows + kh - 1, n0, n1 + g.kw - 1, strip, g.Ss, cols);
    const width = (n1 - n0) * C;
    filter(rows, width);
    for (let i = 0; i < rows; i++) {
      const s = i * g.So;
      const d = (m0 + i) * ow + n0 * C;
      for (let j = 0; j < width; j++) out[d + j] = stripOut[s + j];
    }
  };
}

/** Runs the bands `claim` hands out of a direct program in place (see InPlaceRunner). */
export const runDirectInPlace: InPlaceRunner<SimdDirectProgram> = (
  x,
  memory,
  scratch,
  arena,
  prog,
  input,
  claim,
  out,
  stats,
  done,
) => {
  if (isIntegerU8(prog)) {
    runIntegerInPlace(x, memory, scratch, arena, prog, input, claim, out, stats, done);
    return;
  }
  const { kh, bandRows: R, channels: C } = prog;
  const g = geometry(prog, input.height, input.width);
  const L = layout(prog, g, scratch);
  const buf = memory.buffer;
  const nt = prog.taps.length;
  const strip = new Float32Array(buf, L.strip, (R + kh - 1) * g.Ss);
  const sacc = new Float32Array(buf, L.sacc, R * g.So);
  const tapsLoop = tapsLoopF32(x, memory, prog.taps, C);
  const loop: DirectLoop = (src, stride, dst, dstStride, rows, width, taps, gather) =>
    tapsLoop(src, stride, dst, dstStride, rows, width, taps, nt, gather);
  runInPlaceBands(x, memory, prog, input, claim, out, done, {
    ...directKind(x, input, prog, g, arena, out, stats, done, loop, {
      strip,
      stripOut: sacc,
      rowStrip: L.rowStrip,
      tables: [L.tapsIn, L.tapsStrip, L.tapsRow],
      writeTable: (at, S) => writeTapTable(buf, at, prog.taps, S, C),
    }),
    stats: L.stats,
  });
};

/**
 * The integer uint8 3×3 loop in place (see runDirectInPlace, with no guard): the interior
 * columns read the input rows where they are (row stride = the image row), the edge strips go
 * through a small padded strip; each call's ties are recomputed from the rows it read, with
 * tap offsets for that call's row stride.
 */
const runIntegerInPlace: InPlaceRunner<SimdDirectProgram> = (
  x,
  memory,
  scratch,
  arena,
  prog,
  input,
  claim,
  out,
  stats,
  done,
) => {
  const { kh, bandRows: R, channels: C } = prog;
  const g = geometry(prog, input.height, input.width);
  const L = integerLayout(prog, g, scratch);
  const buf = memory.buffer;
  const strip = new Uint8Array(buf, L.strip, (R + kh - 1) * g.Ss);
  const sout = new Uint8Array(buf, L.sout, R * g.So);
  const f = integerLoop(x, prog);
  const loop: DirectLoop = (src, stride, dst, dstStride, rows, width, ex) => {
    stats.exactOutputs += f(src, stride, dst, dstStride, rows, width, L.k9, C, L.division, ex, L.list);
  };
  runInPlaceBands(x, memory, prog, input, claim, out, done, {
    ...directKind(x, input, prog, g, arena, out, stats, done, loop, {
      strip,
      stripOut: sout,
      rowStrip: L.rowStrip,
      tables: [L.exactIn, L.exactStrip, L.exactRow],
      writeTable: (at, S) => writeIntegerTables(buf, L.k9, L.division, at, prog, S),
    }),
    stats: -1,
  });
};

/** A direct runner's scratch for directKind: its strips and its loop's three tables. */
interface DirectScratch {
  /** The edge strips' padded rows (row stride g.Ss) and their outputs (row stride g.So). */
  strip: Float32Array | Uint8Array;
  stripOut: Float32Array | Uint8Array;
  /** Byte address of the row strip (rowStripBytes). */
  rowStrip: number;
  /** The loop's tables for rows the image row apart, g.Ss apart, and the row strip's stride. */
  tables: readonly [number, number, number];
  /** Writes a table at `at` for rows S elements apart. */
  writeTable(at: number, S: number): void;
}

/**
 * What the two direct runners share: the band grid's interior rows, the filter of a band, and
 * the padded runner for the other bands. A band's filter runs:
 *   - its rows in [mLo, mHi): the interior columns by `loop` straight from the input rows (row
 *     stride = the image row), then the left and right edge strips through the padded strip;
 *   - its rows above mLo or below mHi (the first and last bands reach the top and bottom
 *     border): every column through a row strip, padded as the padded runner pads its band
 *     (paddingSource), filtered by `loop` straight into the output rows.
 * The guard's statistics then cover exactly the padded band's values: the image rows the
 * interior part reads, and each row strip whole. The loops take byte addresses.
 */
function directKind(
  x: HeapExports,
  input: HeapImage,
  prog: SimdDirectProgram,
  g: Geometry,
  arena: SimdArena,
  out: Float32Array | Uint8Array,
  stats: BandStats,
  done: (band: number) => void,
  loop: DirectLoop,
  s: DirectScratch,
): Omit<InPlaceKind, 'stats'> {
  const { pad, ow, kh, channels: C } = prog;
  const inBytes = input.data.BYTES_PER_ELEMENT;
  const outBytes = out.BYTES_PER_ELEMENT;
  const rowLen = input.width * C;
  const [tableIn, tableStrip, tableRow] = s.tables;
  const cols = columnMap(input.width, pad.left, pad.right, prog.border.mode);
  const edge = edgeStrips(input, prog, g, cols, s.strip, s.stripOut, out, (rows, width) =>
    loop(s.strip.byteOffset, g.Ss, s.stripOut.byteOffset, g.So, rows, width, tableStrip),
  );
  // Row strips (only where the grid has border rows: not for the pool's ring slots, whose
  // padding is in their rows).
  const strips = rowStrips(s.strip.buffer, input, prog, cols, s.rowStrip, g.rowsB);
  const Sr = strips?.stride ?? 0;
  const rowStrip = (m0: number, rows: number, gather?: number) => {
    if (rows <= 0 || !strips) return;
    const view = strips.fill(m0, rows);
    if (gather !== undefined) x.guardRect_f32(view.byteOffset, Sr, rows + kh - 1, prog.pw, gather);
    loop(view.byteOffset, Sr, out.byteOffset + m0 * ow * outBytes, ow, rows, ow, tableRow);
  };
  return {
    mLo: g.mLo,
    mHi: g.mHi,
    interior: g.nR > g.nL,
    borderRows: true,
    prepare: () => {
      s.writeTable(tableIn, rowLen);
      s.writeTable(tableStrip, g.Ss);
      if (strips) s.writeTable(tableRow, Sr);
    },
    filter: (m0, rows, stats) => {
      const lo = Math.max(m0, g.mLo);
      const n = Math.min(m0 + rows, g.mHi) - lo;
      const band = input.data.byteOffset + (lo - pad.top) * rowLen * inBytes;
      const first = (g.nL - pad.left) * C;
      const width = (g.nR - g.nL) * C;
      if (stats !== undefined) x.guardReset_f32(stats);
      loop(
        band + first * inBytes,
        rowLen,
        out.byteOffset + (lo * ow + g.nL * C) * outBytes,
        ow,
        n,
        width,
        tableIn,
        stats,
      );
      if (stats !== undefined) {
        // The loop gathered rows [0, n) × [first, first + width) of the input rows it read.
        x.guardRect_f32(band, rowLen, n, first, stats);
        x.guardRect_f32(band + (first + width) * inBytes, rowLen, n, rowLen - first - width, stats);
        x.guardRect_f32(band + n * rowLen * inBytes, rowLen, kh - 1, rowLen, stats);
      }
      rowStrip(m0, lo - m0, stats);
      rowStrip(lo + n, m0 + rows - lo - n, stats);
      if (stats !== undefined) x.guardFinish_f32(stats);
      edge(lo, n, 0, g.nL);
      edge(lo, n, g.nR, ow / C);
    },
    padded: (c) =>
      runDirectBands(arena, prog, strips?.source ?? paddingSource(input, prog, cols), c, out, stats, done),
  };
}

/**
 * A runner's row strip at byte `at` of `buffer` (engine memory; rowStripBytes), where the band
 * grid has border rows (`rowsB` > 0): `fill(m0, rows)` pads the padded image's rows
 * [m0, m0 + rows + kh − 1), the window rows of output rows [m0, m0 + rows), exactly as the
 * padded runner pads its band (paddingSource) — rows `stride` elements apart from the
 * source's phase, so the row copies out of shared memory stay word copies — and returns them.
 */
function rowStrips(
  buffer: ArrayBufferLike,
  input: HeapImage,
  prog: InPlaceProgram,
  cols: Int32Array,
  at: number,
  rowsB: number,
) {
  if (rowsB <= 0) return undefined;
  const source = paddingSource(input, prog, cols);
  const stride = source.strideFor(prog.pw, input.data.BYTES_PER_ELEMENT);
  const view = phasedBand(buffer as ArrayBuffer, at, prog.bandType, (rowsB + prog.kh - 1) * stride);
  return {
    source,
    stride,
    fill(m0: number, rows: number) {
      inPlaceCounts.rowStrips++;
      const v = view(source.phase(m0));
      source(m0, m0 + rows + prog.kh - 1, v, stride);
      return v;
    },
  };
}

/**
 * A direct loop on rows `stride` elements apart, written `dstStride` apart, with a table; with
 * `stats`, also gathering the guard's statistics of the rows × width it reads from (TapsLoop).
 */
type DirectLoop = (
  src: number,
  stride: number,
  dst: number,
  dstStride: number,
  rows: number,
  width: number,
  table: number,
  stats?: number,
) => void;

/** Scratch bytes one thread needs to run a separable program in place on `height` rows. */
function separableLayout(prog: SimdSeparableProgram, height: number, base: number) {
  const { take, end } = carve(base);
  const rowsB = borderRowsPerBand(prog, height);
  return {
    rowsB,
    col32: take(prog.colTerms.length * 32),
    col32Row: take(prog.colTerms.length * 32),
    row32: take(prog.rowTerms.length * 32),
    stats: take(32),
    t: take(prog.bandRows * prog.pw * 4),
    rowStrip: take(rowStripBytes(prog, rowsB, 4)),
    end,
  };
}

/**
 * Runs the bands `claim` hands out of a separable float32 program in place (border not
 * constant). The column pass reads the input rows where they are and fills the intermediate
 * rows' image columns; their padded columns are copies of the image columns the border rule
 * names (a padded column of the band is a copy of an image column in every row, so its
 * column-pass value is that column's). Rows whose window crosses the top or bottom border (in
 * the first and last bands) take their column pass, every column, from a row strip padded as
 * the padded runner pads its band. The row pass writes the output rows in place. As in the
 * padded runner (./separable.ts), the same loops compute each value by the same operations, and
 * the guard's statistics cover the same values: the image rows read in place and each row strip.
 */
export const runSeparableInPlace: InPlaceRunner<SimdSeparableProgram> = (
  x,
  memory,
  scratch,
  arena,
  prog,
  input,
  claim,
  out,
  stats,
  done,
) => {
  const { pad, kh, ow, pw, channels: C, border } = prog;
  const { height: H, width: W } = input;
  const L = separableLayout(prog, H, scratch);
  const buf = memory.buffer;
  const rowLen = W * C;
  const [mLo, mHi] = interiorRows(prog, H);
  const t = new Float32Array(buf, L.t, prog.bandRows * pw);
  const cols = columnMap(W, pad.left, pad.right, border.mode);
  const strips = rowStrips(buf, input, prog, cols, L.rowStrip, L.rowsB);
  const count = (ts: readonly SepTerm[], k: number) => ts.filter((term) => term.kind === k).length;
  const nc = prog.colTerms.length;
  const nr = prog.rowTerms.length;
  const [cp, cm, rp, rm] = [
    count(prog.colTerms, 1),
    count(prog.colTerms, 2),
    count(prog.rowTerms, 1),
    count(prog.rowTerms, 2),
  ];
  const colSym = symmetricLayout(prog.colTerms);
  const rowSym = symmetricLayout(prog.rowTerms);
  // The column pass of `rows` rows `S` elements apart, `width` elements from `src`, into the
  // intermediate rows from `dst`, in strips of columns (records: offsets for S).
  const columnPass = (src: number, S: number, dst: number, rows: number, width: number, rec: number) => {
    for (let s0 = 0; s0 < width; s0 += prog.strip) {
      const sw = Math.min(prog.strip, width - s0);
      if (colSym)
        x.correlateSym_f32(src + s0 * 4, S, dst + s0 * 4, pw, rows, sw, rec, cp, colSym.center, S * 4);
      else x.correlateTerms_f32(src + s0 * 4, S, dst + s0 * 4, pw, rows, sw, rec, nc, cp, cm);
    }
  };
  // Output rows [m0, m0 + rows) from a row strip: intermediate rows from row m0 − top, whole.
  const rowStrip = (m0: number, rows: number, top: number, gather?: number) => {
    if (rows <= 0 || !strips) return;
    const view = strips.fill(m0, rows);
    if (gather !== undefined) x.guardRect_f32(view.byteOffset, strips.stride, rows + kh - 1, pw, gather);
    columnPass(view.byteOffset, strips.stride, L.t + (m0 - top) * pw * 4, rows, pw, L.col32Row);
  };
  // Padded columns of the intermediate rows: element offsets of each and of its image column.
  const padCols: number[] = [];
  for (let q = 0; q < pad.left + W + pad.right; q++)
    if (q < pad.left || q >= pad.left + W) padCols.push(q * C, (pad.left + cols[q]) * C);
  runInPlaceBands(x, memory, prog, input, claim, out, done, {
    mLo,
    mHi,
    interior: true,
    borderRows: strips !== undefined,
    stats: L.stats,
    prepare: () => {
      fillRecords(buf, L.col32, prog.colTerms, rowLen);
      if (strips) fillRecords(buf, L.col32Row, prog.colTerms, strips.stride);
      fillRecords(buf, L.row32, prog.rowTerms, C);
    },
    filter: (m0, rows, stats) => {
      const lo = Math.max(m0, mLo);
      const n = Math.min(m0 + rows, mHi) - lo;
      const band = input.data.byteOffset + (lo - pad.top) * rowLen * 4;
      const whole = n === rows;
      if (stats !== undefined) {
        if (whole) x.guardRange_f32(band, (rows + kh - 1) * rowLen, stats);
        else {
          x.guardReset_f32(stats);
          x.guardRect_f32(band, rowLen, n + kh - 1, rowLen, stats);
        }
      }
      columnPass(band, rowLen, L.t + ((lo - m0) * pw + pad.left * C) * 4, n, rowLen, L.col32);
      for (let i = lo - m0; i < lo - m0 + n; i++) {
        const r = i * pw;
        for (let k = 0; k < padCols.length; k += 2)
          for (let ch = 0; ch < C; ch++) t[r + padCols[k] + ch] = t[r + padCols[k + 1] + ch];
      }
      if (!whole) {
        rowStrip(m0, lo - m0, m0, stats);
        rowStrip(lo + n, m0 + rows - lo - n, m0, stats);
        if (stats !== undefined) x.guardFinish_f32(stats);
      }
      const dst = out.byteOffset + m0 * ow * 4;
      if (rowSym) x.correlateSym_f32(L.t, pw, dst, ow, rows, ow, L.row32, rp, rowSym.center, C * 4);
      else x.correlateTerms_f32(L.t, pw, dst, ow, rows, ow, L.row32, nr, rp, rm);
    },
    padded: (c) =>
      runSeparableBands(arena, prog, strips?.source ?? paddingSource(input, prog, cols), c, out, stats, done),
  });
};
