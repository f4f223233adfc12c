// Winograd F(2×2, 3×3) transforms for conv2d in f32 (AssemblyScript → WebAssembly SIMD), four
// neighbouring tiles per vector. The host (src/nn/winograd-simd.ts) zero-pads the planes so
// that these loops never test bounds, and runs the 16 matrix products (gemm.ts) in between.
//
// Tiles of a block: rows ty0 ≤ ty < ty1, columns 0 ≤ tx < twp (twp a multiple of 4); the
// block-local tile index is t = (ty − ty0)·twp + tx. Tile (ty, tx) reads the 4×4 input patch at
// (2ty, 2tx) of a padded plane and writes the 2×2 outputs at (2ty, 2tx).
//
//   V = Bᵀ d B,  Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
//   Y = Aᵀ M A,  Aᵀ = [1 1 1 0; 0 1 −1 −1]
//   Z = A e Aᵀ   (weight gradient, e = the 2×2 output-gradient block)

/** Element k, k+2, k+4, k+6 of the eight floats in (lo, hi): tile-strided gathers. */
function evens(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(lo, hi, 0, 2, 4, 6);
}
function odds(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
}

/**
 * V[ξ][c][t] (row stride nb floats, ξ-major: element (ξ·C + c)·nb + t) for channels 0 ≤ c < C
 * of padded planes xp (row stride wp, plane stride ps floats).
 */
export function wino2_input_f32(
  xp: usize,
  wp: i32,
  ps: i32,
  C: i32,
  ty0: i32,
  ty1: i32,
  twp: i32,
  v: usize,
  nb: i32,
): void {
  const rs = (<usize>wp) << 2;
  const xs = (<usize>(C * nb)) << 2; // bytes between ξ and ξ + 1
  for (let c = 0; c < C; c++) {
    const plane = xp + ((<usize>(c * ps)) << 2);
    const vc = v + ((<usize>(c * nb)) << 2);
    for (let ty = ty0; ty < ty1; ty++) {
      const row = plane + ((<usize>(2 * ty * wp)) << 2);
      const trow = vc + ((<usize>((ty - ty0) * twp)) << 2);
      for (let tx = 0; tx < twp; tx += 4) {
        let p = row + ((<usize>(2 * tx)) << 2);
        let lo = v128.load(p, 0);
        let hi = v128.load(p, 16);
        let mid = v128.load(p, 8);
        let top = v128.load(p, 24);
        const d00 = evens(lo, hi);
        const d01 = odds(lo, hi);
        const d02 = evens(mid, top);
        const d03 = odds(mid, top);
        p += rs;
        lo = v128.load(p, 0);
        hi = v128.load(p, 16);
        mid = v128.load(p, 8);
        top = v128.load(p, 24);
        const d10 = evens(lo, hi);
        const d11 = odds(lo, hi);
        const d12 = evens(mid, top);
        const d13 = odds(mid, top);
        p += rs;
        lo = v128.load(p, 0);
        hi = v128.load(p, 16);
        mid = v128.load(p, 8);
        top = v128.load(p, 24);
        const d20 = evens(lo, hi);
        const d21 = odds(lo, hi);
        const d22 = evens(mid, top);
        const d23 = odds(mid, top);
        p += rs;
        lo = v128.load(p, 0);
        hi = v128.load(p, 16);
        mid = v128.load(p, 8);
        top = v128.load(p, 24);
        const d30 = evens(lo, hi);
        const d31 = odds(lo, hi);
        const d32 = evens(mid, top);
        const d33 = odds(mid, top);
        // Bᵀ d (rows), then · B (columns).
        const out = trow + ((<usize>tx) << 2);
        row4(out, xs, f32x4.sub(d00, d20), f32x4.sub(d01, d21), f32x4.sub(d02, d22), f32x4.sub(d03, d23), 0);
        row4(out, xs, f32x4.add(d10, d20), f32x4.add(d11, d21), f32x4.add(d12, d22), f32x4.add(d13, d23), 4);
        row4(out, xs, f32x4.sub(d20, d10), f32x4.sub(d21, d11), f32x4.sub(d22, d12), f32x4.sub(d23, d13), 8);
        row4(out, xs, f32x4.sub(d10, d30), f32x4.sub(d11, d31), f32x4.sub(d12, d32), f32x4.sub(d13, d33), 12);
      }
    }
  }
}

/** Row i of (Bᵀ d) times B, stored at ξ = 4i … 4i + 3. */
function row4(out: usize, xs: usize, a0: v128, a1: v128, a2: v128, a3: v128, xi: i32): void {
  const o = out + <usize>xi * xs;
  v128.store(o, f32x4.sub(a0, a2));
  v128.store(o + xs, f32x4.add(a1, a2));
  v128.store(o + 2 * xs, f32x4.sub(a2, a1));
  v128.store(o + 3 * xs, f32x4.sub(a1, a3));
}

/**
 * Y = Aᵀ M A (+ bias[o]) for output channels 0 ≤ o < O: M[ξ][o][t] (element (ξ·O + o)·nb + t)
 * → padded output planes yp (row stride yw, plane stride ys floats). bias: 0 or O floats.
 */
export function wino2_output_f32(
  m: usize,
  nb: i32,
  O: i32,
  ty0: i32,
  ty1: i32,
  twp: i32,
  yp: usize,
  yw: i32,
  ys: i32,
  bias: usize,
): void {
  const xs = (<usize>(O * nb)) << 2;
  const rs = (<usize>yw) << 2;
  for (let o = 0; o < O; o++) {
    const b = f32x4.splat(bias ? load<f32>(bias + ((<usize>o) << 2)) : 0);
    const mo = m + ((<usize>(o * nb)) << 2);
    const plane = yp + ((<usize>(o * ys)) << 2);
    for (let ty = ty0; ty < ty1; ty++) {
      const mrow = mo + ((<usize>((ty - ty0) * twp)) << 2);
      const yrow = plane + ((<usize>(2 * ty * yw)) << 2);
      for (let tx = 0; tx < twp; tx += 4) {
        const p = mrow + ((<usize>tx) << 2);
        const m0 = v128.load(p);
        const m1 = v128.load(p + xs);
        const m2 = v128.load(p + 2 * xs);
        const m3 = v128.load(p + 3 * xs);
        const m4 = v128.load(p + 4 * xs);
        const m5 = v128.load(p + 5 * xs);
        const m6 = v128.load(p + 6 * xs);
        const m7 = v128.load(p + 7 * xs);
        const m8 = v128.load(p + 8 * xs);
        const m9 = v128.load(p + 9 * xs);
        const m10 = v128.load(p + 10 * xs);
        const m11 = v128.load(p + 11 * xs);
        const m12 = v128.load(p + 12 * xs);
        const m13 = v128.load(p + 13 * xs);
        const m14 = v128.load(p + 14 * xs);
        const m15 = v128.load(p + 15 * xs);
        const r00 = f32x4.add(f32x4.add(m0, m4), m8);
        const r01 = f32x4.add(f32x4.add(m1, m5), m9);
        const r02 = f32x4.add(f32x4.add(m2, m6), m10);
        const r03 = f32x4.add(f32x4.add(m3, m7), m11);
        const r10 = f32x4.sub(f32x4.sub(m4, m8), m12);
        const r11 = f32x4.sub(f32x4.sub(m5, m9), m13);
        const r12 = f32x4.sub(f32x4.sub(m6, m10), m14);
        const r13 = f32x4.sub(f32x4.sub(m7, m11), m15);
        const y00 = f32x4.add(f32x4.add(f32x4.add(r00, r01), r02), b);
        const y01 = f32x4.add(f32x4.sub(f32x4.sub(r01, r02), r03), b);
        const y10 = f32x4.add(f32x4.add(f32x4.add(r10, r11), r12), b);
        const y11 = f32x4.add(f32x4.sub(f32x4.sub(r11, r12), r13), b);
        const q = yrow + ((<usize>(2 * tx)) << 2);
        v128.store(q, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), 0);
        v128.store(q, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
        v128.store(q + rs, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), 0);
        v128.store(q + rs, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
      }
    }
  }
}

/**
 * 16 ξ × 4 channels of four tiles each, between the transform and the transposed stores. (A
 * per-thread scratch: the CNN layers run on each thread's own arena. In the shared-memory build
 * every instance would share this block, and one starting would clear it: see wasm/lanes.ts.)
 */
const ZSCRATCH: usize = memory.data(16 * 4 * 16, 16);

/**
 * Z[ξ][t][o] = (A e Aᵀ)[ξ] (element (ξ·nb + t)·ldz + o) for output channels 0 ≤ o < O (a multiple
 * of 4), from zero-padded output-gradient planes gp (row stride gw, plane stride gs floats).
 * Four channels × four tiles at a time: the tiles-per-vector results are transposed to
 * channels-per-vector in registers, so that every store is a whole vector.
 */
export function wino2_zgrad_f32(
  gp: usize,
  gw: i32,
  gs: i32,
  O: i32,
  ty0: i32,
  ty1: i32,
  twp: i32,
  z: usize,
  nb: i32,
  ldz: i32,
): void {
  const ts = (<usize>ldz) << 2; // bytes between tile t and t + 1
  const xs = <usize>nb * ts; // bytes between ξ and ξ + 1
  const rs = (<usize>gw) << 2;
  const ps = (<usize>gs) << 2;
  for (let o = 0; o < O; o += 4) {
    const plane = gp + ((<usize>(o * gs)) << 2);
    for (let ty = ty0; ty < ty1; ty++) {
      const row = plane + ((<usize>(2 * ty * gw)) << 2);
      for (let tx = 0; tx < twp; tx += 4) {
        for (let q = 0; q < 4; q++) {
          const p = row + <usize>q * ps + ((<usize>(2 * tx)) << 2);
          let lo = v128.load(p, 0);
          let hi = v128.load(p, 16);
          const e00 = evens(lo, hi);
          const e01 = odds(lo, hi);
          lo = v128.load(p + rs, 0);
          hi = v128.load(p + rs, 16);
          const e10 = evens(lo, hi);
          const e11 = odds(lo, hi);
          // Rows (a, b) of A e: (e00, e01), (e00 + e10, e01 + e11), (e00 − e10, e01 − e11),
          // (−e10, −e11); each times Aᵀ gives (a, a + b, a − b, −b) at ξ = 4i … 4i + 3.
          const s = ZSCRATCH + ((<usize>q) << 4);
          let a = e00;
          let b = e01;
          v128.store(s, a, 0);
          v128.store(s, f32x4.add(a, b), 64);
          v128.store(s, f32x4.sub(a, b), 128);
          v128.store(s, f32x4.neg(b), 192);
          a = f32x4.add(e00, e10);
          b = f32x4.add(e01, e11);
          v128.store(s, a, 256);
          v128.store(s, f32x4.add(a, b), 320);
          v128.store(s, f32x4.sub(a, b), 384);
          v128.store(s, f32x4.neg(b), 448);
          a = f32x4.sub(e00, e10);
          b = f32x4.sub(e01, e11);
          v128.store(s, a, 512);
          v128.store(s, f32x4.add(a, b), 576);
          v128.store(s, f32x4.sub(a, b), 640);
          v128.store(s, f32x4.neg(b), 704);
          a = f32x4.neg(e10);
          b = f32x4.neg(e11);
          v128.store(s, a, 768);
          v128.store(s, f32x4.add(a, b), 832);
          v128.store(s, f32x4.sub(a, b), 896);
          v128.store(s, f32x4.neg(b), 960);
        }
        const out = z + <usize>((ty - ty0) * twp + tx) * ts + ((<usize>o) << 2);
        for (let xi = 0; xi < 16; xi++) {
          const s = ZSCRATCH + ((<usize>xi) << 6);
          const c0 = v128.load(s, 0);
          const c1 = v128.load(s, 16);
          const c2 = v128.load(s, 32);
          const c3 = v128.load(s, 48);
          // 4×4 transpose: channel-major (c_q = 4 tiles of channel q) → tile-major.
          const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
          const t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
          const d = out + <usize>xi * xs;
          v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(d + ts, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(d + 2 * ts, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(d + 3 * ts, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
}

/** 1 when the n floats at p are all finite (no NaN, no ±Infinity), else 0. */
export function allfinite_f32(p: usize, n: i32): i32 {
  // v − v is 0 for a finite v and NaN otherwise; a NaN stays in its lane's sum.
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + ((<usize>i) << 2));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let s: f32 = 0;
  for (; i < n; i++) {
    const v = load<f32>(p + ((<usize>i) << 2));
    s += v - v;
  }
  return i32x4.all_true(f32x4.eq(acc, f32x4.splat(0))) && s == 0 ? 1 : 0;
}

/**
 * Copies `planes` planes of rows×cols floats from src (row stride sw, plane stride ss) to dst
 * (row stride dw, plane stride ds): zero-padding an image into the transforms' layout and
 * cropping their output, without the host touching elements one by one.
 */
export function copy_planes_f32(
  src: usize,
  sw: i32,
  ss: i32,
  dst: usize,
  dw: i32,
  ds: i32,
  planes: i32,
  rows: i32,
  cols: i32,
): void {
  const bytes = (<usize>cols) << 2;
  for (let k = 0; k < planes; k++) {
    let s = src + ((<usize>(k * ss)) << 2);
    let d = dst + ((<usize>(k * ds)) << 2);
    for (let r = 0; r < rows; r++) {
      memory.copy(d, s, bytes);
      s += (<usize>sw) << 2;
      d += (<usize>dw) << 2;
    }
  }
}
