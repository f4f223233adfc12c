// Constant-time median of uint8 images with WebAssembly SIMD (Perreault & Hébert, "Median
// Filtering in Constant Time", IEEE TIP 2007) — the algorithm of
// src/nonlinear/median-histogram.ts (the reference, bit-identical) with 16-bit counts in
// v128 registers. Every padded column keeps a two-level histogram of the kh pixels under the
// window, stored as cumulative counts so that no prefix sum is needed when searching:
//  - coarse: 16 u16 lanes, lane t = pixels with value < 16·(t + 1) (two i16x8);
//  - fine: per coarse bin, two halves of 8 u16 lanes, lane i of half h of bin t = pixels with
//    value in [16t + 8h, 16t + 8h + i] (one i16x8 per half: a pixel entering or leaving a
//    column changes one vector, added or subtracted from a table of step masks).
// The window's coarse counts move right by one column added and one subtracted; the number
// of lanes ≤ rank is the coarse bin c holding the median (compare, bitmask, popcnt: no
// branch), and the largest such lane the count `below` it. The window's fine counts are kept
// for the coarse bin the previous output used in registers (the common case: one column in,
// one out) and for the others lazily, as in the paper (stamp: the output they were valid for).
// A window holds at most 65535 pixels here (src/nonlinear/median.ts sends larger windows
// elsewhere), so no count wraps.
//
// Measured on the 2-core AMD EPYC bench machine (Node 20), 1920×1080 gray, 45×45, one thread,
// CPU time: prefix sums of plain counts at search time 47 ms; cumulative counts 40 ms; fine
// counts of the current coarse bin in registers (no store/load round trip per output) 31 ms.
// Column updates are about 10 ms of that.

/**
 * Bytes of scratch medianHist8_u8 needs at `H` for `rowLen` padded columns and `C` channels.
 */
export function medianHistScratch(rowLen: i32, C: i32): i32 {
  return rowLen * (512 + 32) + C * (512 + 64) + 16 * 32 + 8 * 16;
}

/**
 * The kw×kh median (element of rank `rank`) of a uint8 image with `C` interleaved channels,
 * each filtered on its own. `P`: the padded band (height + kh − 1 rows of `rowLen` =
 * (width + kw − 1)·C bytes); output rows of `outLen` = width·C bytes at `out`. Window column j
 * of output byte b is padded byte b + j·C, so every padded byte position is a column with its
 * own histogram. The image is swept in vertical stripes of `stripe` output pixels, so the
 * stripe's fine histograms ((stripe + kw − 1)·C·512 bytes) stay in the core's L2 cache.
 * `H`: medianHistScratch(min(rowLen, (stripe + kw − 1)·C), C) bytes, 16-aligned.
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
  stripe: i32,
  H: usize,
  out: usize,
): void {
  const outW = outLen / C;
  for (let xs = 0; xs < outW; xs += stripe) {
    const w = min(stripe, outW - xs);
    medianStripe(
      P + <usize>(xs * C),
      rowLen,
      (w + kw - 1) * C,
      height,
      outLen,
      w,
      C,
      kw,
      kh,
      rank,
      H,
      out + <usize>(xs * C),
    );
  }
}

function medianStripe(
  P: usize,
  rowLen: i32,
  ncol: i32,
  height: i32,
  outLen: i32,
  outW: i32,
  C: i32,
  kw: i32,
  kh: i32,
  rank: i32,
  H: usize,
  out: usize,
): void {
  const fine = H;
  const coarse = fine + <usize>(ncol << 9);
  const kf = coarse + <usize>(ncol << 5);
  const stamp = kf + <usize>(C << 9);
  const steps = stamp + <usize>(C << 6);
  const steps8 = steps + 16 * 32;
  // steps[t]: 16 u16 lanes, lane i = 1 where i ≥ t (adding it counts a value of coarse bin t
  // in every cumulative count from bin t on); steps8[t] the same over 8 lanes for the fine halves
  for (let t = 0; t < 16; t++)
    for (let i = 0; i < 16; i++) store<u16>(steps + <usize>((t << 5) + (i << 1)), i >= t ? 1 : 0);
  for (let t = 0; t < 8; t++)
    for (let i = 0; i < 8; i++) store<u16>(steps8 + <usize>((t << 4) + (i << 1)), i >= t ? 1 : 0);
  memory.fill(fine, 0, <usize>(ncol * (512 + 32)));
  for (let r = 0; r < kh; r++) {
    const row = P + <usize>(r * rowLen);
    for (let x = 0; x < ncol; x++) {
      const v = <usize>load<u8>(row + <usize>x);
      const cb = coarse + ((<usize>x) << 5);
      const mc = steps + ((v >> 4) << 5);
      v128.store(cb, i16x8.add(v128.load(cb), v128.load(mc)));
      v128.store(cb, i16x8.add(v128.load(cb, 16), v128.load(mc, 16)), 16);
      const fb = fine + ((<usize>x) << 9) + ((v >> 3) << 4);
      v128.store(fb, i16x8.add(v128.load(fb), v128.load(steps8 + ((v & 7) << 4))));
    }
  }
  const lim = i16x8.splat(<i16>rank);
  for (let r = 0; r < height; r++) {
    if (r > 0) {
      // column histograms follow the window one row down (u = d leaves them unchanged)
      const up = P + <usize>((r - 1) * rowLen);
      const down = P + <usize>((r + kh - 1) * rowLen);
      for (let x = 0; x < ncol; x++) {
        const u = <usize>load<u8>(up + <usize>x);
        const d = <usize>load<u8>(down + <usize>x);
        const cb = coarse + ((<usize>x) << 5);
        const mu = steps + ((u >> 4) << 5);
        const md = steps + ((d >> 4) << 5);
        v128.store(cb, i16x8.sub(i16x8.add(v128.load(cb), v128.load(md)), v128.load(mu)));
        v128.store(cb, i16x8.sub(i16x8.add(v128.load(cb, 16), v128.load(md, 16)), v128.load(mu, 16)), 16);
        const fb = fine + ((<usize>x) << 9);
        const fu = fb + ((u >> 3) << 4);
        v128.store(fu, i16x8.sub(v128.load(fu), v128.load(steps8 + ((u & 7) << 4))));
        const fd = fb + ((d >> 3) << 4);
        v128.store(fd, i16x8.add(v128.load(fd), v128.load(steps8 + ((d & 7) << 4))));
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
      // the coarse bin whose fine bins are in f0, f1 (for output x − 1); −1: none yet
      let cc = -1;
      let f0 = i64x2.splat(0);
      let f1 = i64x2.splat(0);
      for (let x = 0; x < outW; x++) {
        if (x > 0) {
          const ap = coarse + ((<usize>(ch + (x + kw - 1) * C)) << 5);
          const sp = coarse + ((<usize>(ch + (x - 1) * C)) << 5);
          h0 = i16x8.sub(i16x8.add(h0, v128.load(ap)), v128.load(sp));
          h1 = i16x8.sub(i16x8.add(h1, v128.load(ap, 16)), v128.load(sp, 16));
        }
        // coarse bin c: the number of cumulative counts ≤ rank; `below` the count under it
        const le0 = i16x8.le_u(h0, lim);
        const le1 = i16x8.le_u(h1, lim);
        const c = popcnt<i32>(i16x8.bitmask(le0) | (i16x8.bitmask(le1) << 8));
        // `below` in every lane: the largest cumulative count ≤ rank (counts only grow)
        let b = i16x8.max_u(v128.and(h0, le0), v128.and(h1, le1));
        b = i16x8.max_u(b, i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
        b = i16x8.max_u(b, i8x16.shuffle(b, b, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
        b = i16x8.max_u(b, i8x16.shuffle(b, b, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
        const seg = (<usize>c) << 5;
        if (c === cc) {
          // the common case: the median stays in the coarse bin of the previous output
          const fa = fine + ((<usize>(ch + (x + kw - 1) * C)) << 9) + seg;
          const fs = fine + ((<usize>(ch + (x - 1) * C)) << 9) + seg;
          f0 = i16x8.sub(i16x8.add(f0, v128.load(fa)), v128.load(fs));
          f1 = i16x8.sub(i16x8.add(f1, v128.load(fa, 16)), v128.load(fs, 16));
        } else {
          if (cc >= 0) {
            // park the bins of the previous coarse bin, valid for output x − 1
            const kp = kfc + ((<usize>cc) << 5);
            v128.store(kp, f0);
            v128.store(kp, f1, 16);
            store<i32>(st + ((<usize>cc) << 2), x - 1);
          }
          const s = load<i32>(st + ((<usize>c) << 2));
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
          cc = c;
        }
        const lim2 = i16x8.sub(lim, b);
        const g1 = i16x8.add(f1, i16x8.splat(<i16>i16x8.extract_lane_u(f0, 7)));
        const v = popcnt<i32>(
          i16x8.bitmask(i16x8.le_u(f0, lim2)) | (i16x8.bitmask(i16x8.le_u(g1, lim2)) << 8),
        );
        store<u8>(o + <usize>(x * C + ch), (c << 4) + v);
      }
    }
  }
}
