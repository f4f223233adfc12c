// FFT butterfly stages on lanes (AssemblyScript → WebAssembly SIMD, f64x2): the same stages,
// operations and order as the plain-TypeScript butterflies (src/fft/butterflies.ts), two
// lanes per vector, so each stage gives bit-identical results to its reference (WebAssembly
// has no fused multiply-add, and every product and sum is the reference's).
//
// Layout (see butterflies.ts): L signals of length n stored as [n][stride] f64 — element i of
// lane l at byte re + 8·(i·stride + l) — in split re/im arrays; L must be even (the host runs
// odd lane counts on the plain stages). A stage of radix r and span m combines r sub-signals:
//   DIF: for j < m:  X = DFT_r(x[j + p·m], p < r);  x[j + q·m] = X_q · w^{j·q}
//   DIT: for j < m:  x[j + q·m] = DFT_r(x[j + p·m] · w^{j·p})_q
// with the twiddles w^{j·q} at twr/twi[j·(r−1) + q − 1] (f64) and s = ∓1 the direction.

function mulRe(xr: v128, xi: v128, wr: v128, wi: v128): v128 {
  return f64x2.sub(f64x2.mul(xr, wr), f64x2.mul(xi, wi));
}

function mulIm(xr: v128, xi: v128, wr: v128, wi: v128): v128 {
  return f64x2.add(f64x2.mul(xr, wi), f64x2.mul(xi, wr));
}

function tw(t: usize, k: i32): v128 {
  return f64x2.splat(load<f64>(t + ((<usize>k) << 3)));
}

export function fftDif2(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL << 1;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  for (let j = 0; j < m; j++) {
    const wr = tw(twr, j);
    const wi = tw(twi, j);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      if (j == 0) {
        for (let o = b; o < e; o += 16) {
          const ar = v128.load(re + o);
          const ai = v128.load(im + o);
          const br = v128.load(re + o + mL);
          const bi = v128.load(im + o + mL);
          v128.store(re + o, f64x2.add(ar, br));
          v128.store(im + o, f64x2.add(ai, bi));
          v128.store(re + o + mL, f64x2.sub(ar, br));
          v128.store(im + o + mL, f64x2.sub(ai, bi));
        }
      } else {
        for (let o = b; o < e; o += 16) {
          const ar = v128.load(re + o);
          const ai = v128.load(im + o);
          const br = v128.load(re + o + mL);
          const bi = v128.load(im + o + mL);
          v128.store(re + o, f64x2.add(ar, br));
          v128.store(im + o, f64x2.add(ai, bi));
          const dr = f64x2.sub(ar, br);
          const di = f64x2.sub(ai, bi);
          v128.store(re + o + mL, mulRe(dr, di, wr, wi));
          v128.store(im + o + mL, mulIm(dr, di, wr, wi));
        }
      }
    }
  }
}

export function fftDit2(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL << 1;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  for (let j = 0; j < m; j++) {
    const wr = tw(twr, j);
    const wi = tw(twi, j);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      if (j == 0) {
        for (let o = b; o < e; o += 16) {
          const ar = v128.load(re + o);
          const ai = v128.load(im + o);
          const br = v128.load(re + o + mL);
          const bi = v128.load(im + o + mL);
          v128.store(re + o, f64x2.add(ar, br));
          v128.store(im + o, f64x2.add(ai, bi));
          v128.store(re + o + mL, f64x2.sub(ar, br));
          v128.store(im + o + mL, f64x2.sub(ai, bi));
        }
      } else {
        for (let o = b; o < e; o += 16) {
          const ar = v128.load(re + o);
          const ai = v128.load(im + o);
          const xr = v128.load(re + o + mL);
          const xi = v128.load(im + o + mL);
          const br = mulRe(xr, xi, wr, wi);
          const bi = mulIm(xr, xi, wr, wi);
          v128.store(re + o, f64x2.add(ar, br));
          v128.store(im + o, f64x2.add(ai, bi));
          v128.store(re + o + mL, f64x2.sub(ar, br));
          v128.store(im + o + mL, f64x2.sub(ai, bi));
        }
      }
    }
  }
}

export function fftDif4(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL << 2;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  // t3 = (b − d)·(s·i): s = ±1, so the products are exact sign changes, done as such.
  const fwd = s < 0;
  for (let j = 0; j < m; j++) {
    const t = 3 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    const w3r = tw(twr, t + 2);
    const w3i = tw(twi, t + 2);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p0 = o;
        const p1 = o + mL;
        const p2 = p1 + mL;
        const p3 = p2 + mL;
        const ar = v128.load(re + p0);
        const ai = v128.load(im + p0);
        const br = v128.load(re + p1);
        const bi = v128.load(im + p1);
        const cr = v128.load(re + p2);
        const ci = v128.load(im + p2);
        const dr = v128.load(re + p3);
        const di = v128.load(im + p3);
        const t0r = f64x2.add(ar, cr);
        const t0i = f64x2.add(ai, ci);
        const t1r = f64x2.sub(ar, cr);
        const t1i = f64x2.sub(ai, ci);
        const t2r = f64x2.add(br, dr);
        const t2i = f64x2.add(bi, di);
        const bdi = f64x2.sub(bi, di);
        const bdr = f64x2.sub(br, dr);
        const t3r = fwd ? bdi : f64x2.neg(bdi);
        const t3i = fwd ? f64x2.neg(bdr) : bdr;
        v128.store(re + p0, f64x2.add(t0r, t2r));
        v128.store(im + p0, f64x2.add(t0i, t2i));
        const x1r = f64x2.add(t1r, t3r);
        const x1i = f64x2.add(t1i, t3i);
        const x2r = f64x2.sub(t0r, t2r);
        const x2i = f64x2.sub(t0i, t2i);
        const x3r = f64x2.sub(t1r, t3r);
        const x3i = f64x2.sub(t1i, t3i);
        if (j == 0) {
          v128.store(re + p1, x1r);
          v128.store(im + p1, x1i);
          v128.store(re + p2, x2r);
          v128.store(im + p2, x2i);
          v128.store(re + p3, x3r);
          v128.store(im + p3, x3i);
        } else {
          v128.store(re + p1, mulRe(x1r, x1i, w1r, w1i));
          v128.store(im + p1, mulIm(x1r, x1i, w1r, w1i));
          v128.store(re + p2, mulRe(x2r, x2i, w2r, w2i));
          v128.store(im + p2, mulIm(x2r, x2i, w2r, w2i));
          v128.store(re + p3, mulRe(x3r, x3i, w3r, w3i));
          v128.store(im + p3, mulIm(x3r, x3i, w3r, w3i));
        }
      }
    }
  }
}

export function fftDit4(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL << 2;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  // t3 = (b − d)·(s·i): s = ±1, so the products are exact sign changes, done as such.
  const fwd = s < 0;
  for (let j = 0; j < m; j++) {
    const t = 3 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    const w3r = tw(twr, t + 2);
    const w3i = tw(twi, t + 2);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p0 = o;
        const p1 = o + mL;
        const p2 = p1 + mL;
        const p3 = p2 + mL;
        const ar = v128.load(re + p0);
        const ai = v128.load(im + p0);
        let br = v128.load(re + p1);
        let bi = v128.load(im + p1);
        let cr = v128.load(re + p2);
        let ci = v128.load(im + p2);
        let dr = v128.load(re + p3);
        let di = v128.load(im + p3);
        if (j != 0) {
          const xr = br;
          const xi = bi;
          br = mulRe(xr, xi, w1r, w1i);
          bi = mulIm(xr, xi, w1r, w1i);
          const yr = cr;
          const yi = ci;
          cr = mulRe(yr, yi, w2r, w2i);
          ci = mulIm(yr, yi, w2r, w2i);
          const zr = dr;
          const zi = di;
          dr = mulRe(zr, zi, w3r, w3i);
          di = mulIm(zr, zi, w3r, w3i);
        }
        const t0r = f64x2.add(ar, cr);
        const t0i = f64x2.add(ai, ci);
        const t1r = f64x2.sub(ar, cr);
        const t1i = f64x2.sub(ai, ci);
        const t2r = f64x2.add(br, dr);
        const t2i = f64x2.add(bi, di);
        const bdi = f64x2.sub(bi, di);
        const bdr = f64x2.sub(br, dr);
        const t3r = fwd ? bdi : f64x2.neg(bdi);
        const t3i = fwd ? f64x2.neg(bdr) : bdr;
        v128.store(re + p0, f64x2.add(t0r, t2r));
        v128.store(im + p0, f64x2.add(t0i, t2i));
        v128.store(re + p1, f64x2.add(t1r, t3r));
        v128.store(im + p1, f64x2.add(t1i, t3i));
        v128.store(re + p2, f64x2.sub(t0r, t2r));
        v128.store(im + p2, f64x2.sub(t0i, t2i));
        v128.store(re + p3, f64x2.sub(t1r, t3r));
        v128.store(im + p3, f64x2.sub(t1i, t3i));
      }
    }
  }
}

const SIN3: f64 = 0.8660254037844386; // Math.sqrt(3) / 2, as the reference computes it

export function fftDif3(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL * 3;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  const sn = f64x2.splat(s * SIN3);
  const half = f64x2.splat(0.5);
  for (let j = 0; j < m; j++) {
    const t = 2 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p1 = o + mL;
        const p2 = p1 + mL;
        const ar = v128.load(re + o);
        const ai = v128.load(im + o);
        const br = v128.load(re + p1);
        const bi = v128.load(im + p1);
        const cr = v128.load(re + p2);
        const ci = v128.load(im + p2);
        const tr = f64x2.add(br, cr);
        const ti = f64x2.add(bi, ci);
        const Ar = f64x2.sub(ar, f64x2.mul(half, tr));
        const Ai = f64x2.sub(ai, f64x2.mul(half, ti));
        const Br = f64x2.mul(sn, f64x2.sub(br, cr));
        const Bi = f64x2.mul(sn, f64x2.sub(bi, ci));
        v128.store(re + o, f64x2.add(ar, tr));
        v128.store(im + o, f64x2.add(ai, ti));
        const x1r = f64x2.sub(Ar, Bi);
        const x1i = f64x2.add(Ai, Br);
        const x2r = f64x2.add(Ar, Bi);
        const x2i = f64x2.sub(Ai, Br);
        if (j != 0) {
          v128.store(re + p1, mulRe(x1r, x1i, w1r, w1i));
          v128.store(im + p1, mulIm(x1r, x1i, w1r, w1i));
          v128.store(re + p2, mulRe(x2r, x2i, w2r, w2i));
          v128.store(im + p2, mulIm(x2r, x2i, w2r, w2i));
        } else {
          v128.store(re + p1, x1r);
          v128.store(im + p1, x1i);
          v128.store(re + p2, x2r);
          v128.store(im + p2, x2i);
        }
      }
    }
  }
}

export function fftDit3(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL * 3;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  const sn = f64x2.splat(s * SIN3);
  const half = f64x2.splat(0.5);
  for (let j = 0; j < m; j++) {
    const t = 2 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p1 = o + mL;
        const p2 = p1 + mL;
        const ar = v128.load(re + o);
        const ai = v128.load(im + o);
        const xr = v128.load(re + p1);
        const xi = v128.load(im + p1);
        const yr = v128.load(re + p2);
        const yi = v128.load(im + p2);
        const br = mulRe(xr, xi, w1r, w1i);
        const bi = mulIm(xr, xi, w1r, w1i);
        const cr = mulRe(yr, yi, w2r, w2i);
        const ci = mulIm(yr, yi, w2r, w2i);
        const tr = f64x2.add(br, cr);
        const ti = f64x2.add(bi, ci);
        const Ar = f64x2.sub(ar, f64x2.mul(half, tr));
        const Ai = f64x2.sub(ai, f64x2.mul(half, ti));
        const Br = f64x2.mul(sn, f64x2.sub(br, cr));
        const Bi = f64x2.mul(sn, f64x2.sub(bi, ci));
        v128.store(re + o, f64x2.add(ar, tr));
        v128.store(im + o, f64x2.add(ai, ti));
        v128.store(re + p1, f64x2.sub(Ar, Bi));
        v128.store(im + p1, f64x2.add(Ai, Br));
        v128.store(re + p2, f64x2.add(Ar, Bi));
        v128.store(im + p2, f64x2.sub(Ai, Br));
      }
    }
  }
}

const C51: f64 = 0.30901699437494745; // Math.cos(2π/5)
const C52: f64 = -0.8090169943749473; // Math.cos(4π/5)
const S51: f64 = 0.9510565162951535; // Math.sin(2π/5)
const S52: f64 = 0.5877852522924732; // Math.sin(4π/5)

export function fftDif5(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL * 5;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  const s1 = f64x2.splat(s * S51);
  const c1 = f64x2.splat(C51);
  const c2 = f64x2.splat(C52);
  const s2 = f64x2.splat(s * S52);
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    const w3r = tw(twr, t + 2);
    const w3i = tw(twi, t + 2);
    const w4r = tw(twr, t + 3);
    const w4i = tw(twi, t + 3);
    const twd = j != 0;
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p1 = o + mL;
        const p2 = p1 + mL;
        const p3 = p2 + mL;
        const p4 = p3 + mL;
        const x0r = v128.load(re + o);
        const x0i = v128.load(im + o);
        const x1r = v128.load(re + p1);
        const x1i = v128.load(im + p1);
        const x2r = v128.load(re + p2);
        const x2i = v128.load(im + p2);
        const x3r = v128.load(re + p3);
        const x3i = v128.load(im + p3);
        const x4r = v128.load(re + p4);
        const x4i = v128.load(im + p4);
        const a1r = f64x2.add(x1r, x4r);
        const a1i = f64x2.add(x1i, x4i);
        const b1r = f64x2.sub(x1r, x4r);
        const b1i = f64x2.sub(x1i, x4i);
        const a2r = f64x2.add(x2r, x3r);
        const a2i = f64x2.add(x2i, x3i);
        const b2r = f64x2.sub(x2r, x3r);
        const b2i = f64x2.sub(x2i, x3i);
        const A1r = f64x2.add(f64x2.add(x0r, f64x2.mul(c1, a1r)), f64x2.mul(c2, a2r));
        const A1i = f64x2.add(f64x2.add(x0i, f64x2.mul(c1, a1i)), f64x2.mul(c2, a2i));
        const A2r = f64x2.add(f64x2.add(x0r, f64x2.mul(c2, a1r)), f64x2.mul(c1, a2r));
        const A2i = f64x2.add(f64x2.add(x0i, f64x2.mul(c2, a1i)), f64x2.mul(c1, a2i));
        const B1r = f64x2.add(f64x2.mul(s1, b1r), f64x2.mul(s2, b2r));
        const B1i = f64x2.add(f64x2.mul(s1, b1i), f64x2.mul(s2, b2i));
        const B2r = f64x2.sub(f64x2.mul(s2, b1r), f64x2.mul(s1, b2r));
        const B2i = f64x2.sub(f64x2.mul(s2, b1i), f64x2.mul(s1, b2i));
        v128.store(re + o, f64x2.add(f64x2.add(x0r, a1r), a2r));
        v128.store(im + o, f64x2.add(f64x2.add(x0i, a1i), a2i));
        const y1r = f64x2.sub(A1r, B1i);
        const y1i = f64x2.add(A1i, B1r);
        const y4r = f64x2.add(A1r, B1i);
        const y4i = f64x2.sub(A1i, B1r);
        const y2r = f64x2.sub(A2r, B2i);
        const y2i = f64x2.add(A2i, B2r);
        const y3r = f64x2.add(A2r, B2i);
        const y3i = f64x2.sub(A2i, B2r);
        if (twd) {
          v128.store(re + p1, mulRe(y1r, y1i, w1r, w1i));
          v128.store(im + p1, mulIm(y1r, y1i, w1r, w1i));
          v128.store(re + p2, mulRe(y2r, y2i, w2r, w2i));
          v128.store(im + p2, mulIm(y2r, y2i, w2r, w2i));
          v128.store(re + p3, mulRe(y3r, y3i, w3r, w3i));
          v128.store(im + p3, mulIm(y3r, y3i, w3r, w3i));
          v128.store(re + p4, mulRe(y4r, y4i, w4r, w4i));
          v128.store(im + p4, mulIm(y4r, y4i, w4r, w4i));
        } else {
          v128.store(re + p1, y1r);
          v128.store(im + p1, y1i);
          v128.store(re + p2, y2r);
          v128.store(im + p2, y2i);
          v128.store(re + p3, y3r);
          v128.store(im + p3, y3i);
          v128.store(re + p4, y4r);
          v128.store(im + p4, y4i);
        }
      }
    }
  }
}

export function fftDit5(
  re: usize,
  im: usize,
  L: i32,
  stride: i32,
  n: i32,
  m: i32,
  twr: usize,
  twi: usize,
  s: f64,
): void {
  const mL = (<usize>(m * stride)) << 3;
  const step = mL * 5;
  const total = (<usize>(n * stride)) << 3;
  const lb = (<usize>L) << 3;
  const s1 = f64x2.splat(s * S51);
  const c1 = f64x2.splat(C51);
  const c2 = f64x2.splat(C52);
  const s2 = f64x2.splat(s * S52);
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = tw(twr, t);
    const w1i = tw(twi, t);
    const w2r = tw(twr, t + 1);
    const w2i = tw(twi, t + 1);
    const w3r = tw(twr, t + 2);
    const w3i = tw(twi, t + 2);
    const w4r = tw(twr, t + 3);
    const w4i = tw(twi, t + 3);
    for (let b = (<usize>(j * stride)) << 3; b < total; b += step) {
      const e = b + lb;
      for (let o = b; o < e; o += 16) {
        const p1 = o + mL;
        const p2 = p1 + mL;
        const p3 = p2 + mL;
        const p4 = p3 + mL;
        const u1r = v128.load(re + p1);
        const u1i = v128.load(im + p1);
        const u2r = v128.load(re + p2);
        const u2i = v128.load(im + p2);
        const u3r = v128.load(re + p3);
        const u3i = v128.load(im + p3);
        const u4r = v128.load(re + p4);
        const u4i = v128.load(im + p4);
        const x0r = v128.load(re + o);
        const x0i = v128.load(im + o);
        const x1r = mulRe(u1r, u1i, w1r, w1i);
        const x1i = mulIm(u1r, u1i, w1r, w1i);
        const x2r = mulRe(u2r, u2i, w2r, w2i);
        const x2i = mulIm(u2r, u2i, w2r, w2i);
        const x3r = mulRe(u3r, u3i, w3r, w3i);
        const x3i = mulIm(u3r, u3i, w3r, w3i);
        const x4r = mulRe(u4r, u4i, w4r, w4i);
        const x4i = mulIm(u4r, u4i, w4r, w4i);
        const a1r = f64x2.add(x1r, x4r);
        const a1i = f64x2.add(x1i, x4i);
        const b1r = f64x2.sub(x1r, x4r);
        const b1i = f64x2.sub(x1i, x4i);
        const a2r = f64x2.add(x2r, x3r);
        const a2i = f64x2.add(x2i, x3i);
        const b2r = f64x2.sub(x2r, x3r);
        const b2i = f64x2.sub(x2i, x3i);
        const A1r = f64x2.add(f64x2.add(x0r, f64x2.mul(c1, a1r)), f64x2.mul(c2, a2r));
        const A1i = f64x2.add(f64x2.add(x0i, f64x2.mul(c1, a1i)), f64x2.mul(c2, a2i));
        const A2r = f64x2.add(f64x2.add(x0r, f64x2.mul(c2, a1r)), f64x2.mul(c1, a2r));
        const A2i = f64x2.add(f64x2.add(x0i, f64x2.mul(c2, a1i)), f64x2.mul(c1, a2i));
        const B1r = f64x2.add(f64x2.mul(s1, b1r), f64x2.mul(s2, b2r));
        const B1i = f64x2.add(f64x2.mul(s1, b1i), f64x2.mul(s2, b2i));
        const B2r = f64x2.sub(f64x2.mul(s2, b1r), f64x2.mul(s1, b2r));
        const B2i = f64x2.sub(f64x2.mul(s2, b1i), f64x2.mul(s1, b2i));
        v128.store(re + o, f64x2.add(f64x2.add(x0r, a1r), a2r));
        v128.store(im + o, f64x2.add(f64x2.add(x0i, a1i), a2i));
        const y1r = f64x2.sub(A1r, B1i);
        const y1i = f64x2.add(A1i, B1r);
        const y4r = f64x2.add(A1r, B1i);
        const y4i = f64x2.sub(A1i, B1r);
        const y2r = f64x2.sub(A2r, B2i);
        const y2i = f64x2.add(A2i, B2r);
        const y3r = f64x2.add(A2r, B2i);
        const y3i = f64x2.sub(A2i, B2r);
        v128.store(re + p1, y1r);
        v128.store(im + p1, y1i);
        v128.store(re + p2, y2r);
        v128.store(im + p2, y2i);
        v128.store(re + p3, y3r);
        v128.store(im + p3, y3i);
        v128.store(re + p4, y4r);
        v128.store(im + p4, y4i);
      }
    }
  }
}

/**
 * z ·= k on `rows` rows of L columns (row stride `zs` elements; L even): the spectrum product
 * of a column strip, (xr·hr − xi·hi) + i·(xr·hi + xi·hr) as the reference computes it.
 */
export function fftMulStrip(
  zre: usize,
  zim: usize,
  kre: usize,
  kim: usize,
  zs: i32,
  rows: i32,
  L: i32,
): void {
  const rs = (<usize>zs) << 3;
  const lb = (<usize>L) << 3;
  for (let r = 0, o: usize = 0; r < rows; r++, o += rs) {
    for (let p = o, e = o + lb; p < e; p += 16) {
      const xr = v128.load(zre + p);
      const xi = v128.load(zim + p);
      const hr = v128.load(kre + p);
      const hi = v128.load(kim + p);
      v128.store(zre + p, mulRe(xr, xi, hr, hi));
      v128.store(zim + p, mulIm(xr, xi, hr, hi));
    }
  }
}

/**
 * Rows → lanes: L rows of `cols` f64 (row stride srcStride elements) into lanes [n][S] — lane l
 * holds row l, zero from `cols` to n — with lanes L..S−1 zero (S ≥ L, S even). Pairs of rows
 * become vectors through 2×2 transposes.
 */
export function fftRowsToLanes(
  src: usize,
  srcStride: i32,
  L: i32,
  cols: i32,
  n: i32,
  s: usize,
  S: i32,
): void {
  const ss = (<usize>srcStride) << 3;
  const rs = (<usize>S) << 3;
  const zero = f64x2.splat(0);
  for (let l = 0; l < S; l += 2) {
    const lane = s + ((<usize>l) << 3);
    if (l >= L) {
      for (let i = 0; i < n; i++) v128.store(lane + <usize>i * rs, zero);
      continue;
    }
    const r0 = src + <usize>l * ss;
    // A missing second row (L odd) reads as zeros.
    const two = l + 1 < L;
    const r1 = two ? r0 + ss : r0;
    let i = 0;
    if (two) {
      for (; i + 2 <= cols; i += 2) {
        const a = v128.load(r0 + ((<usize>i) << 3));
        const b = v128.load(r1 + ((<usize>i) << 3));
        const p = lane + <usize>i * rs;
        v128.store(p, v128.shuffle<i64>(a, b, 0, 2));
        v128.store(p + rs, v128.shuffle<i64>(a, b, 1, 3));
      }
    }
    for (; i < cols; i++) {
      const a = load<f64>(r0 + ((<usize>i) << 3));
      const b = two ? load<f64>(r1 + ((<usize>i) << 3)) : 0;
      v128.store(lane + <usize>i * rs, f64x2.replace_lane(f64x2.splat(a), 1, b));
    }
    for (; i < n; i++) v128.store(lane + <usize>i * rs, zero);
  }
}

/** Lanes → rows: the first L lanes of [n][S] into L rows of n f64 (row stride dstStride elements). */
export function fftLanesToRows(s: usize, S: i32, L: i32, n: i32, dst: usize, dstStride: i32): void {
  const ds = (<usize>dstStride) << 3;
  const rs = (<usize>S) << 3;
  for (let l = 0; l < L; l += 2) {
    const lane = s + ((<usize>l) << 3);
    const r0 = dst + <usize>l * ds;
    if (l + 1 < L) {
      const r1 = r0 + ds;
      let i = 0;
      for (; i + 2 <= n; i += 2) {
        const p = lane + <usize>i * rs;
        const a = v128.load(p);
        const b = v128.load(p + rs);
        v128.store(r0 + ((<usize>i) << 3), v128.shuffle<i64>(a, b, 0, 2));
        v128.store(r1 + ((<usize>i) << 3), v128.shuffle<i64>(a, b, 1, 3));
      }
      for (; i < n; i++) {
        const a = v128.load(lane + <usize>i * rs);
        store<f64>(r0 + ((<usize>i) << 3), f64x2.extract_lane(a, 0));
        store<f64>(r1 + ((<usize>i) << 3), f64x2.extract_lane(a, 1));
      }
    } else {
      for (let i = 0; i < n; i++) store<f64>(r0 + ((<usize>i) << 3), load<f64>(lane + <usize>i * rs));
    }
  }
}

/** `fftRowsToLanes` from float32 rows (each value widened exactly to f64). */
export function fftRowsToLanesF32(
  src: usize,
  srcStride: i32,
  L: i32,
  cols: i32,
  n: i32,
  s: usize,
  S: i32,
): void {
  const ss = (<usize>srcStride) << 2;
  const rs = (<usize>S) << 3;
  const zero = f64x2.splat(0);
  for (let l = 0; l < S; l += 2) {
    const lane = s + ((<usize>l) << 3);
    if (l >= L) {
      for (let i = 0; i < n; i++) v128.store(lane + <usize>i * rs, zero);
      continue;
    }
    const r0 = src + <usize>l * ss;
    const two = l + 1 < L;
    const r1 = two ? r0 + ss : r0;
    let i = 0;
    if (two) {
      for (; i + 2 <= cols; i += 2) {
        const a = f64x2.promote_low_f32x4(v128.load64_zero(r0 + ((<usize>i) << 2)));
        const b = f64x2.promote_low_f32x4(v128.load64_zero(r1 + ((<usize>i) << 2)));
        const p = lane + <usize>i * rs;
        v128.store(p, v128.shuffle<i64>(a, b, 0, 2));
        v128.store(p + rs, v128.shuffle<i64>(a, b, 1, 3));
      }
    }
    for (; i < cols; i++) {
      const a = <f64>load<f32>(r0 + ((<usize>i) << 2));
      const b = two ? <f64>load<f32>(r1 + ((<usize>i) << 2)) : 0;
      v128.store(lane + <usize>i * rs, f64x2.replace_lane(f64x2.splat(a), 1, b));
    }
    for (; i < n; i++) v128.store(lane + <usize>i * rs, zero);
  }
}

/** `fftLanesToRows` into float32 rows (each value rounded to nearest, ties to even, as a Float32Array store does). */
export function fftLanesToRowsF32(s: usize, S: i32, L: i32, n: i32, dst: usize, dstStride: i32): void {
  const ds = (<usize>dstStride) << 2;
  const rs = (<usize>S) << 3;
  for (let l = 0; l < L; l += 2) {
    const lane = s + ((<usize>l) << 3);
    const r0 = dst + <usize>l * ds;
    if (l + 1 < L) {
      const r1 = r0 + ds;
      let i = 0;
      for (; i + 2 <= n; i += 2) {
        const p = lane + <usize>i * rs;
        const a = v128.load(p);
        const b = v128.load(p + rs);
        v128.store64_lane(r0 + ((<usize>i) << 2), f32x4.demote_f64x2_zero(v128.shuffle<i64>(a, b, 0, 2)), 0);
        v128.store64_lane(r1 + ((<usize>i) << 2), f32x4.demote_f64x2_zero(v128.shuffle<i64>(a, b, 1, 3)), 0);
      }
      for (; i < n; i++) {
        const a = v128.load(lane + <usize>i * rs);
        store<f32>(r0 + ((<usize>i) << 2), <f32>f64x2.extract_lane(a, 0));
        store<f32>(r1 + ((<usize>i) << 2), <f32>f64x2.extract_lane(a, 1));
      }
    } else {
      for (let i = 0; i < n; i++) store<f32>(r0 + ((<usize>i) << 2), <f32>load<f64>(lane + <usize>i * rs));
    }
  }
}
