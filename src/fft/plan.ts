/**
 * 1-D FFT plans, made once per size and reused: twiddle tables per stage, the
 * digit-reversal permutation, and for sizes with a prime factor above 7 a Bluestein
 * (chirp-z) plan over a 7-smooth size. Transforms run on lanes (see butterflies.ts):
 * L signals of length n stored as [n][L] in split re/im Float64Arrays.
 *
 * Conventions (NumPy's): forward X[k] = Σ x[j]·e^{−2πijk/n}; inverse divides by n.
 */
import { type Butterflies, butterflies } from './butterflies.js';
import { type Radix, factorize, nextFastSize } from './sizes.js';

/** A plan for a 7-smooth size: the stages of a mixed-radix transform. */
export interface RadixPlan {
  readonly n: number;
  /** Stage radices in decimation-in-frequency order (the first has the largest span). */
  readonly radices: readonly Radix[];
  /** Span m of each stage (n divided by the radices up to and including it). */
  readonly spans: readonly number[];
  /** Twiddles w^{j·q} of each stage, index j·(r−1) + q − 1: real parts, and imaginary parts for the forward (e^{−…}) and inverse (e^{+…}) directions. */
  readonly twr: readonly Float64Array[];
  readonly twiForward: readonly Float64Array[];
  readonly twiInverse: readonly Float64Array[];
  /** perm[k]: where X[k] sits after a DIF pass (and where x[k] must sit before a DIT pass). */
  readonly perm: Int32Array;
}

const radixPlans = new Map<number, RadixPlan>();

/** The cached plan for a 7-smooth n. */
export function radixPlan(n: number): RadixPlan {
  const hit = radixPlans.get(n);
  if (hit) return hit;
  const radices = factorize(n);
  if (!radices) throw new Error(`internal error: ${n} is not 7-smooth`);
  const spans: number[] = [];
  const twr: Float64Array[] = [];
  const twiForward: Float64Array[] = [];
  const twiInverse: Float64Array[] = [];
  let span = n;
  for (const r of radices) {
    span /= r;
    spans.push(span);
    const size = r * span;
    const re = new Float64Array(span * (r - 1));
    const imF = new Float64Array(span * (r - 1));
    const imI = new Float64Array(span * (r - 1));
    for (let j = 0; j < span; j++) {
      for (let q = 1; q < r; q++) {
        // Reduce the exponent first so the angle is computed from a small integer exactly.
        const a = (2 * Math.PI * ((j * q) % size)) / size;
        const k = j * (r - 1) + q - 1;
        re[k] = Math.cos(a);
        imF[k] = -Math.sin(a);
        imI[k] = Math.sin(a);
      }
    }
    twr.push(re);
    twiForward.push(imF);
    twiInverse.push(imI);
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let pos = 0;
    let rem = i;
    let s = n;
    for (const r of radices) {
      s /= r;
      pos += (rem % r) * s;
      rem = Math.floor(rem / r);
    }
    perm[i] = pos;
  }
  const plan: RadixPlan = { n, radices, spans, twr, twiForward, twiInverse, perm };
  if (radixPlans.size > 64) radixPlans.clear();
  radixPlans.set(n, plan);
  return plan;
}

/**
 * Decimation in frequency: natural order in, digit-reversed (plan.perm) order out.
 * `sign` −1 is the forward transform, +1 the inverse without the 1/n factor.
 */
export function difLanes(
  plan: RadixPlan,
  re: Float64Array,
  im: Float64Array,
  L: number,
  sign: -1 | 1,
  stride = L,
  bf: Butterflies = butterflies(),
): void {
  const { dif } = bf;
  const twi = sign < 0 ? plan.twiForward : plan.twiInverse;
  for (let k = 0; k < plan.radices.length; k++) {
    dif[plan.radices[k]](re, im, L, stride, plan.n, plan.spans[k], plan.twr[k], twi[k], sign);
  }
}

/** Decimation in time: digit-reversed order in, natural order out. */
export function ditLanes(
  plan: RadixPlan,
  re: Float64Array,
  im: Float64Array,
  L: number,
  sign: -1 | 1,
  stride = L,
  bf: Butterflies = butterflies(),
): void {
  const { dit } = bf;
  const twi = sign < 0 ? plan.twiForward : plan.twiInverse;
  for (let k = plan.radices.length - 1; k >= 0; k--) {
    dit[plan.radices[k]](re, im, L, stride, plan.n, plan.spans[k], plan.twr[k], twi[k], sign);
  }
}

/**
 * A 1-D transform of any length n ≥ 1 on lanes, natural order in and out, in place.
 * 7-smooth sizes run the mixed-radix stages; other sizes run Bluestein's chirp-z
 * algorithm over a 7-smooth size M ≥ 2n − 1 (three transforms of size M, so a
 * convolution should pad to a fast size instead — see docs/fft.md for the timings).
 */
export class LaneFFT {
  readonly n: number;
  readonly kind: 'radix' | 'bluestein';
  private readonly radix: RadixPlan;
  private readonly m: number;
  private chirpRe = new Float64Array(0);
  private chirpIm = new Float64Array(0);
  private bHatRe: Float64Array[] = [];
  private bHatIm: Float64Array[] = [];
  private workRe = new Float64Array(0);
  private workIm = new Float64Array(0);

  constructor(n: number) {
    this.n = n;
    if (factorize(n)) {
      this.kind = 'radix';
      this.m = n;
      this.radix = radixPlan(n);
    } else {
      this.kind = 'bluestein';
      this.m = nextFastSize(2 * n - 1);
      this.radix = radixPlan(this.m);
      this.initBluestein();
    }
  }

  private initBluestein(): void {
    const { n, m } = this;
    // chirp w_j = e^{−iπ j²/n} (forward); j² is reduced mod 2n so the angle stays exact.
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const a = (Math.PI * ((j * j) % (2 * n))) / n;
      this.chirpRe[j] = Math.cos(a);
      this.chirpIm[j] = -Math.sin(a);
    }
    // b_j = conj(w_j) on −n < j < n (wrapped), transformed once per direction (DIF order).
    for (const sign of [-1, 1] as const) {
      const br = new Float64Array(m);
      const bi = new Float64Array(m);
      for (let j = 0; j < n; j++) {
        const im = sign < 0 ? -this.chirpIm[j] : this.chirpIm[j];
        br[j] = this.chirpRe[j];
        bi[j] = im;
        if (j > 0) {
          br[m - j] = this.chirpRe[j];
          bi[m - j] = im;
        }
      }
      difLanes(this.radix, br, bi, 1, -1);
      // Fold in the 1/m of the inner inverse transform.
      for (let k = 0; k < m; k++) {
        br[k] /= m;
        bi[k] /= m;
      }
      this.bHatRe.push(br);
      this.bHatIm.push(bi);
    }
  }

  /**
   * inputOrder[i]: the slot where input element i goes before `runOrdered` (the
   * digit-reversed order of a radix plan, the identity for Bluestein), so a gather that
   * places elements there saves the reordering pass of `run`.
   */
  get inputOrder(): Int32Array {
    if (!this.order) {
      this.order = this.kind === 'radix' ? this.radix.perm : Int32Array.from({ length: this.n }, (_, i) => i);
    }
    return this.order;
  }
  private order: Int32Array | undefined;

  /** The mixed-radix plan of a 7-smooth n (undefined for Bluestein sizes). */
  get radixPlan(): RadixPlan | undefined {
    return this.kind === 'radix' ? this.radix : undefined;
  }

  /** Transforms L lanes whose elements were placed by `inputOrder`; natural order out. */
  runOrdered(re: Float64Array, im: Float64Array, L: number, sign: -1 | 1): void {
    if (this.kind === 'radix') ditLanes(this.radix, re, im, L, sign);
    else this.bluestein(re, im, L, sign);
  }

  private bluestein(re: Float64Array, im: Float64Array, L: number, sign: -1 | 1): void {
    const { n, m } = this;
    const size = m * L;
    if (this.workRe.length < size) {
      this.workRe = new Float64Array(size);
      this.workIm = new Float64Array(size);
    }
    const ar = this.workRe;
    const ai = this.workIm;
    const cr = this.chirpRe;
    const ci = this.chirpIm;
    const s = sign < 0 ? 1 : -1; // conj of the chirp for the inverse direction
    for (let j = 0; j < n; j++) {
      const wr = cr[j];
      const wi = s * ci[j];
      for (let l = 0, p = j * L; l < L; l++, p++) {
        const xr = re[p];
        const xi = im[p];
        ar[p] = xr * wr - xi * wi;
        ai[p] = xr * wi + xi * wr;
      }
    }
    ar.fill(0, n * L, size);
    ai.fill(0, n * L, size);
    const plan = this.radix;
    difLanes(plan, ar, ai, L, -1);
    const bi = sign < 0 ? 0 : 1;
    const hr = this.bHatRe[bi];
    const hi = this.bHatIm[bi];
    for (let k = 0; k < m; k++) {
      const wr = hr[k];
      const wi = hi[k];
      for (let l = 0, p = k * L; l < L; l++, p++) {
        const xr = ar[p];
        const xi = ai[p];
        ar[p] = xr * wr - xi * wi;
        ai[p] = xr * wi + xi * wr;
      }
    }
    ditLanes(plan, ar, ai, L, 1);
    for (let k = 0; k < n; k++) {
      const wr = cr[k];
      const wi = s * ci[k];
      for (let l = 0, p = k * L; l < L; l++, p++) {
        const xr = ar[p];
        const xi = ai[p];
        re[p] = xr * wr - xi * wi;
        im[p] = xr * wi + xi * wr;
      }
    }
  }
}
