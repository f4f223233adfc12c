// Non-local means of uint8 gray images (AssemblyScript → WebAssembly SIMD), one search offset
// δ at a time as in src/nonlinear/nlmeans-loops.ts: column sums of squared differences slid
// row by row, their 7-wide (T-wide) sums along the row, the integer weight looked up, integer
// accumulators. All arithmetic is exact i32, so the result is bit-identical to the
// plain-TypeScript loops whatever the order.
//
// Vectors run past the ends of rows (buffers have slack); the extra lanes are never used.

/** colSum[c] += (a[c] − b[c])² for c < count (rounded up to 8). */
export function nlmColAdd_u8(colSum: usize, a: usize, b: usize, count: i32): void {
  for (let k = 0; k < count; k += 8) {
    const x = i16x8.sub(v128.load8x8_u(a + <usize>k), v128.load8x8_u(b + <usize>k));
    const d = colSum + ((<usize>k) << 2);
    v128.store(d, i32x4.add(v128.load(d), i32x4.extmul_low_i16x8_s(x, x)));
    v128.store(d, i32x4.add(v128.load(d, 16), i32x4.extmul_high_i16x8_s(x, x)), 16);
  }
}

/** colSum[c] += (ea[c] − eb[c])² − (la[c] − lb[c])² for c < count (rounded up to 8). */
export function nlmColSlide_u8(colSum: usize, ea: usize, eb: usize, la: usize, lb: usize, count: i32): void {
  for (let k = 0; k < count; k += 8) {
    const kk = <usize>k;
    const x = i16x8.sub(v128.load8x8_u(ea + kk), v128.load8x8_u(eb + kk));
    const y = i16x8.sub(v128.load8x8_u(la + kk), v128.load8x8_u(lb + kk));
    const d = colSum + (kk << 2);
    const lo = i32x4.sub(i32x4.extmul_low_i16x8_s(x, x), i32x4.extmul_low_i16x8_s(y, y));
    const hi = i32x4.sub(i32x4.extmul_high_i16x8_s(x, x), i32x4.extmul_high_i16x8_s(y, y));
    v128.store(d, i32x4.add(v128.load(d), lo));
    v128.store(d, i32x4.add(v128.load(d, 16), hi), 16);
  }
}

function weightOf(table: usize, i: v128): v128 {
  let r = i32x4.splat(load<i32>(table + ((<usize>i32x4.extract_lane(i, 0)) << 2)));
  r = i32x4.replace_lane(r, 1, load<i32>(table + ((<usize>i32x4.extract_lane(i, 1)) << 2)));
  r = i32x4.replace_lane(r, 2, load<i32>(table + ((<usize>i32x4.extract_lane(i, 2)) << 2)));
  return i32x4.replace_lane(r, 3, load<i32>(table + ((<usize>i32x4.extract_lane(i, 3)) << 2)));
}

/**
 * w[i] = table[min(Σ_{j<T} colSum[i + j] ≫ shift, last)] for i < count (rounded up to 4):
 * the template distance of each pixel and its weight. Entries past `last` are all 0.
 */
export function nlmWeights_u8(
  colSum: usize,
  T: i32,
  count: i32,
  shift: i32,
  table: usize,
  last: i32,
  w: usize,
): void {
  const cap = i32x4.splat(last);
  if (T == 7) {
    for (let i = 0; i < count; i += 4) {
      const c = colSum + ((<usize>i) << 2);
      const s = i32x4.add(
        i32x4.add(i32x4.add(v128.load(c), v128.load(c, 4)), i32x4.add(v128.load(c, 8), v128.load(c, 12))),
        i32x4.add(i32x4.add(v128.load(c, 16), v128.load(c, 20)), v128.load(c, 24)),
      );
      const idx = i32x4.min_u(i32x4.shr_u(s, shift), cap);
      v128.store(w + ((<usize>i) << 2), weightOf(table, idx));
    }
  } else {
    for (let i = 0; i < count; i += 4) {
      const c = colSum + ((<usize>i) << 2);
      let s = v128.load(c);
      for (let j = 1; j < T; j++) s = i32x4.add(s, v128.load(c + ((<usize>j) << 2)));
      const idx = i32x4.min_u(i32x4.shr_u(s, shift), cap);
      v128.store(w + ((<usize>i) << 2), weightOf(table, idx));
    }
  }
}

/** est[i] += w[i]·src[i], wsum[i] += w[i] for i < count (rounded up to 4). */
export function nlmAccumulate_u8(est: usize, wsum: usize, w: usize, src: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const o = (<usize>i) << 2;
    const wv = v128.load(w + o);
    const v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>i)));
    v128.store(est + o, i32x4.add(v128.load(est + o), i32x4.mul(wv, v)));
    v128.store(wsum + o, i32x4.add(v128.load(wsum + o), wv));
  }
}

/** est[i] = w0·src[i], wsum[i] = w0 for i < count (rounded up to 4): the offset (0, 0). */
export function nlmStart_u8(est: usize, wsum: usize, w0: i32, src: usize, count: i32): void {
  const wv = i32x4.splat(w0);
  for (let i = 0; i < count; i += 4) {
    const o = (<usize>i) << 2;
    const v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>i)));
    v128.store(est + o, i32x4.mul(wv, v));
    v128.store(wsum + o, wv);
  }
}

/** out[i] = ⌊(est[i] + ⌊wsum[i]/2⌋) / wsum[i]⌋ for i < count (unsigned: est + wsum/2 < 2³²). */
export function nlmFinish_u8(est: usize, wsum: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const o = (<usize>i) << 2;
    const ws = load<u32>(wsum + o);
    store<u8>(out + <usize>i, <u8>((load<u32>(est + o) + (ws >> 1)) / ws));
  }
}

// Two interleaved channels (the a*, b* planes of colour images, compared together): the same
// steps with each pixel's two squared differences summed by one dot product, and two
// accumulators per pixel (est interleaved like the image).

/** colSum[c] += Σ_ch (a[2c + ch] − b[2c + ch])² for pixels c < count (rounded up to 4). */
export function nlmColAdd2_u8(colSum: usize, a: usize, b: usize, count: i32): void {
  for (let k = 0; k < count; k += 4) {
    const x = i16x8.sub(v128.load8x8_u(a + ((<usize>k) << 1)), v128.load8x8_u(b + ((<usize>k) << 1)));
    const d = colSum + ((<usize>k) << 2);
    v128.store(d, i32x4.add(v128.load(d), i32x4.dot_i16x8_s(x, x)));
  }
}

/** The slide of nlmColAdd2_u8: + entering row (ea, eb), − leaving row (la, lb). */
export function nlmColSlide2_u8(colSum: usize, ea: usize, eb: usize, la: usize, lb: usize, count: i32): void {
  for (let k = 0; k < count; k += 4) {
    const kk = (<usize>k) << 1;
    const x = i16x8.sub(v128.load8x8_u(ea + kk), v128.load8x8_u(eb + kk));
    const y = i16x8.sub(v128.load8x8_u(la + kk), v128.load8x8_u(lb + kk));
    const d = colSum + ((<usize>k) << 2);
    v128.store(d, i32x4.add(v128.load(d), i32x4.sub(i32x4.dot_i16x8_s(x, x), i32x4.dot_i16x8_s(y, y))));
  }
}

/** est[2i + ch] += w[i]·src[2i + ch], wsum[i] += w[i] for pixels i < count (rounded up to 4). */
export function nlmAccumulate2_u8(est: usize, wsum: usize, w: usize, src: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const o = (<usize>i) << 2;
    const wv = v128.load(w + o);
    const v = v128.load8x8_u(src + ((<usize>i) << 1));
    const e = est + (o << 1);
    const wl = i32x4.shuffle(wv, wv, 0, 0, 1, 1);
    const wh = i32x4.shuffle(wv, wv, 2, 2, 3, 3);
    v128.store(e, i32x4.add(v128.load(e), i32x4.mul(wl, i32x4.extend_low_i16x8_u(v))));
    v128.store(e, i32x4.add(v128.load(e, 16), i32x4.mul(wh, i32x4.extend_high_i16x8_u(v))), 16);
    v128.store(wsum + o, i32x4.add(v128.load(wsum + o), wv));
  }
}

/** The offset (0, 0) for two channels: est = w0·src, wsum = w0. */
export function nlmStart2_u8(est: usize, wsum: usize, w0: i32, src: usize, count: i32): void {
  const wv = i32x4.splat(w0);
  for (let i = 0; i < count; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load8x8_u(src + ((<usize>i) << 1));
    v128.store(est + (o << 1), i32x4.mul(wv, i32x4.extend_low_i16x8_u(v)));
    v128.store(est + (o << 1), i32x4.mul(wv, i32x4.extend_high_i16x8_u(v)), 16);
    v128.store(wsum + o, wv);
  }
}

/** out[2i + ch] = ⌊(est[2i + ch] + ⌊wsum[i]/2⌋) / wsum[i]⌋ for pixels i < count. */
export function nlmFinish2_u8(est: usize, wsum: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const ws = load<u32>(wsum + ((<usize>i) << 2));
    const e = est + ((<usize>i) << 3);
    store<u8>(out + ((<usize>i) << 1), <u8>((load<u32>(e) + (ws >> 1)) / ws));
    store<u8>(out + ((<usize>i) << 1) + 1, <u8>((load<u32>(e, 4) + (ws >> 1)) / ws));
  }
}

/**
 * Every pair (q, q + δ), δ = (dy, dx), of one band (output rows [y0, y1)) for `C` = 1 or 2
 * interleaved channels, as src/nonlinear/nlmeans-simd.ts describes: the column sums over
 * q rows [y0 − dy, y1), the weights, and the two accumulations. `band`: padded rows of `pw`
 * bytes, image row y at band + (y − y0 + B)·pw + B·C; `est` (C per pixel) and `wsum` rows of
 * `ew` pixels; scratch `colSum` and `wrow` (see the runner for their sizes). One call per
 * offset instead of four per row keeps the JavaScript ↔ WebAssembly calls out of the loop.
 */
export function nlmOffset_u8(
  band: usize,
  pw: i32,
  C: i32,
  B: i32,
  y0: i32,
  y1: i32,
  dy: i32,
  dx: i32,
  th: i32,
  W: i32,
  est: usize,
  wsum: usize,
  ew: i32,
  colSum: usize,
  wrow: usize,
  table: usize,
  last: i32,
  shift: i32,
): void {
  const T = 2 * th + 1;
  const off = dy * pw + dx * C;
  const qx0 = dx > 0 ? -dx : 0;
  const count = W + (dx > 0 ? dx : -dx) + 8;
  const c0 = (qx0 - th) * C;
  const ccount = count + T + 4;
  memory.fill(colSum, 0, <usize>(((ccount + 7) & ~7) << 2));
  const base = <i32>band + (B - y0) * pw + B * C; // image row y at base + y·pw
  const qs = y0 - dy;
  for (let t = -th; t <= th; t++) {
    const a = base + (qs + t) * pw + c0;
    if (C == 1) nlmColAdd_u8(colSum, <usize>a, <usize>(a + off), ccount);
    else nlmColAdd2_u8(colSum, <usize>a, <usize>(a + off), ccount);
  }
  const estRow = ew * 4 * C;
  const wsRow = ew * 4;
  for (let qy = qs; qy < y1; qy++) {
    if (qy > qs) {
      const e = base + (qy + th) * pw + c0;
      const l = base + (qy - th - 1) * pw + c0;
      if (C == 1) nlmColSlide_u8(colSum, <usize>e, <usize>(e + off), <usize>l, <usize>(l + off), ccount);
      else nlmColSlide2_u8(colSum, <usize>e, <usize>(e + off), <usize>l, <usize>(l + off), ccount);
    }
    nlmWeights_u8(colSum, T, count, shift, table, last, wrow);
    if (qy >= y0) {
      const e = est + <usize>((qy - y0) * estRow);
      const s = wsum + <usize>((qy - y0) * wsRow);
      const w = <usize>(<i32>wrow - qx0 * 4);
      const src = <usize>(base + (qy + dy) * pw + dx * C);
      if (C == 1) nlmAccumulate_u8(e, s, w, src, W);
      else nlmAccumulate2_u8(e, s, w, src, W);
    }
    if (qy + dy < y1) {
      const e = est + <usize>((qy + dy - y0) * estRow);
      const s = wsum + <usize>((qy + dy - y0) * wsRow);
      const w = <usize>(<i32>wrow + (-dx - qx0) * 4);
      const src = <usize>(base + qy * pw - dx * C);
      if (C == 1) nlmAccumulate_u8(e, s, w, src, W);
      else nlmAccumulate2_u8(e, s, w, src, W);
    }
  }
}
