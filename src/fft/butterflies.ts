/**
 * FFT butterfly stages on "lanes": L independent signals of length n stored as
 * [n][stride] (element i of lane l at i·stride + l, stride ≥ L) in split re/im
 * Float64Arrays — a scratch block (stride = L) or a strip of columns of a larger
 * row-major buffer (stride = its row length), transformed in place. Every stage
 * runs its innermost loop over the L lanes with the twiddles held in registers,
 * so a 2-D transform's row and column passes both become long, linear, branch-free
 * loops — and the same layout maps onto SIMD lanes when the WASM engine replaces
 * these functions (see `setButterflies`).
 *
 * A stage of radix r and span m combines r sub-signals:
 *   DIF (decimation in frequency; natural order in, digit-reversed order out):
 *     for j < m:  X = DFT_r(x[j + p·m], p < r);  x[j + q·m] = X_q · w^{j·q}
 *   DIT (decimation in time; digit-reversed order in, natural order out):
 *     for j < m:  x[j + q·m] = DFT_r(x[j + p·m] · w^{j·p})_q
 * with w = e^{s·2πi/(r·m)} given by the twiddle tables (index j·(r−1) + q − 1), and
 * s = −1 (forward) or +1 (inverse) for the DFT_r constants. The j = 0 butterflies
 * (all of them when m = 1) skip the twiddle products.
 */

/** One butterfly stage: see the module comment for the arguments. */
export type Stage = (
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
) => void;

function dif2(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
): void {
  const mL = m * stride;
  const step = 2 * mL;
  const total = n * stride;
  for (let j = 0; j < m; j++) {
    const wr = twr[j];
    const wi = twi[j];
    const first = j * stride;
    for (let b = first; b < total; b += step) {
      const e = b + L;
      if (j === 0) {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          re[i0] = ar + br;
          im[i0] = ai + bi;
          re[i1] = ar - br;
          im[i1] = ai - bi;
        }
      } else {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          re[i0] = ar + br;
          im[i0] = ai + bi;
          const dr = ar - br;
          const di = ai - bi;
          re[i1] = dr * wr - di * wi;
          im[i1] = dr * wi + di * wr;
        }
      }
    }
  }
}

function dit2(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
): void {
  const mL = m * stride;
  const step = 2 * mL;
  const total = n * stride;
  for (let j = 0; j < m; j++) {
    const wr = twr[j];
    const wi = twi[j];
    const first = j * stride;
    for (let b = first; b < total; b += step) {
      const e = b + L;
      if (j === 0) {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          re[i0] = ar + br;
          im[i0] = ai + bi;
          re[i1] = ar - br;
          im[i1] = ai - bi;
        }
      } else {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const xr = re[i1];
          const xi = im[i1];
          const br = xr * wr - xi * wi;
          const bi = xr * wi + xi * wr;
          re[i0] = ar + br;
          im[i0] = ai + bi;
          re[i1] = ar - br;
          im[i1] = ai - bi;
        }
      }
    }
  }
}

function dif4(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 4 * mL;
  const total = n * stride;
  for (let j = 0; j < m; j++) {
    const t = 3 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    const w3r = twr[t + 2];
    const w3i = twi[t + 2];
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      if (j === 0) {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const i2 = i1 + mL;
          const i3 = i2 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          const cr = re[i2];
          const ci = im[i2];
          const dr = re[i3];
          const di = im[i3];
          const t0r = ar + cr;
          const t0i = ai + ci;
          const t1r = ar - cr;
          const t1i = ai - ci;
          const t2r = br + dr;
          const t2i = bi + di;
          // (b − d)·(s·i)
          const t3r = -s * (bi - di);
          const t3i = s * (br - dr);
          re[i0] = t0r + t2r;
          im[i0] = t0i + t2i;
          re[i1] = t1r + t3r;
          im[i1] = t1i + t3i;
          re[i2] = t0r - t2r;
          im[i2] = t0i - t2i;
          re[i3] = t1r - t3r;
          im[i3] = t1i - t3i;
        }
      } else {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const i2 = i1 + mL;
          const i3 = i2 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          const cr = re[i2];
          const ci = im[i2];
          const dr = re[i3];
          const di = im[i3];
          const t0r = ar + cr;
          const t0i = ai + ci;
          const t1r = ar - cr;
          const t1i = ai - ci;
          const t2r = br + dr;
          const t2i = bi + di;
          const t3r = -s * (bi - di);
          const t3i = s * (br - dr);
          re[i0] = t0r + t2r;
          im[i0] = t0i + t2i;
          const x1r = t1r + t3r;
          const x1i = t1i + t3i;
          const x2r = t0r - t2r;
          const x2i = t0i - t2i;
          const x3r = t1r - t3r;
          const x3i = t1i - t3i;
          re[i1] = x1r * w1r - x1i * w1i;
          im[i1] = x1r * w1i + x1i * w1r;
          re[i2] = x2r * w2r - x2i * w2i;
          im[i2] = x2r * w2i + x2i * w2r;
          re[i3] = x3r * w3r - x3i * w3i;
          im[i3] = x3r * w3i + x3i * w3r;
        }
      }
    }
  }
}

function dit4(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 4 * mL;
  const total = n * stride;
  for (let j = 0; j < m; j++) {
    const t = 3 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    const w3r = twr[t + 2];
    const w3i = twi[t + 2];
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      if (j === 0) {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const i2 = i1 + mL;
          const i3 = i2 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const br = re[i1];
          const bi = im[i1];
          const cr = re[i2];
          const ci = im[i2];
          const dr = re[i3];
          const di = im[i3];
          const t0r = ar + cr;
          const t0i = ai + ci;
          const t1r = ar - cr;
          const t1i = ai - ci;
          const t2r = br + dr;
          const t2i = bi + di;
          const t3r = -s * (bi - di);
          const t3i = s * (br - dr);
          re[i0] = t0r + t2r;
          im[i0] = t0i + t2i;
          re[i1] = t1r + t3r;
          im[i1] = t1i + t3i;
          re[i2] = t0r - t2r;
          im[i2] = t0i - t2i;
          re[i3] = t1r - t3r;
          im[i3] = t1i - t3i;
        }
      } else {
        for (let i0 = b; i0 < e; i0++) {
          const i1 = i0 + mL;
          const i2 = i1 + mL;
          const i3 = i2 + mL;
          const ar = re[i0];
          const ai = im[i0];
          const xr = re[i1];
          const xi = im[i1];
          const br = xr * w1r - xi * w1i;
          const bi = xr * w1i + xi * w1r;
          const yr = re[i2];
          const yi = im[i2];
          const cr = yr * w2r - yi * w2i;
          const ci = yr * w2i + yi * w2r;
          const zr = re[i3];
          const zi = im[i3];
          const dr = zr * w3r - zi * w3i;
          const di = zr * w3i + zi * w3r;
          const t0r = ar + cr;
          const t0i = ai + ci;
          const t1r = ar - cr;
          const t1i = ai - ci;
          const t2r = br + dr;
          const t2i = bi + di;
          const t3r = -s * (bi - di);
          const t3i = s * (br - dr);
          re[i0] = t0r + t2r;
          im[i0] = t0i + t2i;
          re[i1] = t1r + t3r;
          im[i1] = t1i + t3i;
          re[i2] = t0r - t2r;
          im[i2] = t0i - t2i;
          re[i3] = t1r - t3r;
          im[i3] = t1i - t3i;
        }
      }
    }
  }
}

const SIN3 = Math.sqrt(3) / 2;

function dif3(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 3 * mL;
  const total = n * stride;
  const sn = s * SIN3;
  for (let j = 0; j < m; j++) {
    const t = 2 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    const tw = j !== 0;
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const ar = re[i0];
        const ai = im[i0];
        const br = re[i1];
        const bi = im[i1];
        const cr = re[i2];
        const ci = im[i2];
        const tr = br + cr;
        const ti = bi + ci;
        const Ar = ar - 0.5 * tr;
        const Ai = ai - 0.5 * ti;
        const Br = sn * (br - cr);
        const Bi = sn * (bi - ci);
        re[i0] = ar + tr;
        im[i0] = ai + ti;
        const x1r = Ar - Bi;
        const x1i = Ai + Br;
        const x2r = Ar + Bi;
        const x2i = Ai - Br;
        if (tw) {
          re[i1] = x1r * w1r - x1i * w1i;
          im[i1] = x1r * w1i + x1i * w1r;
          re[i2] = x2r * w2r - x2i * w2i;
          im[i2] = x2r * w2i + x2i * w2r;
        } else {
          re[i1] = x1r;
          im[i1] = x1i;
          re[i2] = x2r;
          im[i2] = x2i;
        }
      }
    }
  }
}

function dit3(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 3 * mL;
  const total = n * stride;
  const sn = s * SIN3;
  for (let j = 0; j < m; j++) {
    const t = 2 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const ar = re[i0];
        const ai = im[i0];
        const xr = re[i1];
        const xi = im[i1];
        const yr = re[i2];
        const yi = im[i2];
        const br = xr * w1r - xi * w1i;
        const bi = xr * w1i + xi * w1r;
        const cr = yr * w2r - yi * w2i;
        const ci = yr * w2i + yi * w2r;
        const tr = br + cr;
        const ti = bi + ci;
        const Ar = ar - 0.5 * tr;
        const Ai = ai - 0.5 * ti;
        const Br = sn * (br - cr);
        const Bi = sn * (bi - ci);
        re[i0] = ar + tr;
        im[i0] = ai + ti;
        re[i1] = Ar - Bi;
        im[i1] = Ai + Br;
        re[i2] = Ar + Bi;
        im[i2] = Ai - Br;
      }
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

function dif5(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 5 * mL;
  const total = n * stride;
  const s1 = s * S51;
  const s2 = s * S52;
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    const w3r = twr[t + 2];
    const w3i = twi[t + 2];
    const w4r = twr[t + 3];
    const w4i = twi[t + 3];
    const tw = j !== 0;
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const i3 = i2 + mL;
        const i4 = i3 + mL;
        const x0r = re[i0];
        const x0i = im[i0];
        const x1r = re[i1];
        const x1i = im[i1];
        const x2r = re[i2];
        const x2i = im[i2];
        const x3r = re[i3];
        const x3i = im[i3];
        const x4r = re[i4];
        const x4i = im[i4];
        const a1r = x1r + x4r;
        const a1i = x1i + x4i;
        const b1r = x1r - x4r;
        const b1i = x1i - x4i;
        const a2r = x2r + x3r;
        const a2i = x2i + x3i;
        const b2r = x2r - x3r;
        const b2i = x2i - x3i;
        const A1r = x0r + C51 * a1r + C52 * a2r;
        const A1i = x0i + C51 * a1i + C52 * a2i;
        const A2r = x0r + C52 * a1r + C51 * a2r;
        const A2i = x0i + C52 * a1i + C51 * a2i;
        const B1r = s1 * b1r + s2 * b2r;
        const B1i = s1 * b1i + s2 * b2i;
        const B2r = s2 * b1r - s1 * b2r;
        const B2i = s2 * b1i - s1 * b2i;
        re[i0] = x0r + a1r + a2r;
        im[i0] = x0i + a1i + a2i;
        const y1r = A1r - B1i;
        const y1i = A1i + B1r;
        const y4r = A1r + B1i;
        const y4i = A1i - B1r;
        const y2r = A2r - B2i;
        const y2i = A2i + B2r;
        const y3r = A2r + B2i;
        const y3i = A2i - B2r;
        if (tw) {
          re[i1] = y1r * w1r - y1i * w1i;
          im[i1] = y1r * w1i + y1i * w1r;
          re[i2] = y2r * w2r - y2i * w2i;
          im[i2] = y2r * w2i + y2i * w2r;
          re[i3] = y3r * w3r - y3i * w3i;
          im[i3] = y3r * w3i + y3i * w3r;
          re[i4] = y4r * w4r - y4i * w4i;
          im[i4] = y4r * w4i + y4i * w4r;
        } else {
          re[i1] = y1r;
          im[i1] = y1i;
          re[i2] = y2r;
          im[i2] = y2i;
          re[i3] = y3r;
          im[i3] = y3i;
          re[i4] = y4r;
          im[i4] = y4i;
        }
      }
    }
  }
}

function dit5(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 5 * mL;
  const total = n * stride;
  const s1 = s * S51;
  const s2 = s * S52;
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = twr[t];
    const w1i = twi[t];
    const w2r = twr[t + 1];
    const w2i = twi[t + 1];
    const w3r = twr[t + 2];
    const w3i = twi[t + 2];
    const w4r = twr[t + 3];
    const w4i = twi[t + 3];
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const i3 = i2 + mL;
        const i4 = i3 + mL;
        const x0r = re[i0];
        const x0i = im[i0];
        const u1r = re[i1];
        const u1i = im[i1];
        const u2r = re[i2];
        const u2i = im[i2];
        const u3r = re[i3];
        const u3i = im[i3];
        const u4r = re[i4];
        const u4i = im[i4];
        const x1r = u1r * w1r - u1i * w1i;
        const x1i = u1r * w1i + u1i * w1r;
        const x2r = u2r * w2r - u2i * w2i;
        const x2i = u2r * w2i + u2i * w2r;
        const x3r = u3r * w3r - u3i * w3i;
        const x3i = u3r * w3i + u3i * w3r;
        const x4r = u4r * w4r - u4i * w4i;
        const x4i = u4r * w4i + u4i * w4r;
        const a1r = x1r + x4r;
        const a1i = x1i + x4i;
        const b1r = x1r - x4r;
        const b1i = x1i - x4i;
        const a2r = x2r + x3r;
        const a2i = x2i + x3i;
        const b2r = x2r - x3r;
        const b2i = x2i - x3i;
        const A1r = x0r + C51 * a1r + C52 * a2r;
        const A1i = x0i + C51 * a1i + C52 * a2i;
        const A2r = x0r + C52 * a1r + C51 * a2r;
        const A2i = x0i + C52 * a1i + C51 * a2i;
        const B1r = s1 * b1r + s2 * b2r;
        const B1i = s1 * b1i + s2 * b2i;
        const B2r = s2 * b1r - s1 * b2r;
        const B2i = s2 * b1i - s1 * b2i;
        re[i0] = x0r + a1r + a2r;
        im[i0] = x0i + a1i + a2i;
        re[i1] = A1r - B1i;
        im[i1] = A1i + B1r;
        re[i4] = A1r + B1i;
        im[i4] = A1i - B1r;
        re[i2] = A2r - B2i;
        im[i2] = A2i + B2r;
        re[i3] = A2r + B2i;
        im[i3] = A2i - B2r;
      }
    }
  }
}

const C71 = Math.cos((2 * Math.PI) / 7);
const C72 = Math.cos((4 * Math.PI) / 7);
const C73 = Math.cos((6 * Math.PI) / 7);
const S71 = Math.sin((2 * Math.PI) / 7);
const S72 = Math.sin((4 * Math.PI) / 7);
const S73 = Math.sin((6 * Math.PI) / 7);

/**
 * The radix-7 DFT of x0..x6 (in place in the seven slots): with a_p = x_p + x_{7−p},
 * b_p = x_p − x_{7−p}: X_q = A_q + i·B_q, X_{7−q} = A_q − i·B_q where
 * A_q = x0 + Σ a_p cos(2πpq/7) and B_q = s·Σ b_p sin(2πpq/7).
 */
function dft7(
  re: Float64Array,
  im: Float64Array,
  i0: number,
  mL: number,
  x1r: number,
  x1i: number,
  x2r: number,
  x2i: number,
  x3r: number,
  x3i: number,
  x4r: number,
  x4i: number,
  x5r: number,
  x5i: number,
  x6r: number,
  x6i: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  const x0r = re[i0];
  const x0i = im[i0];
  const a1r = x1r + x6r;
  const a1i = x1i + x6i;
  const b1r = x1r - x6r;
  const b1i = x1i - x6i;
  const a2r = x2r + x5r;
  const a2i = x2i + x5i;
  const b2r = x2r - x5r;
  const b2i = x2i - x5i;
  const a3r = x3r + x4r;
  const a3i = x3i + x4i;
  const b3r = x3r - x4r;
  const b3i = x3i - x4i;
  const A1r = x0r + C71 * a1r + C72 * a2r + C73 * a3r;
  const A1i = x0i + C71 * a1i + C72 * a2i + C73 * a3i;
  const A2r = x0r + C72 * a1r + C73 * a2r + C71 * a3r;
  const A2i = x0i + C72 * a1i + C73 * a2i + C71 * a3i;
  const A3r = x0r + C73 * a1r + C71 * a2r + C72 * a3r;
  const A3i = x0i + C73 * a1i + C71 * a2i + C72 * a3i;
  const B1r = s1 * b1r + s2 * b2r + s3 * b3r;
  const B1i = s1 * b1i + s2 * b2i + s3 * b3i;
  const B2r = s2 * b1r - s3 * b2r - s1 * b3r;
  const B2i = s2 * b1i - s3 * b2i - s1 * b3i;
  const B3r = s3 * b1r - s1 * b2r + s2 * b3r;
  const B3i = s3 * b1i - s1 * b2i + s2 * b3i;
  re[i0] = x0r + a1r + a2r + a3r;
  im[i0] = x0i + a1i + a2i + a3i;
  const i1 = i0 + mL;
  const i2 = i1 + mL;
  const i3 = i2 + mL;
  const i4 = i3 + mL;
  const i5 = i4 + mL;
  const i6 = i5 + mL;
  re[i1] = A1r - B1i;
  im[i1] = A1i + B1r;
  re[i6] = A1r + B1i;
  im[i6] = A1i - B1r;
  re[i2] = A2r - B2i;
  im[i2] = A2i + B2r;
  re[i5] = A2r + B2i;
  im[i5] = A2i - B2r;
  re[i3] = A3r - B3i;
  im[i3] = A3i + B3r;
  re[i4] = A3r + B3i;
  im[i4] = A3i - B3r;
}

/** Multiplies slot q (q = 1..r−1) of a butterfly at i0 by its twiddle, in place. */
function twiddleOutputs(
  re: Float64Array,
  im: Float64Array,
  i0: number,
  mL: number,
  r: number,
  twr: Float64Array,
  twi: Float64Array,
  t: number,
): void {
  for (let q = 1, i = i0 + mL; q < r; q++, i += mL) {
    const xr = re[i];
    const xi = im[i];
    const wr = twr[t + q - 1];
    const wi = twi[t + q - 1];
    re[i] = xr * wr - xi * wi;
    im[i] = xr * wi + xi * wr;
  }
}

function dif7(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 7 * mL;
  const total = n * stride;
  const s1 = s * S71;
  const s2 = s * S72;
  const s3 = s * S73;
  for (let j = 0; j < m; j++) {
    const t = 6 * j;
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const i3 = i2 + mL;
        const i4 = i3 + mL;
        const i5 = i4 + mL;
        const i6 = i5 + mL;
        dft7(
          re,
          im,
          i0,
          mL,
          re[i1],
          im[i1],
          re[i2],
          im[i2],
          re[i3],
          im[i3],
          re[i4],
          im[i4],
          re[i5],
          im[i5],
          re[i6],
          im[i6],
          s1,
          s2,
          s3,
        );
        if (j !== 0) twiddleOutputs(re, im, i0, mL, 7, twr, twi, t);
      }
    }
  }
}

function dit7(
  re: Float64Array,
  im: Float64Array,
  L: number,
  stride: number,
  n: number,
  m: number,
  twr: Float64Array,
  twi: Float64Array,
  s: number,
): void {
  const mL = m * stride;
  const step = 7 * mL;
  const total = n * stride;
  const s1 = s * S71;
  const s2 = s * S72;
  const s3 = s * S73;
  for (let j = 0; j < m; j++) {
    const t = 6 * j;
    for (let b = j * stride; b < total; b += step) {
      const e = b + L;
      for (let i0 = b; i0 < e; i0++) {
        if (j !== 0) twiddleOutputs(re, im, i0, mL, 7, twr, twi, t);
        const i1 = i0 + mL;
        const i2 = i1 + mL;
        const i3 = i2 + mL;
        const i4 = i3 + mL;
        const i5 = i4 + mL;
        const i6 = i5 + mL;
        dft7(
          re,
          im,
          i0,
          mL,
          re[i1],
          im[i1],
          re[i2],
          im[i2],
          re[i3],
          im[i3],
          re[i4],
          im[i4],
          re[i5],
          im[i5],
          re[i6],
          im[i6],
          s1,
          s2,
          s3,
        );
      }
    }
  }
}

/** The stage functions by radix. */
export interface Butterflies {
  readonly dif: Readonly<Record<number, Stage>>;
  readonly dit: Readonly<Record<number, Stage>>;
}

/** The plain-TypeScript butterflies: the reference every replacement is tested against. */
export const JS_BUTTERFLIES: Butterflies = {
  dif: { 2: dif2, 3: dif3, 4: dif4, 5: dif5, 7: dif7 },
  dit: { 2: dit2, 3: dit3, 4: dit4, 5: dit5, 7: dit7 },
};

let active: Butterflies = JS_BUTTERFLIES;

/** The butterflies in use. */
export function butterflies(): Butterflies {
  return active;
}

/**
 * Swaps in another implementation of the stages (the engine's WASM SIMD butterflies);
 * `undefined` restores the plain-TypeScript ones. Every implementation must give the
 * same results as `JS_BUTTERFLIES` within rounding.
 */
export function setButterflies(b: Butterflies | undefined): void {
  active = b ?? JS_BUTTERFLIES;
}
