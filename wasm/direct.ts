// Direct 2-D correlation over padded bands (AssemblyScript → WebAssembly SIMD).
//
// A band is `rows + kh − 1` padded rows of `pw` elements (the padded width times the channel
// count: channels stay interleaved, so a horizontal tap j is an offset of j·C elements and one
// vector holds neighbouring pixels' channels). The host pads bands through src/border; these
// loops never test bounds.
//
// Tap lists (`taps`, `nt`): nt splatted weights (one v128 each) followed by nt i32 element
// offsets `i·pw + j·C`, in row-major kernel order, zero taps left out — the order the
// plain-TypeScript reference sums in.
//
//   out[m, n] = Σ_t w_t · P[m·pw + n + off_t]

import { laneTable } from './lanes';
import { madd, maddScalar } from './madd';

/** f32 accumulation, tap order; 8 vectors (32 outputs) per pass over the taps. */
export function correlateTaps_f32(
  src: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  taps: usize,
  nt: i32,
): void {
  const offs = taps + ((<usize>nt) << 4);
  const w0 = v128.load(taps);
  const o0 = (<usize>load<i32>(offs)) << 2;
  for (let m = 0; m < rows; m++) {
    const prow = src + ((<usize>(m * pw)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    let n = 0;
    for (; n + 32 <= width; n += 32) {
      const p = prow + ((<usize>n) << 2);
      let q = p + o0;
      let a0 = f32x4.mul(w0, v128.load(q, 0));
      let a1 = f32x4.mul(w0, v128.load(q, 16));
      let a2 = f32x4.mul(w0, v128.load(q, 32));
      let a3 = f32x4.mul(w0, v128.load(q, 48));
      let a4 = f32x4.mul(w0, v128.load(q, 64));
      let a5 = f32x4.mul(w0, v128.load(q, 80));
      let a6 = f32x4.mul(w0, v128.load(q, 96));
      let a7 = f32x4.mul(w0, v128.load(q, 112));
      for (let t = 1; t < nt; t++) {
        q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 2);
        const w = v128.load(taps + ((<usize>t) << 4));
        a0 = madd(w, v128.load(q, 0), a0);
        a1 = madd(w, v128.load(q, 16), a1);
        a2 = madd(w, v128.load(q, 32), a2);
        a3 = madd(w, v128.load(q, 48), a3);
        a4 = madd(w, v128.load(q, 64), a4);
        a5 = madd(w, v128.load(q, 80), a5);
        a6 = madd(w, v128.load(q, 96), a6);
        a7 = madd(w, v128.load(q, 112), a7);
      }
      const d = drow + ((<usize>n) << 2);
      v128.store(d, a0, 0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
      v128.store(d, a4, 64);
      v128.store(d, a5, 80);
      v128.store(d, a6, 96);
      v128.store(d, a7, 112);
    }
    for (; n + 4 <= width; n += 4) {
      const p = prow + ((<usize>n) << 2);
      let a = f32x4.mul(w0, v128.load(p + o0));
      for (let t = 1; t < nt; t++) {
        const q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 2);
        a = madd(v128.load(taps + ((<usize>t) << 4)), v128.load(q), a);
      }
      v128.store(drow + ((<usize>n) << 2), a);
    }
    for (; n < width; n++) {
      const p = prow + ((<usize>n) << 2);
      // The same f32 operations as one SIMD lane, so a pixel's value does not depend on
      // whether it falls in the vector part or the tail.
      let a: f32 = load<f32>(taps) * load<f32>(p + o0);
      for (let t = 1; t < nt; t++) {
        const q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 2);
        a = maddScalar(load<f32>(taps + ((<usize>t) << 4)), load<f32>(q), a);
      }
      store<f32>(drow + ((<usize>n) << 2), a);
    }
  }
}

/**
 * 3×3 kernels on uint8 data widened to f32, f32 accumulation in row-major order over all nine
 * taps (zero taps included), four output rows per step; the certified rounding needs no range
 * statistics. (Float32 kernels within 3×3 run the loop generated for their pattern of non-zero
 * taps since session 15, which also gathers the guard's statistics: src/engine/taps-jit.ts.)
 * `w9`: nine splatted weights; `C`: channels.
 *
 * Layout, measured (one 4K float32 image's 68 bands of 32 rows, CPU time, 2-core AMD EPYC
 * VM): the former loop (two output rows per step, three source vectors loaded before their
 * products, largest |output| and NaN tracked in the loop) 5.7 ms, or 4.7 without tracking.
 * Its 9 weights + 2 accumulators + 3 loaded vectors + 2 tracking vectors exceed the 15 xmm
 * registers TurboFan allocates: weights and the tracking vectors were spilled, reloaded and
 * stored every step. Here each loaded vector goes at once into every output it reaches (9
 * weights + 4 accumulators + 1 vector live; TurboFan still reloads three weights), and four
 * rows share each source row: 18 loads per 4 output vectors instead of 24. 2 rows per step
 * in this order 4.3 ms, 3 rows 3.9 (scaled to 32 rows), 4 rows 3.9; tracking the outputs'
 * largest |y| inside the loop added 0.7 ms, the separate pass over the output band 0.45.
 */
export function correlate3x3_u8f32(
  src: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  w9: usize,
  C: i32,
): void {
  const w00 = v128.load(w9, 0);
  const w01 = v128.load(w9, 16);
  const w02 = v128.load(w9, 32);
  const w10 = v128.load(w9, 48);
  const w11 = v128.load(w9, 64);
  const w12 = v128.load(w9, 80);
  const w20 = v128.load(w9, 96);
  const w21 = v128.load(w9, 112);
  const w22 = v128.load(w9, 128);
  const rs = (<usize>pw) << 2;
  const ds = (<usize>dstStride) << 2;
  const cs = (<usize>C) << 2;
  const cs2 = cs + cs;
  const vw = (<usize>(width & ~3)) << 2;
  let m = 0;
  for (; m + 4 <= rows; m += 4) {
    const prow = src + ((<usize>(m * pw)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    let p = prow;
    let d = drow;
    const end = prow + vw;
    for (; p < end; p += 16, d += 16) {
      // Source row r reaches output rows r − 2 … r (kernel rows 2 … 0); a0…a3 each add their
      // nine products in row-major order, as the reference does.
      let x = v128.load(p);
      let a0 = f32x4.mul(w00, x);
      x = v128.load(p + cs);
      a0 = madd(w01, x, a0);
      x = v128.load(p + cs2);
      a0 = madd(w02, x, a0);
      let q = p + rs;
      x = v128.load(q);
      a0 = madd(w10, x, a0);
      let a1 = f32x4.mul(w00, x);
      x = v128.load(q + cs);
      a0 = madd(w11, x, a0);
      a1 = madd(w01, x, a1);
      x = v128.load(q + cs2);
      a0 = madd(w12, x, a0);
      a1 = madd(w02, x, a1);
      q += rs;
      x = v128.load(q);
      a0 = madd(w20, x, a0);
      a1 = madd(w10, x, a1);
      let a2 = f32x4.mul(w00, x);
      x = v128.load(q + cs);
      a0 = madd(w21, x, a0);
      a1 = madd(w11, x, a1);
      a2 = madd(w01, x, a2);
      x = v128.load(q + cs2);
      a0 = madd(w22, x, a0);
      a1 = madd(w12, x, a1);
      a2 = madd(w02, x, a2);
      v128.store(d, a0);
      q += rs;
      x = v128.load(q);
      a1 = madd(w20, x, a1);
      a2 = madd(w10, x, a2);
      let a3 = f32x4.mul(w00, x);
      x = v128.load(q + cs);
      a1 = madd(w21, x, a1);
      a2 = madd(w11, x, a2);
      a3 = madd(w01, x, a3);
      x = v128.load(q + cs2);
      a1 = madd(w22, x, a1);
      a2 = madd(w12, x, a2);
      a3 = madd(w02, x, a3);
      v128.store(d + ds, a1);
      q += rs;
      x = v128.load(q);
      a2 = madd(w20, x, a2);
      a3 = madd(w10, x, a3);
      x = v128.load(q + cs);
      a2 = madd(w21, x, a2);
      a3 = madd(w11, x, a3);
      x = v128.load(q + cs2);
      a2 = madd(w22, x, a2);
      a3 = madd(w12, x, a3);
      v128.store(d + ds + ds, a2);
      q += rs;
      a3 = madd(w20, v128.load(q), a3);
      a3 = madd(w21, v128.load(q + cs), a3);
      a3 = madd(w22, v128.load(q + cs2), a3);
      v128.store(d + ds + ds + ds, a3);
    }
    for (let r = 0; r < 4; r++) tail3x3(prow + <usize>r * rs, rs, cs, drow + <usize>r * ds, vw, width, w9);
  }
  for (; m < rows; m++) {
    const prow = src + ((<usize>(m * pw)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    let p = prow;
    let d = drow;
    const end = prow + vw;
    for (; p < end; p += 16, d += 16) {
      let a = f32x4.mul(w00, v128.load(p));
      a = madd(w01, v128.load(p + cs), a);
      a = madd(w02, v128.load(p + cs2), a);
      const p1 = p + rs;
      a = madd(w10, v128.load(p1), a);
      a = madd(w11, v128.load(p1 + cs), a);
      a = madd(w12, v128.load(p1 + cs2), a);
      const p2 = p1 + rs;
      a = madd(w20, v128.load(p2), a);
      a = madd(w21, v128.load(p2 + cs), a);
      a = madd(w22, v128.load(p2 + cs2), a);
      v128.store(d, a);
    }
    tail3x3(prow, rs, cs, drow, vw, width, w9);
  }
}

/**
 * Columns from byte offset `vw` to `width` of one output row, one f32 at a time: the same f32
 * operations as one SIMD lane, so a pixel's value does not depend on whether it falls in the
 * vector part or the tail.
 */
function tail3x3(prow: usize, rs: usize, cs: usize, drow: usize, vw: usize, width: i32, w9: usize): void {
  const end = (<usize>width) << 2;
  for (let o = vw; o < end; o += 4) store<f32>(drow + o, dot3x3_scalar(prow + o, rs, cs, w9));
}

/**
 * Range statistics for the float32 guard, on bit patterns: with the sign shifted out, an f32's
 * bits order as its |x| (unsigned), and ±Infinity and NaN sort above every finite value — so
 * one shift and one unsigned max per vector find the largest |x| and any non-finite value
 * (pmax, the one-instruction float max, drops NaN; the NaN-propagating max takes eight x86
 * instructions). Four independent maxima keep the loop off the max's latency: the band's
 * statistics took 1.3 ms per 4K float32 image as one f32 pmax/pmin chain, 0.6 ms here.
 *
 * out[0] = largest |x| over `count` f32 values, NaN when any is NaN or ±Infinity; out[1] = 0
 * when no value has its sign bit set, else −Infinity (a lower bound of the smallest x, as the
 * guard needs: −0 counts as negative, which only forgoes the tighter non-negative bound).
 */
export function guardRange_f32(src: usize, count: i32, out: usize): void {
  let m0 = i32x4.splat(0);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let s0 = m0;
  let s1 = m0;
  let k = 0;
  for (; k + 16 <= count; k += 16) {
    const q = src + ((<usize>k) << 2);
    const a = v128.load(q, 0);
    const b = v128.load(q, 16);
    const c = v128.load(q, 32);
    const d = v128.load(q, 48);
    m0 = i32x4.max_u(m0, i32x4.shl(a, 1));
    m1 = i32x4.max_u(m1, i32x4.shl(b, 1));
    m2 = i32x4.max_u(m2, i32x4.shl(c, 1));
    m3 = i32x4.max_u(m3, i32x4.shl(d, 1));
    s0 = v128.or(s0, v128.or(a, b));
    s1 = v128.or(s1, v128.or(c, d));
  }
  let big = lanesMax(i32x4.max_u(i32x4.max_u(m0, m1), i32x4.max_u(m2, m3)));
  let sign = i32x4.bitmask(v128.or(s0, s1)) != 0;
  for (; k < count; k++) {
    const bits = load<u32>(src + ((<usize>k) << 2));
    big = max<u32>(big, bits << 1);
    sign = sign || bits >>> 31 != 0;
  }
  store<f32>(out, absFromShifted(big));
  store<f32>(out, sign ? -Infinity : 0, 4);
}

/** Largest |x| over `count` f32 values, NaN when any is NaN or ±Infinity (as guardRange_f32). */
export function guardAbsMax_f32(src: usize, count: i32): f32 {
  let m0 = i32x4.splat(0);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let k = 0;
  for (; k + 16 <= count; k += 16) {
    const q = src + ((<usize>k) << 2);
    m0 = i32x4.max_u(m0, i32x4.shl(v128.load(q, 0), 1));
    m1 = i32x4.max_u(m1, i32x4.shl(v128.load(q, 16), 1));
    m2 = i32x4.max_u(m2, i32x4.shl(v128.load(q, 32), 1));
    m3 = i32x4.max_u(m3, i32x4.shl(v128.load(q, 48), 1));
  }
  let big = lanesMax(i32x4.max_u(i32x4.max_u(m0, m1), i32x4.max_u(m2, m3)));
  for (; k < count; k++) big = max<u32>(big, load<u32>(src + ((<usize>k) << 2)) << 1);
  return absFromShifted(big);
}

/**
 * The same statistics as running state, for loops that gather them on the way (the generated
 * tap loops, src/engine/taps-jit.ts): at `stats` (32 bytes) two vectors of f32 bit patterns,
 * the lane-wise unsigned maximum and the lane-wise signed maximum. Every negative pattern is
 * above every positive one as unsigned and below it as signed, so the unsigned maximum is the
 * negative value of largest |x| when any sign bit is set (else the largest positive), and the
 * signed maximum the largest positive when there is one. One unsigned and one signed max per
 * vector, no shift: two operations in a loop that has its vector loaded already.
 *
 * guardReset_f32 starts the state; guardRect_f32 adds values; guardFinish_f32 writes at
 * `stats` what guardRange_f32 writes for the same values, in any order or grouping.
 */
export function guardReset_f32(stats: usize): void {
  v128.store(stats, i32x4.splat(0));
  v128.store(stats, i32x4.splat(i32.MIN_VALUE), 16);
}

/** Adds `rows` rows of `cols` f32 values, rows `stride` elements apart from `src`, to the state. */
export function guardRect_f32(src: usize, stride: i32, rows: i32, cols: i32, stats: usize): void {
  let u = v128.load(stats);
  let s = v128.load(stats, 16);
  let su: u32 = 0;
  let ss: i32 = i32.MIN_VALUE;
  for (let r = 0; r < rows; r++) {
    const p = src + ((<usize>r * <usize>stride) << 2);
    let k = 0;
    for (; k + 4 <= cols; k += 4) {
      const v = v128.load(p + ((<usize>k) << 2));
      u = i32x4.max_u(u, v);
      s = i32x4.max_s(s, v);
    }
    for (; k < cols; k++) {
      const bits = load<u32>(p + ((<usize>k) << 2));
      su = max<u32>(su, bits);
      ss = max<i32>(ss, <i32>bits);
    }
  }
  v128.store(stats, i32x4.max_u(u, i32x4.splat(su)));
  v128.store(stats, i32x4.max_s(s, i32x4.splat(ss)), 16);
}

/** Ends the state: stats[0] = largest |x| (NaN for NaN or ±Infinity), stats[1] = 0 or −Infinity. */
export function guardFinish_f32(stats: usize): void {
  const u = lanesMax(v128.load(stats));
  const v = v128.load(stats, 16);
  const s = max<i32>(
    max<i32>(i32x4.extract_lane(v, 0), i32x4.extract_lane(v, 1)),
    max<i32>(i32x4.extract_lane(v, 2), i32x4.extract_lane(v, 3)),
  );
  const largest = max<u32>(u & 0x7fffffff, s > 0 ? <u32>s : 0);
  store<f32>(stats, largest >= 0x7f800000 ? NaN : reinterpret<f32>(largest));
  store<f32>(stats, u >= 0x80000000 ? -Infinity : 0, 4);
}

function lanesMax(v: v128): u32 {
  return max<u32>(
    max<u32>(i32x4.extract_lane(v, 0), i32x4.extract_lane(v, 1)),
    max<u32>(i32x4.extract_lane(v, 2), i32x4.extract_lane(v, 3)),
  );
}

/** |x| from its bits shifted left by one; NaN for ±Infinity and NaN (exponent all ones). */
function absFromShifted(s: u32): f32 {
  return s >= 0xff000000 ? NaN : reinterpret<f32>(s >>> 1);
}

function dot3x3_scalar(p: usize, rs: usize, cs: usize, w9: usize): f32 {
  let a: f32 = load<f32>(w9) * load<f32>(p);
  a = maddScalar(load<f32>(w9, 16), load<f32>(p + cs), a);
  a = maddScalar(load<f32>(w9, 32), load<f32>(p + cs + cs), a);
  const p1 = p + rs;
  a = maddScalar(load<f32>(w9, 48), load<f32>(p1), a);
  a = maddScalar(load<f32>(w9, 64), load<f32>(p1 + cs), a);
  a = maddScalar(load<f32>(w9, 80), load<f32>(p1 + cs + cs), a);
  const p2 = p1 + rs;
  a = maddScalar(load<f32>(w9, 96), load<f32>(p2), a);
  a = maddScalar(load<f32>(w9, 112), load<f32>(p2 + cs), a);
  a = maddScalar(load<f32>(w9, 128), load<f32>(p2 + cs + cs), a);
  return a;
}

/**
 * f64 accumulation in tap order from an f64 band: bit-identical to the plain-TypeScript
 * reference (the same products added in the same order, IEEE double, no fused multiply-add).
 * 4 vectors (8 outputs) per pass over the taps.
 */
export function correlateTaps_f64(
  src: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  taps: usize,
  nt: i32,
): void {
  const offs = taps + ((<usize>nt) << 4);
  const w0 = v128.load(taps);
  const o0 = (<usize>load<i32>(offs)) << 3;
  for (let m = 0; m < rows; m++) {
    const prow = src + ((<usize>(m * pw)) << 3);
    const drow = dst + ((<usize>(m * dstStride)) << 3);
    let n = 0;
    for (; n + 8 <= width; n += 8) {
      const p = prow + ((<usize>n) << 3);
      let q = p + o0;
      let a0 = f64x2.mul(w0, v128.load(q, 0));
      let a1 = f64x2.mul(w0, v128.load(q, 16));
      let a2 = f64x2.mul(w0, v128.load(q, 32));
      let a3 = f64x2.mul(w0, v128.load(q, 48));
      for (let t = 1; t < nt; t++) {
        q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 3);
        const w = v128.load(taps + ((<usize>t) << 4));
        a0 = f64x2.add(a0, f64x2.mul(w, v128.load(q, 0)));
        a1 = f64x2.add(a1, f64x2.mul(w, v128.load(q, 16)));
        a2 = f64x2.add(a2, f64x2.mul(w, v128.load(q, 32)));
        a3 = f64x2.add(a3, f64x2.mul(w, v128.load(q, 48)));
      }
      const d = drow + ((<usize>n) << 3);
      v128.store(d, a0, 0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
    for (; n < width; n++) {
      const p = prow + ((<usize>n) << 3);
      let a: f64 = load<f64>(taps) * load<f64>(p + o0);
      for (let t = 1; t < nt; t++) {
        const q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 3);
        a = a + load<f64>(taps + ((<usize>t) << 4)) * load<f64>(q);
      }
      store<f64>(drow + ((<usize>n) << 3), a);
    }
  }
}

/**
 * f64 accumulation in tap order from an f32 band, stored as f32: bit-identical to the
 * plain-TypeScript path for float32 data (which sums in double and rounds once). Taps as
 * for correlateTaps_f64 (splatted f64 weights, then offsets).
 */
export function correlateTaps_f32x64(
  src: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  taps: usize,
  nt: i32,
): void {
  const offs = taps + ((<usize>nt) << 4);
  const w0 = v128.load(taps);
  const o0 = (<usize>load<i32>(offs)) << 2;
  for (let m = 0; m < rows; m++) {
    const prow = src + ((<usize>(m * pw)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    let n = 0;
    for (; n + 8 <= width; n += 8) {
      const p = prow + ((<usize>n) << 2);
      let q = p + o0;
      let x = v128.load(q, 0);
      let a0 = f64x2.mul(w0, f64x2.promote_low_f32x4(x));
      let a1 = f64x2.mul(w0, f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0)));
      x = v128.load(q, 16);
      let a2 = f64x2.mul(w0, f64x2.promote_low_f32x4(x));
      let a3 = f64x2.mul(w0, f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0)));
      for (let t = 1; t < nt; t++) {
        q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 2);
        const w = v128.load(taps + ((<usize>t) << 4));
        x = v128.load(q, 0);
        a0 = f64x2.add(a0, f64x2.mul(w, f64x2.promote_low_f32x4(x)));
        a1 = f64x2.add(a1, f64x2.mul(w, f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0))));
        x = v128.load(q, 16);
        a2 = f64x2.add(a2, f64x2.mul(w, f64x2.promote_low_f32x4(x)));
        a3 = f64x2.add(a3, f64x2.mul(w, f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0))));
      }
      const lo = f32x4.demote_f64x2_zero(a0);
      const hi = f32x4.demote_f64x2_zero(a1);
      const lo2 = f32x4.demote_f64x2_zero(a2);
      const hi2 = f32x4.demote_f64x2_zero(a3);
      const d = drow + ((<usize>n) << 2);
      v128.store(d, i64x2.shuffle(lo, hi, 0, 2), 0);
      v128.store(d, i64x2.shuffle(lo2, hi2, 0, 2), 16);
    }
    for (; n < width; n++) {
      const p = prow + ((<usize>n) << 2);
      let a: f64 = load<f64>(taps) * <f64>load<f32>(p + o0);
      for (let t = 1; t < nt; t++) {
        const q = p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << 2);
        a = a + load<f64>(taps + ((<usize>t) << 4)) * <f64>load<f32>(q);
      }
      store<f32>(drow + ((<usize>n) << 2), <f32>a);
    }
  }
}

function dot3x3_i32(p: usize, rs: usize, cs: usize, k9: usize): i32 {
  let t: i32 = 0;
  for (let i = 0; i < 3; i++) {
    const q = p + <usize>i * rs;
    t +=
      <i32>load<i16>(k9 + <usize>(i * 48)) * <i32>load<u8>(q) +
      <i32>load<i16>(k9 + <usize>(i * 48 + 16)) * <i32>load<u8>(q + cs) +
      <i32>load<i16>(k9 + <usize>(i * 48 + 32)) * <i32>load<u8>(q + cs + cs);
  }
  return t;
}

/**
 * uint8 data, 3×3 kernels whose weights are integers k over a common divisor D (decimal
 * weights such as 0.05 = 1/20, binomials over 16), rounded to uint8 in the same pass:
 * T = Σ k·x in i16 lanes — eight outputs per vector where f32 holds four, and exact (the host
 * admits Σ|k|·255 < 2¹⁵; partial sums may wrap, the final sum does not) — then
 * r = ⌊(T + B)·M / 2^sh⌋ − c = ⌊T/D + 1/2⌋ in integers (constants `div` = [D, B, M, sh, c, tie]
 * from integerRounding in src/engine/direct.ts), saturated to 0..255 by the narrowing. That is
 * the reference's rounding of its f64 sum for every output except the exact ties
 * T ≡ D/2 (mod D) — where the remainder T + B − q·D is 0 — whose positions go to a list and
 * are recomputed as the reference computes them (redoTies) after each pair of rows.
 *
 * One pass, no f32 buffer written and read back, no certification pass: W2 (4K RGB, one
 * thread, 2-core AMD EPYC) took 31.5 ms of CPU with the i16 loop + storeCertified_u8, 26 now.
 * `k9`: nine splatted i16 weights (16 bytes each); `exact9`: the nine f64 weights and their
 * i32 element offsets i·pw + j·C in row-major order (for redoTies); `list`: two u16 lists of
 * `width + 16` entries. Two output rows share each loaded source row. Returns the number of
 * ties recomputed.
 */
export function correlate3x3_u8i16_u8(
  raw: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  k9: usize,
  C: i32,
  div: usize,
  exact9: usize,
  list: usize,
): i32 {
  return u8i16Rows<U32Quotient>(raw, pw, dst, dstStride, rows, width, k9, C, div, exact9, list);
}

/**
 * correlate3x3_u8i16_u8 with q = ⌊T'/D⌋ as ⌊(T'·M2 + 2¹⁴) / 2^(15+s)⌋: one i16x8.q15mulr_sat_s
 * (x86 pmulhrsw) and a shift per eight outputs, where the u32 products take four multiplies,
 * two unpacks, two shifts and a narrowing. Needs T' < 2¹⁵ and constants M2 < 2¹⁵ and s
 * (div[6], div[7]) for which the host (integerRounding) checked the equality for every T' in
 * range. W2's loop (4K RGB, one thread): 18.4 → 17.2 ms of CPU.
 */
export function correlate3x3_u8q15_u8(
  raw: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  k9: usize,
  C: i32,
  div: usize,
  exact9: usize,
  list: usize,
): i32 {
  return u8i16Rows<Q15Quotient>(raw, pw, dst, dstStride, rows, width, k9, C, div, exact9, list);
}

/** How u8i16Rows divides: type arguments, so each loop is compiled with its own (no branch). */
class U32Quotient {}
class Q15Quotient {}

function u8i16Rows<Q>(
  raw: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  k9: usize,
  C: i32,
  div: usize,
  exact9: usize,
  list: usize,
): i32 {
  const q15 = idof<Q>() == idof<Q15Quotient>();
  const k00 = v128.load(k9, 0);
  const k01 = v128.load(k9, 16);
  const k02 = v128.load(k9, 32);
  const k10 = v128.load(k9, 48);
  const k11 = v128.load(k9, 64);
  const k12 = v128.load(k9, 80);
  const k20 = v128.load(k9, 96);
  const k21 = v128.load(k9, 112);
  const k22 = v128.load(k9, 128);
  const D = load<i32>(div, 0);
  const B = load<i32>(div, 4);
  const M = load<i32>(div, 8);
  const sh = load<i32>(div, 12);
  const c = load<i32>(div, 16);
  const tie = load<i32>(div, 20);
  const vD = i16x8.splat(<i16>D);
  const vB = i16x8.splat(<i16>B);
  const vM = i16x8.splat(<i16>(q15 ? load<i32>(div, 24) : M));
  const s = load<i32>(div, 28);
  const vc = i16x8.splat(<i16>c);
  const vt = i16x8.splat(<i16>tie);
  const rs = <usize>pw;
  const cs = <usize>C;
  const lanes = laneTable();
  const list1 = list + ((<usize>(width + 16)) << 1);
  let ties = 0;
  for (let m = 0; m < rows; m += 2) {
    const two = m + 1 < rows;
    const prow = raw + <usize>(m * pw);
    const d0 = dst + <usize>(m * dstStride);
    // A last single row writes its values twice to the same place (b = a).
    const d1 = two ? d0 + <usize>dstStride : d0;
    let c0 = 0;
    let c1 = 0;
    let n = 0;
    for (; n + 8 <= width; n += 8) {
      const p = prow + <usize>n;
      let x0 = v128.load8x8_u(p);
      let x1 = v128.load8x8_u(p + cs);
      let x2 = v128.load8x8_u(p + cs + cs);
      let a = i16x8.add(vB, i16x8.mul(k00, x0));
      a = i16x8.add(a, i16x8.mul(k01, x1));
      a = i16x8.add(a, i16x8.mul(k02, x2));
      const p1 = p + rs;
      x0 = v128.load8x8_u(p1);
      x1 = v128.load8x8_u(p1 + cs);
      x2 = v128.load8x8_u(p1 + cs + cs);
      a = i16x8.add(a, i16x8.mul(k10, x0));
      a = i16x8.add(a, i16x8.mul(k11, x1));
      a = i16x8.add(a, i16x8.mul(k12, x2));
      let b = i16x8.add(vB, i16x8.mul(k00, x0));
      b = i16x8.add(b, i16x8.mul(k01, x1));
      b = i16x8.add(b, i16x8.mul(k02, x2));
      const p2 = p1 + rs;
      x0 = v128.load8x8_u(p2);
      x1 = v128.load8x8_u(p2 + cs);
      x2 = v128.load8x8_u(p2 + cs + cs);
      a = i16x8.add(a, i16x8.mul(k20, x0));
      a = i16x8.add(a, i16x8.mul(k21, x1));
      a = i16x8.add(a, i16x8.mul(k22, x2));
      if (two) {
        b = i16x8.add(b, i16x8.mul(k10, x0));
        b = i16x8.add(b, i16x8.mul(k11, x1));
        b = i16x8.add(b, i16x8.mul(k12, x2));
        const p3 = p2 + rs;
        b = i16x8.add(b, i16x8.mul(k20, v128.load8x8_u(p3)));
        b = i16x8.add(b, i16x8.mul(k21, v128.load8x8_u(p3 + cs)));
        b = i16x8.add(b, i16x8.mul(k22, v128.load8x8_u(p3 + cs + cs)));
      } else {
        b = a;
      }
      // q = ⌊T'/D⌋ (exact over T's range, checked by the host).
      const qa = quotient<Q>(a, vM, sh, s);
      const qb = quotient<Q>(b, vM, sh, s);
      // r = q − c as signed i16, saturated to 0..255 by the narrowing.
      const v = i8x16.narrow_i16x8_u(i16x8.sub(qa, vc), i16x8.sub(qb, vc));
      v128.store64_lane(d0 + <usize>n, v, 0);
      v128.store64_lane(d1 + <usize>n, v, 1);
      // Ties: T' − q·D = 0 (0 ≤ T' − q·D < D, so i16 wrap-around cannot fake it).
      const ta = i16x8.eq(i16x8.sub(a, i16x8.mul(qa, vD)), vt);
      const tb = i16x8.eq(i16x8.sub(b, i16x8.mul(qb, vD)), vt);
      const bits = i8x16.bitmask(i8x16.narrow_i16x8_s(ta, tb));
      // Append positions n + k branch-free: 8 lanes from the table, the count advancing by
      // the number of set bits (entries past it are overwritten later).
      const base = i16x8.splat(<i16>n);
      const fl = bits & 0xff;
      const fh = bits >>> 8;
      v128.store(list + ((<usize>c0) << 1), i16x8.add(base, v128.load8x8_u(lanes + ((<usize>fl) << 3))));
      c0 += <i32>popcnt<u32>(fl);
      v128.store(list1 + ((<usize>c1) << 1), i16x8.add(base, v128.load8x8_u(lanes + ((<usize>fh) << 3))));
      c1 += <i32>popcnt<u32>(fh);
    }
    for (; n < width; n++) {
      // The same values as a vector lane.
      const ta = dot3x3_i32(prow + <usize>n, rs, cs, k9) + B;
      const qa = <i32>((<u32>ta * <u32>M) >> sh);
      store<u8>(d0 + <usize>n, satU8i(qa - c));
      store<u16>(list + ((<usize>c0) << 1), <u16>n);
      c0 += <i32>(ta - qa * D == tie);
      if (two) {
        const tb = dot3x3_i32(prow + rs + <usize>n, rs, cs, k9) + B;
        const qb = <i32>((<u32>tb * <u32>M) >> sh);
        store<u8>(d1 + <usize>n, satU8i(qb - c));
        store<u16>(list1 + ((<usize>c1) << 1), <u16>n);
        c1 += <i32>(tb - qb * D == tie);
      }
    }
    redoTies(list, c0, prow, d0, exact9);
    ties += c0;
    if (two) {
      redoTies(list1, c1, prow + rs, d1, exact9);
      ties += c1;
    }
  }
  return ties;
}

/**
 * ⌊T'/D⌋ in each i16 lane: ⌊(T'·M2 + 2¹⁴) / 2^(15+s)⌋ (q15, T' < 2¹⁵), else ⌊(T'·M) / 2^sh⌋
 * for the u16 T'.
 */
function quotient<Q>(t: v128, vM: v128, sh: i32, s: i32): v128 {
  if (idof<Q>() == idof<Q15Quotient>()) return i16x8.shr_u(i16x8.q15mulr_sat_s(t, vM), s);
  return i16x8.narrow_i32x4_u(
    i32x4.shr_u(i32x4.extmul_low_i16x8_u(t, vM), sh),
    i32x4.shr_u(i32x4.extmul_high_i16x8_u(t, vM), sh),
  );
}

/** Saturated to 0..255. */
function satU8i(r: i32): u8 {
  return <u8>(r < 0 ? 0 : r > 255 ? 255 : r);
}

/**
 * Recomputes the listed outputs of one row as the reference does: Σ w_t·x_t in f64 from t = 0
 * in row-major tap order, IEEE products, no fused multiply-add, rounded half to even (IEEE
 * nearest) and saturated. Zero weights, which the reference skips, give zero products here:
 * adding +0 leaves every sum unchanged except the sign of a zero, and ±0 both round to 0.
 * Two outputs per step, one per f64x2 lane (their nine band bytes inserted pairwise); the steps
 * are independent, so the out-of-order core overlaps their addition chains, and nothing
 * branches on the data. (W2, 4K RGB, one thread: 1.24 M ties, ≈ 4 ms of CPU; two scalar
 * chains from a product table with branches for the saturation took ≈ 8.)
 */
function redoTies(list: usize, count: i32, brow: usize, drow: usize, exact9: usize): void {
  const w0 = v128.load64_splat(exact9, 0);
  const w1 = v128.load64_splat(exact9, 8);
  const w2 = v128.load64_splat(exact9, 16);
  const w3 = v128.load64_splat(exact9, 24);
  const w4 = v128.load64_splat(exact9, 32);
  const w5 = v128.load64_splat(exact9, 40);
  const w6 = v128.load64_splat(exact9, 48);
  const w7 = v128.load64_splat(exact9, 56);
  const w8 = v128.load64_splat(exact9, 64);
  const o0 = <usize>load<i32>(exact9, 72);
  const o1 = <usize>load<i32>(exact9, 76);
  const o2 = <usize>load<i32>(exact9, 80);
  const o3 = <usize>load<i32>(exact9, 84);
  const o4 = <usize>load<i32>(exact9, 88);
  const o5 = <usize>load<i32>(exact9, 92);
  const o6 = <usize>load<i32>(exact9, 96);
  const o7 = <usize>load<i32>(exact9, 100);
  const o8 = <usize>load<i32>(exact9, 104);
  const z = i32x4.splat(0);
  const v255 = f64x2.splat(255);
  const magic = f64x2.splat(6755399441055744); // 1.5·2⁵²
  for (let i = 0; i < count; i += 2) {
    const l = list + ((<usize>i) << 1);
    const ka = <usize>load<u16>(l, 0);
    // An odd last output is paired with itself (the same value stored twice).
    const kb = select<usize>(<usize>load<u16>(l, 2), ka, i + 1 < count);
    const pa = brow + ka;
    const pb = brow + kb;
    let s = f64x2.mul(w0, pair(pa + o0, pb + o0, z));
    s = f64x2.add(s, f64x2.mul(w1, pair(pa + o1, pb + o1, z)));
    s = f64x2.add(s, f64x2.mul(w2, pair(pa + o2, pb + o2, z)));
    s = f64x2.add(s, f64x2.mul(w3, pair(pa + o3, pb + o3, z)));
    s = f64x2.add(s, f64x2.mul(w4, pair(pa + o4, pb + o4, z)));
    s = f64x2.add(s, f64x2.mul(w5, pair(pa + o5, pb + o5, z)));
    s = f64x2.add(s, f64x2.mul(w6, pair(pa + o6, pb + o6, z)));
    s = f64x2.add(s, f64x2.mul(w7, pair(pa + o7, pb + o7, z)));
    s = f64x2.add(s, f64x2.mul(w8, pair(pa + o8, pb + o8, z)));
    // Saturated (clamping before rounding is the same, 0 and 255 being integers), then
    // rounded half to even by adding 1.5·2⁵²: the integer lands in each lane's low byte. No
    // data-dependent branch: the saturation's branches mispredicted (≈ 1.5 ms on W2).
    const t = f64x2.add(f64x2.pmax(f64x2.pmin(s, v255), z), magic);
    store<u8>(drow + ka, i8x16.extract_lane_u(t, 0));
    store<u8>(drow + kb, i8x16.extract_lane_u(t, 8));
  }
}

/** f64x2 (x at p, x at q) for two u8 band values: bytes 0 and 4 of a zero vector, converted. */
function pair(p: usize, q: usize, z: v128): v128 {
  return f64x2.convert_low_i32x4_s(v128.load8_lane(q, v128.load8_lane(p, z, 0), 4));
}
