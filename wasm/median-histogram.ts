// Constant-time median of uint8 images with WebAssembly SIMD (Perreault & Hébert, "Median
// Filtering in Constant Time", IEEE TIP 2007) — the algorithm of
// src/nonlinear/median-histogram.ts with 16-bit bins in v128 registers:
//  - every padded column keeps a two-level histogram of the kh pixels under the window:
//    16 coarse bins (high nibble, 32 bytes = two i16x8) and 256 fine bins (512 bytes);
//  - the window's coarse histogram moves right with one column added and one subtracted
//    (2 + 2 vector operations), its prefix sums (three shifted adds per vector) compared with
//    the rank give the coarse bin holding the median without a branch (bitmask + popcnt);
//  - the window's fine bins are kept only for the coarse bins the median visits and brought
//    up to date lazily (stamp: the output column they were last valid for), as in the paper;
//    the fine bin is found with the same prefix-sum compare.
// Bins are u16: a window holds at most 65535 pixels here (src/nonlinear/median.ts sends
// larger windows elsewhere), so no count or prefix sum wraps.

function prefix16(v: v128): v128 {
  // inclusive prefix sums of 8 u16 lanes: lane i += lane i−1, i−2, i−4
  const z = i64x2.splat(0);
  v = i16x8.add(v, i8x16.shuffle(z, v, 0, 1, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29));
  v = i16x8.add(v, i8x16.shuffle(z, v, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27));
  v = i16x8.add(v, i8x16.shuffle(z, v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  return v;
}

/**
 * Bytes of scratch medianHist8_u8 needs at `H` for `rowLen` padded columns and `C` channels.
 */
export function medianHistScratch(rowLen: i32, C: i32): i32 {
  return rowLen * (512 + 32) + C * (512 + 64) + 64;
}

/**
 * The kw×kh median (element of rank `rank`) of a uint8 image with `C` interleaved channels,
 * each filtered on its own. `P`: the padded band (height + kh − 1 rows of `rowLen` =
 * (width + kw − 1)·C bytes); output rows of `outLen` = width·C bytes at `out`. Window column j
 * of output byte b is padded byte b + j·C, so every padded byte position is a column with its
 * own histogram. `H`: medianHistScratch(rowLen, C) bytes, 16-aligned.
 */
export function medianHist8_u8(
  P: usize,
  rowLen: i32,
  height: i32,
  outLen: i32,
  C: i32,
  kw: i32,
  kh: i32,
  rank: i32,
  H: usize,
  out: usize,
): void {
  const fine = H;
  const coarse = fine + <usize>(rowLen << 9);
  const kf = coarse + <usize>(rowLen << 5);
  const stamp = kf + <usize>(C << 9);
  const tmp = stamp + <usize>(C << 6);
  memory.fill(fine, 0, <usize>(rowLen * (512 + 32)));
  for (let r = 0; r < kh; r++) {
    const row = P + <usize>(r * rowLen);
    for (let x = 0; x < rowLen; x++) {
      const v = <usize>load<u8>(row + <usize>x);
      const f = fine + ((<usize>x) << 9) + (v << 1);
      store<u16>(f, load<u16>(f) + 1);
      const c = coarse + ((<usize>x) << 5) + ((v >> 4) << 1);
      store<u16>(c, load<u16>(c) + 1);
    }
  }
  const outW = outLen / C;
  const lim = i16x8.splat(<i16>rank);
  for (let r = 0; r < height; r++) {
    if (r > 0) {
      // column histograms follow the window one row down (u = d leaves them unchanged)
      const up = P + <usize>((r - 1) * rowLen);
      const down = P + <usize>((r + kh - 1) * rowLen);
      for (let x = 0; x < rowLen; x++) {
        const u = <usize>load<u8>(up + <usize>x);
        const d = <usize>load<u8>(down + <usize>x);
        const fb = fine + ((<usize>x) << 9);
        const cb = coarse + ((<usize>x) << 5);
        store<u16>(fb + (u << 1), load<u16>(fb + (u << 1)) - 1);
        store<u16>(fb + (d << 1), load<u16>(fb + (d << 1)) + 1);
        store<u16>(cb + ((u >> 4) << 1), load<u16>(cb + ((u >> 4) << 1)) - 1);
        store<u16>(cb + ((d >> 4) << 1), load<u16>(cb + ((d >> 4) << 1)) + 1);
      }
    }
    const o = out + <usize>(r * outLen);
    for (let ch = 0; ch < C; ch++) {
      let h0 = i64x2.splat(0);
      let h1 = i64x2.splat(0);
      for (let j = 0; j < kw; j++) {
        const cp = coarse + ((<usize>(ch + j * C)) << 5);
        h0 = i16x8.add(h0, v128.load(cp));
        h1 = i16x8.add(h1, v128.load(cp, 16));
      }
      const kfc = kf + ((<usize>ch) << 9);
      const st = stamp + ((<usize>ch) << 6);
      // every fine segment starts stale: rebuilt on first use
      for (let c = 0; c < 16; c++) store<i32>(st + ((<usize>c) << 2), -kw - 1);
      for (let x = 0; x < outW; x++) {
        if (x > 0) {
          const ap = coarse + ((<usize>(ch + (x + kw - 1) * C)) << 5);
          const sp = coarse + ((<usize>(ch + (x - 1) * C)) << 5);
          h0 = i16x8.sub(i16x8.add(h0, v128.load(ap)), v128.load(sp));
          h1 = i16x8.sub(i16x8.add(h1, v128.load(ap, 16)), v128.load(sp, 16));
        }
        // coarse bin c: the number of prefix sums ≤ rank; `below` the count under it
        const p0 = prefix16(h0);
        const p1 = i16x8.add(prefix16(h1), i16x8.splat(<i16>i16x8.extract_lane_u(p0, 7)));
        const c = popcnt<i32>(i16x8.bitmask(i16x8.le_u(p0, lim)) | (i16x8.bitmask(i16x8.le_u(p1, lim)) << 8));
        v128.store(tmp, p0);
        v128.store(tmp, p1, 16);
        const below: i32 = c > 0 ? <i32>load<u16>(tmp + ((<usize>(c - 1)) << 1)) : 0;
        const seg = (<usize>c) << 5;
        const sc = st + ((<usize>c) << 2);
        const s = load<i32>(sc);
        let f0: v128;
        let f1: v128;
        if (2 * (x - s) >= kw) {
          f0 = i64x2.splat(0);
          f1 = i64x2.splat(0);
          for (let j = x; j < x + kw; j++) {
            const fp = fine + ((<usize>(ch + j * C)) << 9) + seg;
            f0 = i16x8.add(f0, v128.load(fp));
            f1 = i16x8.add(f1, v128.load(fp, 16));
          }
        } else {
          f0 = v128.load(kfc + seg);
          f1 = v128.load(kfc + seg, 16);
          for (let j = s; j < x; j++) {
            const fa = fine + ((<usize>(ch + (j + kw) * C)) << 9) + seg;
            const fs = fine + ((<usize>(ch + j * C)) << 9) + seg;
            f0 = i16x8.sub(i16x8.add(f0, v128.load(fa)), v128.load(fs));
            f1 = i16x8.sub(i16x8.add(f1, v128.load(fa, 16)), v128.load(fs, 16));
          }
        }
        v128.store(kfc + seg, f0);
        v128.store(kfc + seg, f1, 16);
        store<i32>(sc, x);
        const lim2 = i16x8.splat(<i16>(rank - below));
        const q0 = prefix16(f0);
        const q1 = i16x8.add(prefix16(f1), i16x8.splat(<i16>i16x8.extract_lane_u(q0, 7)));
        const v = popcnt<i32>(
          i16x8.bitmask(i16x8.le_u(q0, lim2)) | (i16x8.bitmask(i16x8.le_u(q1, lim2)) << 8),
        );
        store<u8>(o + <usize>(x * C + ch), (c << 4) + v);
      }
    }
  }
}
