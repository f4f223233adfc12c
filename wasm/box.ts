// Box filter by running sums, O(1) per pixel whatever the window (AssemblyScript → WebAssembly
// SIMD), for uint8 images: every sum is an exact integer, so the result is the exact mean
// rounded half to even — bit-identical to the plain-TypeScript running sums.
//
// Per output row: the column sums over the window's kh padded rows are slid by one row (add
// the entering row, subtract the leaving one), then each output is the difference of two
// prefix sums of the column sums along the row, kw pixels apart.

/** colSum[c] += row[c] (sign > 0) or −= row[c], for `count` u8 → i32 elements. */
export function boxAddRow_u8(colSum: usize, row: usize, count: i32, sign: i32): void {
  let k = 0;
  for (; k + 16 <= count; k += 16) {
    const x = v128.load(row + <usize>k);
    const lo = i16x8.extend_low_i8x16_u(x);
    const hi = i16x8.extend_high_i8x16_u(x);
    const d = colSum + ((<usize>k) << 2);
    const a0 = i32x4.extend_low_i16x8_u(lo);
    const a1 = i32x4.extend_high_i16x8_u(lo);
    const a2 = i32x4.extend_low_i16x8_u(hi);
    const a3 = i32x4.extend_high_i16x8_u(hi);
    if (sign > 0) {
      v128.store(d, i32x4.add(v128.load(d, 0), a0), 0);
      v128.store(d, i32x4.add(v128.load(d, 16), a1), 16);
      v128.store(d, i32x4.add(v128.load(d, 32), a2), 32);
      v128.store(d, i32x4.add(v128.load(d, 48), a3), 48);
    } else {
      v128.store(d, i32x4.sub(v128.load(d, 0), a0), 0);
      v128.store(d, i32x4.sub(v128.load(d, 16), a1), 16);
      v128.store(d, i32x4.sub(v128.load(d, 32), a2), 32);
      v128.store(d, i32x4.sub(v128.load(d, 48), a3), 48);
    }
  }
  for (; k < count; k++) {
    const p = colSum + ((<usize>k) << 2);
    const v = <i32>load<u8>(row + <usize>k);
    store<i32>(p, sign > 0 ? load<i32>(p) + v : load<i32>(p) - v);
  }
}

/** colSum[c] += enter[c] − leave[c] for `count` u8 → i32 elements (one step of the slide). */
export function boxSlideRow_u8(colSum: usize, enter: usize, leave: usize, count: i32): void {
  let k = 0;
  for (; k + 16 <= count; k += 16) {
    const x = v128.load(enter + <usize>k);
    const y = v128.load(leave + <usize>k);
    // enter − leave in i16 (−255..255), then widened and added.
    const lo = i16x8.sub(i16x8.extend_low_i8x16_u(x), i16x8.extend_low_i8x16_u(y));
    const hi = i16x8.sub(i16x8.extend_high_i8x16_u(x), i16x8.extend_high_i8x16_u(y));
    const d = colSum + ((<usize>k) << 2);
    v128.store(d, i32x4.add(v128.load(d, 0), i32x4.extend_low_i16x8_s(lo)), 0);
    v128.store(d, i32x4.add(v128.load(d, 16), i32x4.extend_high_i16x8_s(lo)), 16);
    v128.store(d, i32x4.add(v128.load(d, 32), i32x4.extend_low_i16x8_s(hi)), 32);
    v128.store(d, i32x4.add(v128.load(d, 48), i32x4.extend_high_i16x8_s(hi)), 48);
  }
  for (; k < count; k++) {
    const p = colSum + ((<usize>k) << 2);
    store<i32>(p, load<i32>(p) + <i32>load<u8>(enter + <usize>k) - <i32>load<u8>(leave + <usize>k));
  }
}

/**
 * One output row from the column sums (`count` = padded width × C elements): the window sum
 * S = P[e + kw·C] − P[e] of the prefix sums P along each channel, then the mean rounded half
 * to even and saturated to 0..255.
 *
 * `mode` 0: S·recip in f32 — exact rounding when the divisor N is odd (no mean is a tie) and
 * 2⁻²³·max(S/N)·2N < 1 (the product's error stays below the 1/(2N) gap to the nearest tie);
 * `mode` 1: S / N in f32 (correctly rounded; ties are representable) when 2⁻²⁴·max(S/N)·2N < 1;
 * `mode` 2: S / N in f64 (always exact). The host picks the cheapest exact mode.
 * `prefix` is scratch of count + C i32.
 */
export function boxOutputRow_u8(
  colSum: usize,
  prefix: usize,
  count: i32,
  C: i32,
  kw: i32,
  dst: usize,
  ow: i32,
  N: i32,
  recip: f32,
  mode: i32,
): void {
  // P[0..C) = 0; P[e + C] = P[e] + colSum[e]: C independent running sums, kept in registers
  // (through memory, each step would wait for a store to forward: ~5 cycles).
  for (let c = 0; c < C; c++) store<i32>(prefix + ((<usize>c) << 2), 0);
  const cs = colSum;
  const ps = prefix + ((<usize>C) << 2);
  if (C == 3) {
    // 12 elements (4 pixels) per step: within the block Q[e] = c[e] + c[e−3] + c[e−6] + c[e−9]
    // in two shift-and-add steps (shifts by 3 and 6 elements across the three vectors), plus
    // the previous block's last pixel per channel. The same exact integer sums as one channel
    // at a time, about half the instructions and no store-to-load chain.
    const z = i32x4.splat(0);
    let last = z; // [·, P(ch 0), P(ch 1), P(ch 2)] of the previous block's last pixel
    let e = 0;
    for (; e + 12 <= count; e += 12) {
      const q = (<usize>e) << 2;
      const v0 = v128.load(cs + q, 0);
      const v1 = v128.load(cs + q, 16);
      const v2 = v128.load(cs + q, 32);
      const u0 = i32x4.add(v0, v128.shuffle<i32>(z, v0, 0, 1, 2, 4));
      const u1 = i32x4.add(v1, v128.shuffle<i32>(v0, v1, 1, 2, 3, 4));
      const u2 = i32x4.add(v2, v128.shuffle<i32>(v1, v2, 1, 2, 3, 4));
      const q1 = i32x4.add(u1, v128.shuffle<i32>(z, u0, 0, 1, 4, 5));
      const q2 = i32x4.add(u2, v128.shuffle<i32>(u0, u1, 2, 3, 4, 5));
      const r0 = i32x4.add(u0, v128.shuffle<i32>(last, last, 1, 2, 3, 1));
      const r1 = i32x4.add(q1, v128.shuffle<i32>(last, last, 2, 3, 1, 2));
      last = i32x4.add(q2, v128.shuffle<i32>(last, last, 3, 1, 2, 3));
      v128.store(ps + q, r0, 0);
      v128.store(ps + q, r1, 16);
      v128.store(ps + q, last, 32);
    }
    let s0 = i32x4.extract_lane(last, 1);
    let s1 = i32x4.extract_lane(last, 2);
    let s2 = i32x4.extract_lane(last, 3);
    for (; e + 3 <= count; e += 3) {
      const q = (<usize>e) << 2;
      s0 += load<i32>(cs + q);
      s1 += load<i32>(cs + q, 4);
      s2 += load<i32>(cs + q, 8);
      store<i32>(ps + q, s0);
      store<i32>(ps + q, s1, 4);
      store<i32>(ps + q, s2, 8);
    }
  } else if (C == 1) {
    // 4 elements per step: two shift-and-add steps, plus the previous block's last sum.
    const z = i32x4.splat(0);
    let last = z;
    let e = 0;
    for (; e + 4 <= count; e += 4) {
      const q = (<usize>e) << 2;
      const v = v128.load(cs + q);
      const u = i32x4.add(v, v128.shuffle<i32>(z, v, 0, 4, 5, 6));
      const w = i32x4.add(u, v128.shuffle<i32>(z, u, 0, 1, 4, 5));
      last = i32x4.add(w, v128.shuffle<i32>(last, last, 3, 3, 3, 3));
      v128.store(ps + q, last);
    }
    let s0 = i32x4.extract_lane(last, 3);
    for (; e < count; e++) {
      const q = (<usize>e) << 2;
      s0 += load<i32>(cs + q);
      store<i32>(ps + q, s0);
    }
  } else {
    for (let e = 0; e < count; e++) {
      const q = (<usize>e) << 2;
      store<i32>(ps + q, load<i32>(prefix + q) + load<i32>(cs + q));
    }
  }
  const span = (<usize>(kw * C)) << 2;
  const vr = f32x4.splat(recip);
  const vn = f32x4.splat(<f32>N);
  const magic = f32x4.splat(12582912); // 1.5·2²³
  let n = 0;
  if (mode < 2) {
    for (; n + 16 <= ow; n += 16) {
      const p = prefix + ((<usize>n) << 2);
      let s0 = f32x4.convert_i32x4_s(i32x4.sub(v128.load(p + span, 0), v128.load(p, 0)));
      let s1 = f32x4.convert_i32x4_s(i32x4.sub(v128.load(p + span, 16), v128.load(p, 16)));
      let s2 = f32x4.convert_i32x4_s(i32x4.sub(v128.load(p + span, 32), v128.load(p, 32)));
      let s3 = f32x4.convert_i32x4_s(i32x4.sub(v128.load(p + span, 48), v128.load(p, 48)));
      if (mode == 0) {
        s0 = f32x4.mul(s0, vr);
        s1 = f32x4.mul(s1, vr);
        s2 = f32x4.mul(s2, vr);
        s3 = f32x4.mul(s3, vr);
      } else {
        s0 = f32x4.div(s0, vn);
        s1 = f32x4.div(s1, vn);
        s2 = f32x4.div(s2, vn);
        s3 = f32x4.div(s3, vn);
      }
      // Rounded half to even by adding 1.5·2²³ (the sum's low bits are the integer: exact for
      // 0 ≤ mean < 2²², which modes 0 and 1 imply) — two instructions where nearest +
      // trunc_sat take about ten on x86.
      const lo = i16x8.narrow_i32x4_s(
        i32x4.sub(f32x4.add(s0, magic), magic),
        i32x4.sub(f32x4.add(s1, magic), magic),
      );
      const hi = i16x8.narrow_i32x4_s(
        i32x4.sub(f32x4.add(s2, magic), magic),
        i32x4.sub(f32x4.add(s3, magic), magic),
      );
      v128.store(dst + <usize>n, i8x16.narrow_i16x8_u(lo, hi));
    }
  }
  for (; n < ow; n++) {
    const p = prefix + ((<usize>n) << 2);
    const s = load<i32>(p + span) - load<i32>(p);
    let r: f64;
    if (mode == 0) r = <f64>nearest<f32>(<f32>s * recip);
    else if (mode == 1) r = <f64>nearest<f32>(<f32>s / <f32>N);
    else r = nearest<f64>(<f64>s / <f64>N);
    store<u8>(dst + <usize>n, <u8>(r < 0 ? 0 : r > 255 ? 255 : r));
  }
}
