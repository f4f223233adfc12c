// Bilateral filter of uint8 images (AssemblyScript → WebAssembly SIMD), four pixels per step,
// bit-identical to the plain-TypeScript loops of src/nonlinear/bilateral-loops.ts:
//
//   d = Σ_c |x_c[q] − x_c[p]|                 (i32x4, per lane)
//   w = fl32(space[k] · colour[d])            (a table lookup per lane, then f32x4.mul)
//   s_c = fl32(fl64(x_c[q]·w + s_c))           (f64x2: the product of a byte and an f32 is exact
//                                                in f64, the sum is rounded to f64 and then to
//                                                f32 — the reference's Math.fround(v·w + s))
//   Σw = fl32(Σw + w)                         (f32x4.add)
//
// and the same division (one channel) or reciprocal product (three channels) rounded half to
// even. Offsets k run in the reference's order (OpenCV's: rows, then columns of the disc).
//
// Distances: the second pairwise add is the signed one (its i16 inputs are ≤ 510, so signed and
// unsigned agree) because x64 has it as one instruction (pmaddwd) and the unsigned one not.
//
// Layout: `band` holds padded rows of `pw` bytes (channels interleaved), readable 32 bytes past
// the last; output row y, pixel x is centred at band + (y + r)·pw + (x + r)·C. `out` holds
// `rows` rows of width·C bytes and is writable 16 bytes past its end (the last group of a row
// may compute up to three pixels past the row; they land on the next row, which is written
// afterwards, or in that slack).

function colourOf(tab: usize, d: v128): v128 {
  // each entry loaded straight into its lane (load32_zero / load32_lane: ~3 % faster on W8
  // than a scalar load and a replace_lane)
  let r = v128.load32_zero(tab + ((<usize>i32x4.extract_lane(d, 0)) << 2));
  r = v128.load32_lane(tab + ((<usize>i32x4.extract_lane(d, 1)) << 2), r, 1);
  r = v128.load32_lane(tab + ((<usize>i32x4.extract_lane(d, 2)) << 2), r, 2);
  return v128.load32_lane(tab + ((<usize>i32x4.extract_lane(d, 3)) << 2), r, 3);
}

/** fl32(fl64(v·w + s)) on two lanes; v, w, s are f64x2 holding f32-representable values. */
function fma2(v: v128, w: v128, s: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(v, w), s)));
}

function hi2(x: v128): v128 {
  return i64x2.shuffle(x, x, 1, 1);
}

/** Rounds half to even and saturates four f32 lanes to i32. */
function toInt(x: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(x));
}

/**
 * Four listed pixels of three interleaved channels, exactly as the reference: `e0` … `e3` each
 * point to a list entry (the pixel's centre in the padded band and its output, two u32);
 * `ofs`: n i32 byte offsets (di·pw + dj·3); `space`: n f32; `colour`: 766 f32
 * (exp(−d²/(2σc²)) per L1 distance d). Writes each pixel's 3 outputs. Any four pixels, not
 * only neighbours: a group of the f32 loop rarely has more than one uncertain pixel, so the
 * pixels of a row are recomputed together (W8, 1 thread: 80 → 78 ms of CPU).
 */
function exact4(
  e0: usize,
  e1: usize,
  e2: usize,
  e3: usize,
  ofs: usize,
  space: usize,
  n: i32,
  colour: usize,
): void {
  const m0 = i8x16(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1);
  const m1 = i8x16(1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1);
  const m2 = i8x16(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1);
  const p0 = <usize>load<u32>(e0);
  const p1 = <usize>load<u32>(e1);
  const p2 = <usize>load<u32>(e2);
  const p3 = <usize>load<u32>(e3);
  const c = gather4(p0, p1, p2, p3, 0);
  const a0 = i8x16.swizzle(c, m0);
  const b0 = i8x16.swizzle(c, m1);
  const c0 = i8x16.swizzle(c, m2);
  let sa0 = f64x2.splat(0);
  let sa1 = f64x2.splat(0);
  let sb0 = f64x2.splat(0);
  let sb1 = f64x2.splat(0);
  let sc0 = f64x2.splat(0);
  let sc1 = f64x2.splat(0);
  let ws = f32x4.splat(0);
  for (let k = 0; k < n; k++) {
    const kk = (<usize>k) << 2;
    const v = gather4(p0, p1, p2, p3, <usize>load<i32>(ofs + kk));
    const a = i8x16.swizzle(v, m0);
    const b = i8x16.swizzle(v, m1);
    const cc = i8x16.swizzle(v, m2);
    const d = i32x4.add(
      i32x4.add(i32x4.abs(i32x4.sub(a, a0)), i32x4.abs(i32x4.sub(b, b0))),
      i32x4.abs(i32x4.sub(cc, c0)),
    );
    const w = f32x4.mul(colourOf(colour, d), f32x4.splat(load<f32>(space + kk)));
    ws = f32x4.add(ws, w);
    const w0 = f64x2.promote_low_f32x4(w);
    const w1 = f64x2.promote_low_f32x4(hi2(w));
    sa0 = fma2(f64x2.convert_low_i32x4_s(a), w0, sa0);
    sa1 = fma2(f64x2.convert_low_i32x4_s(hi2(a)), w1, sa1);
    sb0 = fma2(f64x2.convert_low_i32x4_s(b), w0, sb0);
    sb1 = fma2(f64x2.convert_low_i32x4_s(hi2(b)), w1, sb1);
    sc0 = fma2(f64x2.convert_low_i32x4_s(cc), w0, sc0);
    sc1 = fma2(f64x2.convert_low_i32x4_s(hi2(cc)), w1, sc1);
  }
  const inv = f32x4.div(f32x4.splat(1), ws);
  // f32 sums (exact: they hold f32 values) back in four lanes
  const sa = i64x2.shuffle(f32x4.demote_f64x2_zero(sa0), f32x4.demote_f64x2_zero(sa1), 0, 2);
  const sb = i64x2.shuffle(f32x4.demote_f64x2_zero(sb0), f32x4.demote_f64x2_zero(sb1), 0, 2);
  const sc = i64x2.shuffle(f32x4.demote_f64x2_zero(sc0), f32x4.demote_f64x2_zero(sc1), 0, 2);
  const bytes = toBytes(toInt(f32x4.mul(sa, inv)), toInt(f32x4.mul(sb, inv)), toInt(f32x4.mul(sc, inv)));
  store<u16>(<usize>load<u32>(e0, 4), <u16>i16x8.extract_lane_u(bytes, 0));
  store<u8>(<usize>load<u32>(e0, 4), <u8>i8x16.extract_lane_u(bytes, 2), 2);
  store<u16>(<usize>load<u32>(e1, 4), <u16>i16x8.extract_lane_u(bytes, 2));
  store<u8>(<usize>load<u32>(e1, 4), <u8>i8x16.extract_lane_u(bytes, 6), 2);
  store<u16>(<usize>load<u32>(e2, 4), <u16>i16x8.extract_lane_u(bytes, 4));
  store<u8>(<usize>load<u32>(e2, 4), <u8>i8x16.extract_lane_u(bytes, 10), 2);
  store<u16>(<usize>load<u32>(e3, 4), <u16>i16x8.extract_lane_u(bytes, 6));
  store<u8>(<usize>load<u32>(e3, 4), <u8>i8x16.extract_lane_u(bytes, 14), 2);
}

/** Four bytes from each of p0 + o … p3 + o, one pixel per i32 lane. */
function gather4(p0: usize, p1: usize, p2: usize, p3: usize, o: usize): v128 {
  let v = v128.load32_zero(p0 + o);
  v = v128.load32_lane(p1 + o, v, 1);
  v = v128.load32_lane(p2 + o, v, 2);
  return v128.load32_lane(p3 + o, v, 3);
}

/**
 * Recomputes exactly, four at a time, the `count` pixels listed at `list` (each the address of
 * its centre in the band and of its output, two u32); the last is repeated to fill the final
 * four. Returns the number of vectors run.
 */
function redo3(list: usize, count: i32, ofs: usize, space: usize, n: i32, colour: usize): i32 {
  const last = list + ((<usize>(count - 1)) << 3);
  let i = 0;
  for (; i < count; i += 4) {
    const e = list + ((<usize>i) << 3);
    exact4(e, min(e + 8, last), min(e + 16, last), min(e + 24, last), ofs, space, n, colour);
  }
  return i >> 2;
}

/** Four pixels' three channels (i32 lanes) as bytes: pixel j's at 4j, 4j + 1, 4j + 2. */
function toBytes(ra: v128, rb: v128, rc: v128): v128 {
  const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(ra, rb), i16x8.narrow_i32x4_u(rc, rc));
  return i8x16.swizzle(bytes, i8x16(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
}

/** Three channels of four pixels (i32 lanes) as 12 interleaved bytes (16 written). */
function store3(dst: usize, ra: v128, rb: v128, rc: v128): void {
  const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(ra, rb), i16x8.narrow_i32x4_u(rc, rc));
  v128.store(dst, i8x16.swizzle(bytes, i8x16(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 13, 14, 15)));
}

/** Lanes of q (≥ 0) within margin·q + 2⁻²⁰ of a half-integer: their rounding is not certain. */
function uncertain(q: v128, margin: v128): v128 {
  const f = f32x4.abs(f32x4.sub(f32x4.sub(q, f32x4.floor(q)), f32x4.splat(0.5)));
  return f32x4.le(f, f32x4.add(f32x4.mul(q, margin), f32x4.splat(0.00000095367431640625)));
}

/**
 * Three interleaved channels, eight pixels per step, with *certified* float32 sums: the
 * products and sums are plain f32 (no fused multiply-add; neighbours' values read from planar
 * f32 copies of the band, `planes`: channel c at planes + c·planeBytes, rows of `ppw` f32, from
 * bilateralPlanes_u8; `ofs32` their byte offsets (di·ppw + dj)·4). Weights and their sum are
 * the reference's exactly; the sums differ from the reference's by at most (γₙ₊₁ + γₙ)·Σ,
 * so an output whose quotient q is farther than `margin`·q (+2⁻²⁰) from every half-integer
 * rounds as the reference's does; the other pixels of a row are listed at `list` (two u32
 * each, room for the row's width rounded up to 8) and recomputed exactly four at a time after
 * the row (redo3). Returns the number of exact vectors run.
 */
export function bilateralRows3c_u8(
  band: usize,
  pw: i32,
  r: i32,
  rows: i32,
  width: i32,
  ofs: usize,
  space: usize,
  n: i32,
  colour: usize,
  out: usize,
  planes: usize,
  ppw: i32,
  planeBytes: i32,
  ofs32: usize,
  margin: f32,
  list: usize,
): i32 {
  const group = i8x16(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const mv = f32x4.splat(margin);
  const ow = <usize>(width * 3);
  const pb = <usize>planeBytes;
  let redone = 0;
  for (let y = 0; y < rows; y++) {
    const row = band + <usize>((y + r) * pw + r * 3);
    const prow = planes + ((<usize>((y + r) * ppw + r)) << 2);
    const orow = out + <usize>y * ow;
    let count = 0;
    for (let x = 0; x < width; x += 8) {
      const p = row + <usize>(x * 3);
      const pp = prow + ((<usize>x) << 2);
      const c = v128.load(p);
      const e = v128.load(p, 12);
      let sa = f32x4.splat(0);
      let sb = f32x4.splat(0);
      let sc = f32x4.splat(0);
      let ws = f32x4.splat(0);
      let ta = f32x4.splat(0);
      let tb = f32x4.splat(0);
      let tc = f32x4.splat(0);
      let wt = f32x4.splat(0);
      for (let k = 0; k < n; k++) {
        const kk = (<usize>k) << 2;
        const sp = f32x4.splat(load<f32>(space + kk));
        const o = p + <usize>load<i32>(ofs + kk);
        const v = v128.load(o);
        const u = v128.load(o, 12);
        // L1 distance: byte-wise |v − c|, each pixel's three summed by pairwise widening adds
        const adv = i8x16.sub(i8x16.max_u(v, c), i8x16.min_u(v, c));
        const adu = i8x16.sub(i8x16.max_u(u, e), i8x16.min_u(u, e));
        const dv = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(adv, group)));
        const du = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(adu, group)));
        const w = f32x4.mul(colourOf(colour, dv), sp);
        const z = f32x4.mul(colourOf(colour, du), sp);
        ws = f32x4.add(ws, w);
        wt = f32x4.add(wt, z);
        const q = pp + <usize>load<i32>(ofs32 + kk);
        sa = f32x4.add(sa, f32x4.mul(v128.load(q), w));
        ta = f32x4.add(ta, f32x4.mul(v128.load(q, 16), z));
        sb = f32x4.add(sb, f32x4.mul(v128.load(q + pb), w));
        tb = f32x4.add(tb, f32x4.mul(v128.load(q + pb, 16), z));
        sc = f32x4.add(sc, f32x4.mul(v128.load(q + 2 * pb), w));
        tc = f32x4.add(tc, f32x4.mul(v128.load(q + 2 * pb, 16), z));
      }
      const dst = orow + <usize>(x * 3);
      count = finish3(sa, sb, sc, ws, mv, p, dst, list, count);
      count = finish3(ta, tb, tc, wt, mv, p + 12, dst + 12, list, count);
    }
    redone += redo3(list, count, ofs, space, n, colour);
  }
  return redone;
}

/**
 * Planar f32 copies of an interleaved 3-channel band: `rows` rows of `cols` pixels (row stride
 * `pw` bytes) to three planes of rows of `ppw` f32, plane c at planes + c·planeBytes.
 */
export function bilateralPlanes_u8(
  band: usize,
  pw: i32,
  rows: i32,
  cols: i32,
  planes: usize,
  ppw: i32,
  planeBytes: i32,
): void {
  const pb = <usize>planeBytes;
  const m0 = i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  const m1 = i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1);
  const m2 = i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  for (let y = 0; y < rows; y++) {
    const src = band + <usize>(y * pw);
    const dst = planes + ((<usize>(y * ppw)) << 2);
    // four pixels per step (up to three written past `cols`: the rows have room; 16 bytes read)
    for (let x = 0; x < cols; x += 4) {
      const v = v128.load(src + <usize>(x * 3));
      const d = dst + ((<usize>x) << 2);
      v128.store(d, f32x4.convert_i32x4_u(i8x16.swizzle(v, m0)));
      v128.store(d + pb, f32x4.convert_i32x4_u(i8x16.swizzle(v, m1)));
      v128.store(d + 2 * pb, f32x4.convert_i32x4_u(i8x16.swizzle(v, m2)));
    }
  }
}

/**
 * Four adjacent pixels of one channel, exactly as the reference (as exact4, with `ofs` = di·pw + dj and a 256-entry colour table). Writes 4 bytes at `dst`.
 */
function exact1(p: usize, ofs: usize, space: usize, n: i32, colour: usize, dst: usize): void {
  const u0 = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let ws = f32x4.splat(0);
  for (let k = 0; k < n; k++) {
    const kk = (<usize>k) << 2;
    const u = i32x4.extend_low_i16x8_u(
      i16x8.extend_low_i8x16_u(v128.load32_zero(p + <usize>load<i32>(ofs + kk))),
    );
    const d = i32x4.abs(i32x4.sub(u, u0));
    const w = f32x4.mul(colourOf(colour, d), f32x4.splat(load<f32>(space + kk)));
    ws = f32x4.add(ws, w);
    s0 = fma2(f64x2.convert_low_i32x4_s(u), f64x2.promote_low_f32x4(w), s0);
    s1 = fma2(f64x2.convert_low_i32x4_s(hi2(u)), f64x2.promote_low_f32x4(hi2(w)), s1);
  }
  const s = i64x2.shuffle(f32x4.demote_f64x2_zero(s0), f32x4.demote_f64x2_zero(s1), 0, 2);
  store1(dst, toInt(f32x4.div(s, ws)));
}

/** Four i32 lanes (0…255) as 4 bytes. */
function store1(dst: usize, q: v128): void {
  const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q, q), i16x8.narrow_i32x4_u(q, q));
  v128.store32_lane(dst, bytes, 0);
}

/**
 * One channel, eight pixels per step, with certified float32 sums as bilateralRows3c_u8
 * (values converted from the bytes; the reference divides, s / Σw): a group of four pixels
 * with a lane within `margin`·q (+2⁻²⁰) of a half-integer is recomputed exactly (exact1).
 * `ofs` = di·pw + dj; a 256-entry colour table. Returns how many groups were recomputed.
 */
export function bilateralRows1c_u8(
  band: usize,
  pw: i32,
  r: i32,
  rows: i32,
  width: i32,
  ofs: usize,
  space: usize,
  n: i32,
  colour: usize,
  out: usize,
  margin: f32,
): i32 {
  const mv = f32x4.splat(margin);
  let redone = 0;
  for (let y = 0; y < rows; y++) {
    const row = band + <usize>((y + r) * pw + r);
    const orow = out + <usize>(y * width);
    for (let x = 0; x < width; x += 8) {
      const p = row + <usize>x;
      const c = v128.load8x8_u(p);
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let ws = f32x4.splat(0);
      let wt = f32x4.splat(0);
      for (let k = 0; k < n; k++) {
        const kk = (<usize>k) << 2;
        const sp = f32x4.splat(load<f32>(space + kk));
        const v = v128.load8x8_u(p + <usize>load<i32>(ofs + kk));
        const d = i16x8.abs(i16x8.sub(v, c));
        const w = f32x4.mul(colourOf(colour, i32x4.extend_low_i16x8_u(d)), sp);
        const z = f32x4.mul(colourOf(colour, i32x4.extend_high_i16x8_u(d)), sp);
        ws = f32x4.add(ws, w);
        wt = f32x4.add(wt, z);
        s0 = f32x4.add(s0, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(v)), w));
        s1 = f32x4.add(s1, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(v)), z));
      }
      const dst = orow + <usize>x;
      const q0 = f32x4.div(s0, ws);
      if (v128.any_true(uncertain(q0, mv))) {
        exact1(p, ofs, space, n, colour, dst);
        redone++;
      } else {
        store1(dst, toInt(q0));
      }
      const q1 = f32x4.div(s1, wt);
      if (v128.any_true(uncertain(q1, mv))) {
        exact1(p + 4, ofs, space, n, colour, dst + 4);
        redone++;
      } else {
        store1(dst + 4, toInt(q1));
      }
    }
  }
  return redone;
}

/**
 * Rounds three channels' quotients of one group of four pixels and stores them; lists the pixels
 * whose rounding is not certain (entries from `count` on) for redo3. Returns the new count.
 */
function finish3(
  sa: v128,
  sb: v128,
  sc: v128,
  ws: v128,
  mv: v128,
  p: usize,
  dst: usize,
  list: usize,
  count: i32,
): i32 {
  const inv = f32x4.div(f32x4.splat(1), ws);
  const qa = f32x4.mul(sa, inv);
  const qb = f32x4.mul(sb, inv);
  const qc = f32x4.mul(sc, inv);
  store3(dst, toInt(qa), toInt(qb), toInt(qc));
  let lanes = i32x4.bitmask(v128.or(v128.or(uncertain(qa, mv), uncertain(qb, mv)), uncertain(qc, mv)));
  for (; lanes != 0; lanes &= lanes - 1) {
    const i = <usize>ctz(lanes) * 3;
    const e = list + ((<usize>count) << 3);
    store<u32>(e, <u32>(p + i));
    store<u32>(e, <u32>(dst + i), 4);
    count++;
  }
  return count;
}

/**
 * bilateralRows3c_u8 with each pair's weight computed once. The weight of the pair (p, p + f)
 * is fl32(space[f]·colour[d]) with d symmetric and space[f] = space[−f], so the weight pixel
 * p + f needs for offset −f is the one p computed for f. The disc's offsets in the reference's
 * order are nb "backward" ones (before the centre: di < 0, or di = 0 and dj < 0), the centre,
 * then nb "forward" ones, the forward offset at index n − 1 − k being minus the backward one
 * at k. For every row (the r rows above the band first) a weight pass stores the forward
 * weights w(p, p + f) in `wbuf`: plane j (forward offset nb + 1 + j) × ring slot (row mod
 * r + 1) × a tile row of `tile` + 2r + 8 f32 starting r pixels left of the tile. The sum pass
 * then reads every weight from there (a backward offset's at row y + di, column x + dj), the
 * centre's (d = 0: one constant) from a row of it after the ring (plane nb). Each pixel's sums run over the same weights in the same order as
 * bilateralRows3c_u8's, so the results are that loop's, bit for bit (and so certified the same
 * way). Columns are cut into tiles of `tile` pixels (a multiple of 8) so that the ring stays
 * in L2. `dij`: per offset (di, dj) as two i32; `kptr`: scratch for n i32; `list`: as
 * bilateralRows3c_u8's (recomputed after each row of a tile). `out` rows are `ostride` bytes
 * apart (a group may write up to 25 bytes past the row).
 */
export function bilateralRows3cPairs_u8(
  band: usize,
  pw: i32,
  r: i32,
  rows: i32,
  width: i32,
  ofs: usize,
  space: usize,
  n: i32,
  colour: usize,
  out: usize,
  ostride: i32,
  planes: usize,
  ppw: i32,
  planeBytes: i32,
  ofs32: usize,
  margin: f32,
  nb: i32,
  dij: usize,
  wbuf: usize,
  tile: i32,
  kptr: usize,
  list: usize,
): i32 {
  const group = i8x16(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const mv = f32x4.splat(margin);
  const pb = <usize>planeBytes;
  const f0 = nb + 1; // first forward offset (nb = (n − 1) / 2: the centre is offset nb)
  const slots = r + 1;
  const wrow = tile + 2 * r + 8; // f32 per ring row
  const wrowB = <usize>(wrow << 2);
  const planeB = wrowB * <usize>slots;
  // the centre's weight (d = 0) is the same for every pixel: a row of it after the ring
  const centre = wbuf + <usize>nb * planeB;
  const wc = load<f32>(colour) * load<f32>(space + ((<usize>nb) << 2));
  for (let x = 0; x < wrow; x++) store<f32>(centre + ((<usize>x) << 2), wc);
  let redone = 0;
  for (let x0 = 0; x0 < width; x0 += tile) {
    const x1 = min(width, x0 + tile);
    const hx = x1 - x0 + 2 * r; // weight-pass columns, from x0 − r
    for (let y = -r; y < rows; y++) {
      const slot = <usize>((y + slots * (r + 1)) % slots);
      // weight pass: forward weights of row y (its own sums need them, then rows y + 1 … y + r)
      {
        const row = band + <usize>((y + r) * pw + r * 3) + <usize>((x0 - r) * 3);
        const wr = wbuf + slot * wrowB;
        for (let x = 0; x < hx; x += 8) {
          const p = row + <usize>(x * 3);
          const c = v128.load(p);
          const e = v128.load(p, 12);
          let wp = wr + ((<usize>x) << 2);
          for (let k = f0; k < n; k++) {
            const kk = (<usize>k) << 2;
            const sp = f32x4.splat(load<f32>(space + kk));
            const o = p + <usize>load<i32>(ofs + kk);
            const v = v128.load(o);
            const u = v128.load(o, 12);
            const adv = i8x16.sub(i8x16.max_u(v, c), i8x16.min_u(v, c));
            const adu = i8x16.sub(i8x16.max_u(u, e), i8x16.min_u(u, e));
            const dv = i32x4.extadd_pairwise_i16x8_s(
              i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(adv, group)),
            );
            const du = i32x4.extadd_pairwise_i16x8_s(
              i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(adu, group)),
            );
            v128.store(wp, f32x4.mul(colourOf(colour, dv), sp));
            v128.store(wp, f32x4.mul(colourOf(colour, du), sp), 16);
            wp += planeB;
          }
        }
      }
      if (y < 0) continue;
      // where each backward and forward offset's weights of this row start (tile column 0)
      for (let k = 0; k < nb; k++) {
        const di = load<i32>(dij + ((<usize>k) << 3));
        const dj = load<i32>(dij + ((<usize>k) << 3), 4);
        const s = <usize>((y + di + slots * (r + 1)) % slots);
        store<i32>(
          kptr + ((<usize>k) << 2),
          <i32>(wbuf + <usize>(nb - 1 - k) * planeB + s * wrowB + ((<usize>(dj + r)) << 2)),
        );
      }
      store<i32>(kptr + ((<usize>nb) << 2), <i32>centre);
      for (let k = f0; k < n; k++) {
        store<i32>(
          kptr + ((<usize>k) << 2),
          <i32>(wbuf + <usize>(k - f0) * planeB + slot * wrowB + ((<usize>r) << 2)),
        );
      }
      // sum pass: row y of the tile, in the reference's offset order
      const row = band + <usize>((y + r) * pw + r * 3);
      const prow = planes + ((<usize>((y + r) * ppw + r)) << 2);
      const orow = out + <usize>(y * ostride);
      let count = 0;
      for (let x = x0; x < x1; x += 8) {
        const p = row + <usize>(x * 3);
        const pp = prow + ((<usize>x) << 2);
        const xw = (<usize>(x - x0)) << 2;
        let sa = f32x4.splat(0);
        let sb = f32x4.splat(0);
        let sc = f32x4.splat(0);
        let ws = f32x4.splat(0);
        let ta = f32x4.splat(0);
        let tb = f32x4.splat(0);
        let tc = f32x4.splat(0);
        let wt = f32x4.splat(0);
        for (let k = 0; k < n; k++) {
          const kk = (<usize>k) << 2;
          const wp = <usize>load<i32>(kptr + kk) + xw;
          const w = v128.load(wp);
          const z = v128.load(wp, 16);
          ws = f32x4.add(ws, w);
          wt = f32x4.add(wt, z);
          const q = pp + <usize>load<i32>(ofs32 + kk);
          sa = f32x4.add(sa, f32x4.mul(v128.load(q), w));
          ta = f32x4.add(ta, f32x4.mul(v128.load(q, 16), z));
          sb = f32x4.add(sb, f32x4.mul(v128.load(q + pb), w));
          tb = f32x4.add(tb, f32x4.mul(v128.load(q + pb, 16), z));
          sc = f32x4.add(sc, f32x4.mul(v128.load(q + 2 * pb), w));
          tc = f32x4.add(tc, f32x4.mul(v128.load(q + 2 * pb, 16), z));
        }
        const dst = orow + <usize>(x * 3);
        count = finish3(sa, sb, sc, ws, mv, p, dst, list, count);
        count = finish3(ta, tb, tc, wt, mv, p + 12, dst + 12, list, count);
      }
      redone += redo3(list, count, ofs, space, n, colour);
    }
  }
  return redone;
}
