/**
 * Tiled FFT correlation ("valid" positions of a plane that is already extended by its
 * border): the engine behind `method: 'fft'`. Overlap-save over tiles of a 7-smooth
 * size N1×N2 — one tile for a small image, many for a large image with a mid-size
 * kernel — with two tiles per complex transform:
 *
 *   z = a + i·b  →  Z = FFT2(z)  →  Z·conj(H)/(N1·N2)  →  IFFT2  =  (a ⋆ h) + i·(b ⋆ h)
 *
 * Because h is real, the real and imaginary parts of the result are the two tiles'
 * cyclic correlations, so two real tiles cost one complex transform and no
 * real-FFT pre/post-processing. A tile of N rows gives N − kh + 1 valid rows.
 *
 * No permutation pass runs: rows and columns go forward by decimation in frequency
 * (natural order in, digit-reversed out), the spectrum is multiplied in that order
 * (the kernel's spectrum is stored in the same order), and the inverse runs by
 * decimation in time (digit-reversed in, natural out). The passes are fused: the
 * forward row pass reads the source tile, each column strip goes forward, is
 * multiplied and comes back in one visit, and the inverse row pass writes the
 * output — three visits of the tile buffer per pair of tiles.
 */
import { type Butterflies, butterflies } from './butterflies.js';
import { type RadixPlan, difLanes, ditLanes, radixPlan } from './plan.js';

/** A 2-D region of a row-major buffer: element (r, c) at `offset + r·stride + c`. */
export interface PlaneRegion {
  readonly data: Float32Array | Float64Array;
  readonly offset: number;
  readonly stride: number;
}

/** One plane to correlate: `height`×`width` valid outputs from a source of (height+kh−1)×(width+kw−1). */
export interface CorrelationJob {
  readonly src: PlaneRegion;
  readonly dst: PlaneRegion;
  readonly height: number;
  readonly width: number;
}

/** A kernel as the FFT engine needs it: row-major float64 taps. */
export interface Taps {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Rows per row pass: 16 signals × (≤ 4096 points) × 16 bytes stays within a 1 MiB L2. */
export const LANES = 16;
/**
 * Columns per in-place column strip. 32 was fastest of 8–128 on the reference machine
 * (W13-like 1125² tiles: 16 → 166 ms, 32 → 150 ms, 64 → 162 ms, CPU time, 2-core EPYC VM).
 */
const STRIP = 32;

/**
 * Where a correlator's buffers live and what runs its stages: the plain-TypeScript default
 * (ordinary Float64Arrays, `butterflies()`), or the WASM SIMD engine (src/fft/simd.ts:
 * views of a WebAssembly memory, f64x2 stages that need an even lane count).
 */
export interface TileEngine {
  /** Zeroed float64 buffers of these lengths, valid together; `plans` are the plans the stages will be given. */
  buffers(lengths: readonly number[], plans: readonly RadixPlan[]): Float64Array[];
  readonly butterflies: Butterflies;
  /** Stages run on an even number of lanes: the correlator rounds odd lane counts up with a spare lane. */
  readonly evenLanes: boolean;
  /** The spectrum product of a strip (see `multiplyStrip`), when the engine has its own. */
  multiplyStrip?(
    zre: Float64Array,
    zim: Float64Array,
    kre: Float64Array,
    kim: Float64Array,
    zs: number,
    c0: number,
    rows: number,
    L: number,
  ): void;
  /**
   * Row/lane transposes on the engine's buffers (views): `rowsToLanes` puts L rows of `cols`
   * values (zero up to n) into lanes [n][S] with lanes L..S−1 zero; `lanesToRows` the first L
   * lanes of [n][S] into rows of n values. With them, source rows are first copied into a
   * staging block of the engine's memory.
   */
  readonly transposes?: {
    rowsToLanes(
      src: Float32Array | Float64Array,
      srcStride: number,
      L: number,
      cols: number,
      n: number,
      s: Float64Array,
      S: number,
    ): void;
    lanesToRows(
      s: Float64Array,
      S: number,
      L: number,
      n: number,
      dst: Float32Array | Float64Array,
      dstStride: number,
    ): void;
  };
}

const PLAIN: TileEngine = {
  buffers: (lengths) => lengths.map((n) => new Float64Array(n)),
  get butterflies() {
    return butterflies();
  },
  evenLanes: false,
};

interface Tile {
  readonly job: CorrelationJob;
  readonly r0: number;
  readonly c0: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Correlates planes with one kernel through FFT tiles of N1×N2. Create once per
 * (kernel, tile size); `run` may be called for many jobs.
 */
export class TileCorrelator {
  readonly n1: number;
  readonly n2: number;
  readonly kh: number;
  readonly kw: number;
  private readonly rowPlan: RadixPlan;
  private readonly colPlan: RadixPlan;
  /** conj(FFT2(h))/(N1·N2), rows and columns in DIF order. */
  private readonly kre: Float64Array;
  private readonly kim: Float64Array;
  /** Row stride of the tile buffers: n2 padded so that it is an odd number of 64-byte lines (see paddedStride). */
  private readonly zs: number;
  private readonly zre: Float64Array;
  private readonly zim: Float64Array;
  private readonly sre: Float64Array;
  private readonly sim: Float64Array;
  private readonly bf: Butterflies;
  private readonly even: boolean;
  private readonly mul: NonNullable<TileEngine['multiplyStrip']>;
  private readonly tx: TileEngine['transposes'];
  /** Staging rows (LANES × max(n1, n2)) for the engine's transposes: tile a, tile b. */
  private readonly stA: Float64Array;
  private readonly stB: Float64Array;
  /** The same staging memory as float32 rows (float32 sources and outputs: exact copies both ways). */
  private readonly stA32: Float32Array;
  private readonly stB32: Float32Array;

  /** Extra buffers the caller asked for, in the engine's memory (e.g. a band of source rows). */
  readonly extra: Float64Array[];

  constructor(
    kernel: Taps,
    n1: number,
    n2: number,
    engine: TileEngine = PLAIN,
    extra: readonly number[] = [],
  ) {
    this.n1 = n1;
    this.n2 = n2;
    this.kh = kernel.rows;
    this.kw = kernel.cols;
    this.rowPlan = radixPlan(n2);
    this.colPlan = radixPlan(n1);
    this.bf = engine.butterflies;
    this.even = engine.evenLanes;
    this.mul = engine.multiplyStrip ?? multiplyStrip;
    this.zs = paddedStride(n2, this.even);
    const tile = n1 * this.zs;
    const scratch = Math.max(n1, n2) * LANES;
    this.tx = engine.transposes;
    const stage = this.tx ? scratch : 0;
    [this.zre, this.zim, this.sre, this.sim, this.kre, this.kim, this.stA, this.stB, ...this.extra] =
      engine.buffers(
        [tile, tile, scratch, scratch, tile, tile, stage, stage, ...extra],
        [this.rowPlan, this.colPlan],
      );
    this.stA32 = new Float32Array(this.stA.buffer, this.stA.byteOffset, stage);
    this.stB32 = new Float32Array(this.stB.buffer, this.stB.byteOffset, stage);
    this.transformKernel(kernel);
  }

  /**
   * Rows r0..r0+L−1 of a region for the engine's transposes, with their stride: in place when
   * the region already lies in the engine's memory, else copied to a staging block.
   */
  private laneSource(
    src: PlaneRegion,
    r0: number,
    L: number,
    cols: number,
    st32: Float32Array,
    st64: Float64Array,
  ): [Float32Array | Float64Array, number] {
    if (src.data.buffer === this.zre.buffer)
      return [src.data.subarray(src.offset + r0 * src.stride), src.stride];
    const st = src.data instanceof Float32Array ? st32 : st64;
    stageRows(src, r0, L, cols, st, this.n2);
    return [st, this.n2];
  }

  /** Lanes a stage runs for L signals: L, or L + 1 (a spare lane) where the engine needs an even count. */
  private lanes(L: number): number {
    return this.even && L & 1 ? L + 1 : L;
  }

  /** Valid outputs per tile. */
  get tileRows(): number {
    return this.n1 - this.kh + 1;
  }
  get tileCols(): number {
    return this.n2 - this.kw + 1;
  }

  private transformKernel(k: Taps): void {
    const { n1, n2 } = this;
    const taps: PlaneRegion = { data: k.data, offset: 0, stride: k.cols };
    this.rowsForward(taps, k.rows, k.cols, undefined, 0, 0, this.kre, this.kim);
    const scale = 1 / (n1 * n2);
    const { kre, kim, zs } = this;
    for (let c0 = 0; c0 < n2; c0 += STRIP) {
      const L = this.lanes(Math.min(STRIP, n2 - c0));
      difLanes(this.colPlan, kre.subarray(c0), kim.subarray(c0), L, -1, zs, this.bf);
    }
    // Store conj(H)·scale: the correlation theorem for a real kernel.
    for (let i = 0; i < kre.length; i++) {
      kre[i] *= scale;
      kim[i] *= -scale;
    }
  }

  /**
   * Forward row pass: rows r < n1 of the tile pair (a in the real part, b in the
   * imaginary part; rows beyond `rows` and columns beyond `cols` are zero) into z.
   */
  private rowsForward(
    a: PlaneRegion,
    rowsA: number,
    colsA: number,
    b: PlaneRegion | undefined,
    rowsB: number,
    colsB: number,
    zre: Float64Array,
    zim: Float64Array,
  ): void {
    const { n1, n2, zs, sre, sim, tx } = this;
    const rows = Math.max(rowsA, rowsB);
    if (tx) {
      const { stA, stB } = this;
      for (let r0 = 0; r0 < rows; r0 += LANES) {
        const L = Math.min(LANES, rows - r0);
        const Le = this.lanes(L);
        const La = Math.max(0, Math.min(L, rowsA - r0));
        const [sa, sas] = this.laneSource(a, r0, La, colsA, this.stA32, stA);
        tx.rowsToLanes(sa, sas, La, colsA, n2, sre, Le);
        const Lb = b ? Math.max(0, Math.min(L, rowsB - r0)) : 0;
        const [sb, sbs] = b ? this.laneSource(b, r0, Lb, colsB, this.stB32, stB) : [stB, n2];
        tx.rowsToLanes(sb, sbs, Lb, colsB, n2, sim, Le);
        difLanes(this.rowPlan, sre, sim, Le, -1, Le, this.bf);
        tx.lanesToRows(sre, Le, L, n2, zre.subarray(r0 * zs), zs);
        tx.lanesToRows(sim, Le, L, n2, zim.subarray(r0 * zs), zs);
      }
      zre.fill(0, rows * zs, n1 * zs);
      zim.fill(0, rows * zs, n1 * zs);
      return;
    }
    for (let r0 = 0; r0 < rows; r0 += LANES) {
      const L = Math.min(LANES, rows - r0);
      // Le lanes side by side; a spare lane (Le > L) is zero.
      const Le = this.lanes(L);
      for (let l = 0; l < Le; l++) {
        const r = l < L ? r0 + l : Infinity;
        gatherRowLane(a, r < rowsA ? r : -1, colsA, n2, sre, l, Le);
        if (b) gatherRowLane(b, r < rowsB ? r : -1, colsB, n2, sim, l, Le);
        else zeroLane(sim, n2, l, Le);
      }
      difLanes(this.rowPlan, sre, sim, Le, -1, Le, this.bf);
      scatterRows(zre, zim, zs, n2, r0, L, Le, sre, sim);
    }
    zre.fill(0, rows * zs, n1 * zs);
    zim.fill(0, rows * zs, n1 * zs);
  }

  /** Number of tile pairs (transforms) `run` performs for these jobs. */
  pairCount(jobs: readonly CorrelationJob[]): number {
    return Math.ceil(this.tilesOf(jobs).length / 2);
  }

  /**
   * Correlates every job: all tiles of all planes, two per transform. Pairs are
   * independent (each writes its own output tiles), so a worker pool may run disjoint
   * ranges [firstPair, endPair) of the same jobs in parallel.
   */
  run(jobs: readonly CorrelationJob[], firstPair = 0, endPair = Infinity): void {
    const tiles = this.tilesOf(jobs);
    const end = Math.min(tiles.length, 2 * endPair);
    for (let t = 2 * firstPair; t < end; t += 2) this.pair(tiles[t], tiles[t + 1]);
  }

  private tilesOf(jobs: readonly CorrelationJob[]): Tile[] {
    const tiles: Tile[] = [];
    const br = this.tileRows;
    const bc = this.tileCols;
    for (const job of jobs) {
      for (let r0 = 0; r0 < job.height; r0 += br) {
        for (let c0 = 0; c0 < job.width; c0 += bc) {
          tiles.push({
            job,
            r0,
            c0,
            rows: Math.min(br, job.height - r0),
            cols: Math.min(bc, job.width - c0),
          });
        }
      }
    }
    return tiles;
  }

  private pair(a: Tile, b: Tile | undefined): void {
    const { n1, n2, zs, kh, kw, zre, zim, sre, sim, kre, kim } = this;
    const srcOf = (t: Tile): PlaneRegion => ({
      data: t.job.src.data,
      offset: t.job.src.offset + t.r0 * t.job.src.stride + t.c0,
      stride: t.job.src.stride,
    });
    this.rowsForward(
      srcOf(a),
      a.rows + kh - 1,
      a.cols + kw - 1,
      b && srcOf(b),
      b ? b.rows + kh - 1 : 0,
      b ? b.cols + kw - 1 : 0,
      zre,
      zim,
    );
    // Columns: forward, multiply by the kernel spectrum, inverse — one visit per strip.
    // Only the first `outRows` rows come back: the rest are wrapped-around garbage.
    const outRows = Math.max(a.rows, b ? b.rows : 0);
    // In place on strips of STRIP columns (row stride zs): each strip stays in cache
    // through its forward stages, the product and its inverse stages.
    // (A spare column, when the engine needs even lane counts, lies in the row padding.)
    for (let c0 = 0; c0 < n2; c0 += STRIP) {
      const L = this.lanes(Math.min(STRIP, n2 - c0));
      const zr = zre.subarray(c0);
      const zi = zim.subarray(c0);
      difLanes(this.colPlan, zr, zi, L, -1, zs, this.bf);
      this.mul(zre, zim, kre, kim, zs, c0, n1, L);
      ditLanes(this.colPlan, zr, zi, L, 1, zs, this.bf);
    }
    // Rows: inverse, then the valid outputs of each tile. A spare lane holds stale finite values.
    const { tx } = this;
    if (tx) {
      const cols = Math.max(a.cols, b ? b.cols : 0);
      const stA = a.job.dst.data instanceof Float32Array ? this.stA32 : this.stA;
      const stB = b && b.job.dst.data instanceof Float32Array ? this.stB32 : this.stB;
      for (let r0 = 0; r0 < outRows; r0 += LANES) {
        const L = Math.min(LANES, outRows - r0);
        const Le = this.lanes(L);
        tx.rowsToLanes(zre.subarray(r0 * zs), zs, L, n2, n2, sre, Le);
        tx.rowsToLanes(zim.subarray(r0 * zs), zs, L, n2, n2, sim, Le);
        ditLanes(this.rowPlan, sre, sim, Le, 1, Le, this.bf);
        tx.lanesToRows(sre, Le, L, cols, stA, n2);
        tx.lanesToRows(sim, Le, L, cols, stB, n2);
        for (let l = 0; l < L; l++) {
          const r = r0 + l;
          if (r < a.rows) storeRow(stA, l * n2, a.job.dst, a.r0 + r, a.c0, a.cols);
          if (b && r < b.rows) storeRow(stB, l * n2, b.job.dst, b.r0 + r, b.c0, b.cols);
        }
      }
      return;
    }
    for (let r0 = 0; r0 < outRows; r0 += LANES) {
      const L = Math.min(LANES, outRows - r0);
      const Le = this.lanes(L);
      gatherRows(zre, zim, zs, n2, r0, L, Le, sre, sim);
      ditLanes(this.rowPlan, sre, sim, Le, 1, Le, this.bf);
      for (let l = 0; l < L; l++) {
        const r = r0 + l;
        if (r < a.rows) storeLane(sre, l, Le, a.job.dst, a.r0 + r, a.c0, a.cols);
        if (b && r < b.rows) storeLane(sim, l, Le, b.job.dst, b.r0 + r, b.c0, b.cols);
      }
    }
  }
}

/**
 * A row stride of at least n doubles that is an odd number of 64-byte cache lines, so
 * that a column strip does not map every row onto the same cache sets (a 512-wide
 * float64 tile ran 2× slower than a 500-wide one without it).
 */
function paddedStride(n: number, even: boolean): number {
  // Engines with even lane counts need a spare column past n when n is odd.
  if (n < 64) return even ? n + (n & 1) : n;
  let s = Math.ceil(n / 8) * 8;
  if ((s / 8) % 2 === 0) s += 8;
  return s;
}

/** Lane l of [n][L] from source row r (cols values, then zeros); r = −1 gives a zero lane. */
function gatherRowLane(
  src: PlaneRegion,
  r: number,
  cols: number,
  n: number,
  s: Float64Array,
  l: number,
  L: number,
): void {
  let p = l;
  if (r >= 0) {
    const d = src.data;
    const o = src.offset + r * src.stride;
    for (let i = 0; i < cols; i++, p += L) s[p] = d[o + i];
  } else {
    cols = 0;
  }
  for (let i = cols; i < n; i++, p += L) s[p] = 0;
}

function zeroLane(s: Float64Array, n: number, l: number, L: number): void {
  for (let i = 0, p = l; i < n; i++, p += L) s[p] = 0;
}

/** Lanes [n][S] (the first L of S) → rows r0..r0+L−1 of z (row stride zs). */
function scatterRows(
  zre: Float64Array,
  zim: Float64Array,
  zs: number,
  n: number,
  r0: number,
  L: number,
  S: number,
  sre: Float64Array,
  sim: Float64Array,
): void {
  for (let l = 0; l < L; l++) {
    const o = (r0 + l) * zs;
    for (let i = 0, p = l; i < n; i++, p += S) {
      zre[o + i] = sre[p];
      zim[o + i] = sim[p];
    }
  }
}

/** Rows r0..r0+L−1 of z (row stride zs) → the first L lanes of [n][S]. */
function gatherRows(
  zre: Float64Array,
  zim: Float64Array,
  zs: number,
  n: number,
  r0: number,
  L: number,
  S: number,
  sre: Float64Array,
  sim: Float64Array,
): void {
  for (let l = 0; l < L; l++) {
    const o = (r0 + l) * zs;
    for (let i = 0, p = l; i < n; i++, p += S) {
      sre[p] = zre[o + i];
      sim[p] = zim[o + i];
    }
  }
}

/** Columns c0..c0+L−1 of the first `rows` rows of z ·= the same entries of the kernel spectrum. */
function multiplyStrip(
  zre: Float64Array,
  zim: Float64Array,
  kre: Float64Array,
  kim: Float64Array,
  zs: number,
  c0: number,
  rows: number,
  L: number,
): void {
  for (let r = 0, o = c0; r < rows; r++, o += zs) {
    for (let p = o, e = o + L; p < e; p++) {
      const xr = zre[p];
      const xi = zim[p];
      const hr = kre[p];
      const hi = kim[p];
      zre[p] = xr * hr - xi * hi;
      zim[p] = xr * hi + xi * hr;
    }
  }
}

/** Copies rows r0..r0+L−1 (their first `cols` values) of a region into staging rows of stride n. */
function stageRows(
  src: PlaneRegion,
  r0: number,
  L: number,
  cols: number,
  st: Float32Array | Float64Array,
  n: number,
): void {
  const d = src.data;
  for (let l = 0; l < L; l++) {
    const o = src.offset + (r0 + l) * src.stride;
    st.set(d.subarray(o, o + cols), l * n);
  }
}

/** Writes `cols` staged values from s[o..] to row r, columns c0.. of dst. */
function storeRow(
  s: Float32Array | Float64Array,
  o: number,
  dst: PlaneRegion,
  r: number,
  c0: number,
  cols: number,
): void {
  dst.data.set(s.subarray(o, o + cols), dst.offset + r * dst.stride + c0);
}

/** Writes lane l (its first `cols` values) to row r, columns c0.. of dst. */
function storeLane(
  s: Float64Array,
  l: number,
  L: number,
  dst: PlaneRegion,
  r: number,
  c0: number,
  cols: number,
): void {
  const d = dst.data;
  const o = dst.offset + r * dst.stride + c0;
  for (let i = 0, p = l; i < cols; i++, p += L) d[o + i] = s[p];
}
