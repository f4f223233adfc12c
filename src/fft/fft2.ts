/**
 * Public FFT plans: 1-D and 2-D, complex and real, any size (7-smooth sizes by mixed
 * radix 2/3/4/5/7, others by Bluestein). A plan is made once per shape and reused;
 * transforms write caller-owned buffers (Float32Array or Float64Array, split real and
 * imaginary parts) and never modify their inputs. Arithmetic is float64 throughout.
 *
 * Conventions are NumPy's: forward X[k] = Σ_j x[j]·e^{−2πi·jk/n} (no scaling), inverse
 * divides by the number of points; `realForward` returns the H×(⌊W/2⌋+1) half spectrum
 * of `numpy.fft.rfft2`, and `realInverse` is `irfft2` (the imaginary parts of the
 * self-conjugate bins, column 0 and column W/2 for even W, are ignored as NumPy does).
 *
 * @example
 *   const plan = planFFT2(4, 6);
 *   const re = new Float64Array(24), im = new Float64Array(24);
 *   re[0] = 1;                                        // an impulse…
 *   plan.forward(re, im, re, im);                     // …has a flat spectrum (in place is allowed)
 *   const hr = new Float64Array(4 * 4), hi = new Float64Array(4 * 4);
 *   plan.realForward(new Float64Array(24).fill(1), hr, hi);   // hr[0] = 24, the rest 0
 */
import { invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS } from '../core/ndarray.js';
import { LaneFFT, type RadixPlan, difLanes } from './plan.js';
import { nextFastSize } from './sizes.js';
import { LANES } from './correlate.js';

/** A buffer a transform reads or writes. */
export type FloatBuffer = Float32Array | Float64Array;

/** A reusable 2-D transform of a fixed height × width (1-D: height 1). */
export interface FFTPlan2D {
  readonly height: number;
  readonly width: number;
  /** Length of a half spectrum: height × (⌊width/2⌋ + 1). */
  readonly halfLength: number;
  /** Complex forward transform of height×width values (row-major); output may alias input. */
  forward(re: FloatBuffer, im: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void;
  /** Complex inverse transform, divided by height·width; output may alias input. */
  inverse(re: FloatBuffer, im: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void;
  /** Real forward transform: height×width values → the half spectrum (halfLength values each). */
  realForward(input: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void;
  /** Inverse of realForward: half spectrum → height×width real values (divided by height·width). */
  realInverse(re: FloatBuffer, im: FloatBuffer, output: FloatBuffer): void;
}

const plans1d = new Map<number, LaneFFT>();

function laneFFT(n: number): LaneFFT {
  let p = plans1d.get(n);
  if (!p) {
    if (plans1d.size > 64) plans1d.clear();
    p = new LaneFFT(n);
    plans1d.set(n, p);
  }
  return p;
}

function checkSize(option: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) invalidArgument(option, 'a positive integer', n);
}

/**
 * Plans a height×width transform. Refuses, before allocating anything, sizes whose
 * buffers would exceed memory (more than 2^30 points, or a Bluestein work size beyond it).
 */
export function planFFT2(height: number, width: number): FFTPlan2D {
  checkSize('height', height);
  checkSize('width', width);
  const allowed = `height × width ≤ ${MAX_ELEMENTS} points`;
  if (height * width > MAX_ELEMENTS)
    invalidArgument('shape', allowed, [height, width], 'the buffers would exceed memory');
  for (const n of [height, width]) {
    const work = nextFastSize(n) === n ? n : nextFastSize(2 * n - 1);
    if (work * LANES > MAX_ELEMENTS)
      invalidArgument('shape', allowed, [height, width], 'the buffers would exceed memory');
  }
  return new Plan2D(height, width);
}

/** Plans a 1-D transform of n points (a 1×n 2-D plan). */
export function planFFT(n: number): FFTPlan2D {
  checkSize('n', n);
  return planFFT2(1, n);
}

class Plan2D implements FFTPlan2D {
  readonly halfLength: number;
  private readonly rows: LaneFFT;
  private readonly cols: LaneFFT;
  private readonly half: number;
  private sre: Float64Array;
  private sim: Float64Array;
  private work: { re: Float64Array; im: Float64Array } | undefined;

  constructor(
    readonly height: number,
    readonly width: number,
  ) {
    this.rows = laneFFT(width);
    this.cols = laneFFT(height);
    this.half = (width >> 1) + 1;
    this.halfLength = height * this.half;
    const n = Math.max(height, width);
    this.sre = new Float64Array(n * LANES);
    this.sim = new Float64Array(n * LANES);
  }

  private check(name: string, b: FloatBuffer, length: number): void {
    if (!(b instanceof Float64Array || b instanceof Float32Array))
      invalidArgument(name, 'a Float32Array or Float64Array', b);
    if (b.length < length) invalidArgument(name, `a buffer of at least ${length} values`, b.length);
  }

  forward(re: FloatBuffer, im: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void {
    this.complex(re, im, outRe, outIm, -1);
  }

  inverse(re: FloatBuffer, im: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void {
    this.complex(re, im, outRe, outIm, 1);
  }

  private complex(re: FloatBuffer, im: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer, sign: -1 | 1) {
    const { height: h, width: w } = this;
    const n = h * w;
    this.check('re', re, n);
    this.check('im', im, n);
    this.check('outRe', outRe, n);
    this.check('outIm', outIm, n);
    const { sre, sim } = this;
    const scale = sign > 0 ? 1 / n : 1;
    // Rows, L at a time (transposed into lanes).
    const ord = this.rows.inputOrder;
    for (let r0 = 0; r0 < h; r0 += LANES) {
      const L = Math.min(LANES, h - r0);
      for (let l = 0; l < L; l++) {
        const o = (r0 + l) * w;
        for (let i = 0; i < w; i++) {
          const p = ord[i] * L + l;
          sre[p] = re[o + i];
          sim[p] = im[o + i];
        }
      }
      this.rows.runOrdered(sre, sim, L, sign);
      for (let l = 0; l < L; l++) {
        const o = (r0 + l) * w;
        for (let i = 0, p = l; i < w; i++, p += L) {
          outRe[o + i] = sre[p];
          outIm[o + i] = sim[p];
        }
      }
    }
    // Columns, L at a time.
    if (h > 1 || scale !== 1) this.columns(outRe, outIm, w, w, sign, scale);
  }

  /** Transforms `cols` columns of a buffer with row stride `stride` in place, then scales. */
  private columns(
    re: FloatBuffer,
    im: FloatBuffer,
    cols: number,
    stride: number,
    sign: -1 | 1,
    scale: number,
  ) {
    const h = this.height;
    const plan = this.cols.radixPlan;
    if (plan && h > 1 && re instanceof Float64Array && im instanceof Float64Array) {
      this.columnsInPlace(plan, re, im, cols, stride, sign, scale);
      return;
    }
    const { sre, sim } = this;
    const ord = this.cols.inputOrder;
    for (let c0 = 0; c0 < cols; c0 += LANES) {
      const L = Math.min(LANES, cols - c0);
      for (let r = 0, o = c0; r < h; r++, o += stride) {
        const p = ord[r] * L;
        for (let l = 0; l < L; l++) {
          sre[p + l] = re[o + l];
          sim[p + l] = im[o + l];
        }
      }
      if (h > 1) this.cols.runOrdered(sre, sim, L, sign);
      for (let r = 0, p = 0, o = c0; r < h; r++, o += stride) {
        for (let l = 0; l < L; l++, p++) {
          re[o + l] = sre[p] * scale;
          im[o + l] = sim[p] * scale;
        }
      }
    }
  }

  /**
   * Float64 buffers and a mixed-radix height: the column stages run in place on strips
   * of 32 columns (DIF: natural order in, digit-reversed rows out), then one pass puts
   * the rows in order (whole rows move: contiguous copies) and scales.
   */
  private columnsInPlace(
    plan: RadixPlan,
    re: Float64Array,
    im: Float64Array,
    cols: number,
    stride: number,
    sign: -1 | 1,
    scale: number,
  ) {
    const h = this.height;
    for (let c0 = 0; c0 < cols; c0 += 32) {
      difLanes(plan, re.subarray(c0), im.subarray(c0), Math.min(32, cols - c0), sign, stride);
    }
    // Row k of the result is row perm[k] now: follow the permutation's cycles.
    const perm = plan.perm;
    const done = new Uint8Array(h);
    const tr = new Float64Array(cols);
    const ti = new Float64Array(cols);
    for (let start = 0; start < h; start++) {
      if (done[start]) continue;
      tr.set(re.subarray(start * stride, start * stride + cols));
      ti.set(im.subarray(start * stride, start * stride + cols));
      let k = start;
      for (;;) {
        done[k] = 1;
        const from = perm[k];
        const dst = k * stride;
        if (from === start) {
          for (let c = 0; c < cols; c++) {
            re[dst + c] = tr[c] * scale;
            im[dst + c] = ti[c] * scale;
          }
          break;
        }
        const src = from * stride;
        for (let c = 0; c < cols; c++) {
          re[dst + c] = re[src + c] * scale;
          im[dst + c] = im[src + c] * scale;
        }
        k = from;
      }
    }
  }

  realForward(input: FloatBuffer, outRe: FloatBuffer, outIm: FloatBuffer): void {
    const { height: h, width: w, half } = this;
    this.check('input', input, h * w);
    this.check('outRe', outRe, this.halfLength);
    this.check('outIm', outIm, this.halfLength);
    const { sre, sim } = this;
    // Two real rows per complex row: z = a + i·b, then A_k = (Z_k + conj Z_−k)/2 and
    // B_k = (Z_k − conj Z_−k)/(2i).
    const ord = this.rows.inputOrder;
    for (let r0 = 0; r0 < h; r0 += 2 * LANES) {
      const L = Math.min(LANES, Math.ceil((h - r0) / 2));
      for (let l = 0; l < L; l++) {
        const ra = r0 + 2 * l;
        const rb = ra + 1;
        const oa = ra * w;
        const ob = rb * w;
        for (let i = 0; i < w; i++) {
          const p = ord[i] * L + l;
          sre[p] = input[oa + i];
          sim[p] = rb < h ? input[ob + i] : 0;
        }
      }
      this.rows.runOrdered(sre, sim, L, -1);
      for (let l = 0; l < L; l++) {
        const ra = r0 + 2 * l;
        const rb = ra + 1;
        for (let k = 0; k < half; k++) {
          const p = k * L + l;
          const q = ((w - k) % w) * L + l;
          const zr = sre[p];
          const zi = sim[p];
          const wr = sre[q];
          const wi = sim[q];
          outRe[ra * half + k] = 0.5 * (zr + wr);
          outIm[ra * half + k] = 0.5 * (zi - wi);
          if (rb < h) {
            outRe[rb * half + k] = 0.5 * (zi + wi);
            outIm[rb * half + k] = -0.5 * (zr - wr);
          }
        }
      }
    }
    if (h > 1) this.columns(outRe, outIm, half, half, -1, 1);
  }

  realInverse(re: FloatBuffer, im: FloatBuffer, output: FloatBuffer): void {
    const { height: h, width: w, half } = this;
    this.check('re', re, this.halfLength);
    this.check('im', im, this.halfLength);
    this.check('output', output, h * w);
    if (!this.work)
      this.work = { re: new Float64Array(this.halfLength), im: new Float64Array(this.halfLength) };
    const wre = this.work.re;
    const wim = this.work.im;
    wre.set(re.subarray(0, this.halfLength));
    wim.set(im.subarray(0, this.halfLength));
    if (h > 1) this.columns(wre, wim, half, half, 1, 1);
    const { sre, sim } = this;
    const scale = 1 / (h * w);
    const selfConjugate = (k: number) => k === 0 || 2 * k === w;
    const ord = this.rows.inputOrder;
    for (let r0 = 0; r0 < h; r0 += 2 * LANES) {
      const L = Math.min(LANES, Math.ceil((h - r0) / 2));
      for (let l = 0; l < L; l++) {
        const ra = r0 + 2 * l;
        const rb = ra + 1;
        for (let k = 0; k < w; k++) {
          // Hermitian extension of each half row; z = A + i·B.
          const mirrored = k >= half;
          const kk = mirrored ? w - k : k;
          const sc = selfConjugate(kk);
          const ar = wre[ra * half + kk];
          const ai = sc ? 0 : mirrored ? -wim[ra * half + kk] : wim[ra * half + kk];
          let br = 0;
          let bi = 0;
          if (rb < h) {
            br = wre[rb * half + kk];
            bi = sc ? 0 : mirrored ? -wim[rb * half + kk] : wim[rb * half + kk];
          }
          const p = ord[k] * L + l;
          sre[p] = ar - bi;
          sim[p] = ai + br;
        }
      }
      this.rows.runOrdered(sre, sim, L, 1);
      for (let l = 0; l < L; l++) {
        const ra = r0 + 2 * l;
        const rb = ra + 1;
        for (let i = 0, p = l; i < w; i++, p += L) {
          output[ra * w + i] = sre[p] * scale;
          if (rb < h) output[rb * w + i] = sim[p] * scale;
        }
      }
    }
  }
}
