// Conversions between band element types and outputs (AssemblyScript → WebAssembly SIMD).

import { laneTable } from './lanes';

/** dst[k] = src[k] for `count` uint8 → f32 elements (exact; the signed convert is one x86 instruction, the unsigned about eight). */
export function widen_u8_f32(src: usize, dst: usize, count: i32): void {
  let k = 0;
  for (; k + 16 <= count; k += 16) {
    const x = v128.load(src + <usize>k);
    const lo = i16x8.extend_low_i8x16_u(x);
    const hi = i16x8.extend_high_i8x16_u(x);
    const d = dst + ((<usize>k) << 2);
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), 0);
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), 16);
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), 32);
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), 48);
  }
  for (; k < count; k++) store<f32>(dst + ((<usize>k) << 2), <f32>load<u8>(src + <usize>k));
}

/**
 * Rounds f32 filter results to uint8 (half to even, saturated) where that rounding is
 * certain to equal the rounding of the float64 result the plain-TypeScript path computes.
 *
 * The host bounds |f32 result − f64 result| by E (from the tap count, Σ|w| and the largest
 * input value) and passes `half` = the largest f32 not above 0.5 − E. For an f32 result a with
 * d = |a − nearest(a)| (computed exactly), every value within E of a rounds to nearest(a) when
 * d < half. The outputs at or past `half` are recomputed in float64, tap by tap in the
 * reference order (`taps64`: nt f64 weights, then nt i32 element offsets into the f32 band),
 * and rounded exactly as the reference rounds. Returns the number of 16-output vectors that
 * held such an output (for tests and the plan's statistics).
 *
 * Decimal weights (0.1, 0.05…) put exact .5 ties in a few percent of outputs (5 % for W2's
 * kernel), spread at random: visiting them from each vector's bitmask costs one or two
 * mispredicted branches per vector. Instead, each row's flagged positions are appended to
 * `list` (u16, row length + 16 entries) without a branch — a table maps each byte of the
 * bitmask to its set lanes, and the count advances by its popcount — and recomputed in a
 * second, branch-free loop whose iterations overlap. (W2, 4K RGB, one thread: 57 → 38 ms of
 * CPU on the 2-core AMD EPYC bench machine.)
 */
export function storeCertified_u8(
  acc: usize,
  accStride: i32,
  band: usize,
  pw: i32,
  dst: usize,
  dstStride: i32,
  dstStep: i32,
  rows: i32,
  width: i32,
  taps64: usize,
  nt: i32,
  half: f32,
  list: usize,
): i32 {
  const vh = f32x4.splat(half);
  const magic = f32x4.splat(12582912); // 1.5·2²³: x + magic rounds x to an integer, half to even
  const lanes = laneTable();
  const sh: usize = 2; // the f32 band the exact recompute reads
  let redone = 0;
  for (let m = 0; m < rows; m++) {
    const arow = acc + ((<usize>(m * accStride)) << 2);
    const brow = band + ((<usize>(m * pw)) << sh);
    const drow = dst + <usize>(m * dstStride);
    let n = 0;
    // u16 positions: rows up to 65535 elements take the list (4K RGB has 11520).
    if (dstStep == 1 && width <= 65535) {
      let count = 0;
      for (; n + 16 <= width; n += 16) {
        const a = arow + ((<usize>n) << 2);
        // Rounded half to even by adding 1.5·2²³: the sum's low bits are the integer (exact
        // for |x| < 2²²; the host admits only Σ|w|·xmax < 2¹⁷, see simdDirectProgram). The
        // narrowing below saturates to 0..255 as the reference does; a tie beyond that range
        // is flagged and recomputed, needlessly but correctly.
        const x0 = v128.load(a, 0);
        const x1 = v128.load(a, 16);
        const x2 = v128.load(a, 32);
        const x3 = v128.load(a, 48);
        const t0 = f32x4.add(x0, magic);
        const t1 = f32x4.add(x1, magic);
        const t2 = f32x4.add(x2, magic);
        const t3 = f32x4.add(x3, magic);
        // One bit per output whose rounding is not certain (lanes of −1 narrow to −1).
        const far = i8x16.bitmask(
          i8x16.narrow_i16x8_s(
            i16x8.narrow_i32x4_s(
              f32x4.ge(f32x4.abs(f32x4.sub(x0, f32x4.sub(t0, magic))), vh),
              f32x4.ge(f32x4.abs(f32x4.sub(x1, f32x4.sub(t1, magic))), vh),
            ),
            i16x8.narrow_i32x4_s(
              f32x4.ge(f32x4.abs(f32x4.sub(x2, f32x4.sub(t2, magic))), vh),
              f32x4.ge(f32x4.abs(f32x4.sub(x3, f32x4.sub(t3, magic))), vh),
            ),
          ),
        );
        const lo = i16x8.narrow_i32x4_s(i32x4.sub(t0, magic), i32x4.sub(t1, magic));
        const hi = i16x8.narrow_i32x4_s(i32x4.sub(t2, magic), i32x4.sub(t3, magic));
        v128.store(drow + <usize>n, i8x16.narrow_i16x8_u(lo, hi));
        // Append the flagged positions n + k: 8 lanes at a time from the table, the count
        // advancing by the number of set bits (entries past it are overwritten later).
        const base = i16x8.splat(<i16>n);
        const fl = far & 0xff;
        const fh = far >>> 8;
        v128.store(
          list + ((<usize>count) << 1),
          i16x8.add(base, i16x8.extend_low_i8x16_u(v128.load64_zero(lanes + ((<usize>fl) << 3)))),
        );
        count += <i32>popcnt<u32>(fl);
        v128.store(
          list + ((<usize>count) << 1),
          i16x8.add(
            i16x8.add(base, i16x8.splat(8)),
            i16x8.extend_low_i8x16_u(v128.load64_zero(lanes + ((<usize>fh) << 3))),
          ),
        );
        count += <i32>popcnt<u32>(fh);
        redone += <i32>(far != 0);
      }
      if (nt == 9) {
        const w0 = load<f64>(taps64, 0);
        const w1 = load<f64>(taps64, 8);
        const w2 = load<f64>(taps64, 16);
        const w3 = load<f64>(taps64, 24);
        const w4 = load<f64>(taps64, 32);
        const w5 = load<f64>(taps64, 40);
        const w6 = load<f64>(taps64, 48);
        const w7 = load<f64>(taps64, 56);
        const w8 = load<f64>(taps64, 64);
        const o = taps64 + 72;
        const o0 = (<usize>load<i32>(o, 0)) << sh;
        const o1 = (<usize>load<i32>(o, 4)) << sh;
        const o2 = (<usize>load<i32>(o, 8)) << sh;
        const o3 = (<usize>load<i32>(o, 12)) << sh;
        const o4 = (<usize>load<i32>(o, 16)) << sh;
        const o5 = (<usize>load<i32>(o, 20)) << sh;
        const o6 = (<usize>load<i32>(o, 24)) << sh;
        const o7 = (<usize>load<i32>(o, 28)) << sh;
        const o8 = (<usize>load<i32>(o, 32)) << sh;
        for (let i = 0; i < count; i++) {
          const k = <usize>load<u16>(list + ((<usize>i) << 1));
          const p = brow + (k << sh);
          // The reference's order: Σ w_t·x_t from t = 0, in f64, no fused multiply-add.
          let s: f64 = w0 * <f64>load<f32>(p + o0);
          s = s + w1 * <f64>load<f32>(p + o1);
          s = s + w2 * <f64>load<f32>(p + o2);
          s = s + w3 * <f64>load<f32>(p + o3);
          s = s + w4 * <f64>load<f32>(p + o4);
          s = s + w5 * <f64>load<f32>(p + o5);
          s = s + w6 * <f64>load<f32>(p + o6);
          s = s + w7 * <f64>load<f32>(p + o7);
          s = s + w8 * <f64>load<f32>(p + o8);
          const r = nearest<f64>(s);
          store<u8>(drow + k, <u8>(r < 0 ? 0 : r > 255 ? 255 : r));
        }
      } else {
        for (let i = 0; i < count; i++) {
          const k = <usize>load<u16>(list + ((<usize>i) << 1));
          store<u8>(drow + k, exactU8(brow + (k << sh), taps64, nt, sh));
        }
      }
    }
    for (; n < width; n++) {
      const x = load<f32>(arow + ((<usize>n) << 2));
      const r = nearest<f32>(x);
      let v: u8;
      if (abs<f32>(x - r) >= half) {
        v = exactU8(brow + ((<usize>n) << sh), taps64, nt, sh);
        redone++;
      } else {
        v = <u8>(r < 0 ? 0 : r > 255 ? 255 : r);
      }
      store<u8>(drow + <usize>(n * dstStep), v);
    }
  }
  return redone;
}

/** One band element as f64: u8 (sh 0) or f32 (sh 2). */
function bandValue(p: usize, sh: usize): f64 {
  return sh == 0 ? <f64>load<u8>(p) : <f64>load<f32>(p);
}

/** The reference's value for one output: Σ w_t·x_t in tap order in f64, rounded half to even, saturated. */
function exactU8(p: usize, taps64: usize, nt: i32, sh: usize): u8 {
  const offs = taps64 + ((<usize>nt) << 3);
  let s: f64 = load<f64>(taps64) * bandValue(p + ((<usize>load<i32>(offs)) << sh), sh);
  for (let t = 1; t < nt; t++) {
    s =
      s +
      load<f64>(taps64 + ((<usize>t) << 3)) *
        bandValue(p + ((<usize>load<i32>(offs + ((<usize>t) << 2))) << sh), sh);
  }
  const r = nearest<f64>(s); // IEEE roundTiesToEven: the reference's half-even
  return <u8>(r < 0 ? 0 : r > 255 ? 255 : r);
}

/** dst[k] = f32(src[k]) for `count` f64 → f32 (round to nearest even, as a Float32Array store). */
export function demote_f64_f32(src: usize, dst: usize, count: i32): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const a = f32x4.demote_f64x2_zero(v128.load(src + ((<usize>k) << 3), 0));
    const b = f32x4.demote_f64x2_zero(v128.load(src + ((<usize>k) << 3), 16));
    v128.store(dst + ((<usize>k) << 2), i64x2.shuffle(a, b, 0, 2));
  }
  for (; k < count; k++) store<f32>(dst + ((<usize>k) << 2), <f32>load<f64>(src + ((<usize>k) << 3)));
}

/**
 * dst[k] = the f64 value rounded half to even and saturated to 0..255 (the reference's
 * storeRow). Returns 1 if any value is NaN (the host then raises the reference's error).
 */
export function round_f64_u8(src: usize, dst: usize, count: i32): i32 {
  let nan = 0;
  for (let k = 0; k < count; k++) {
    const v = load<f64>(src + ((<usize>k) << 3));
    if (v != v) nan = 1;
    const r = nearest<f64>(v);
    store<u8>(dst + <usize>k, <u8>(r < 0 ? 0 : r > 255 ? 255 : r));
  }
  return nan;
}

/** dst[k] = the f64 value rounded half to even and saturated to 0..65535 (the reference's storeRow). Returns 1 if any is NaN. */
export function round_f64_u16(src: usize, dst: usize, count: i32): i32 {
  let nan = 0;
  for (let k = 0; k < count; k++) {
    const v = load<f64>(src + ((<usize>k) << 3));
    if (v != v) nan = 1;
    const r = nearest<f64>(v);
    store<u16>(dst + ((<usize>k) << 1), <u16>(r < 0 ? 0 : r > 65535 ? 65535 : r));
  }
  return nan;
}
