/**
 * Constant-time median for uint8 (Perreault & Hébert, "Median Filtering in Constant Time",
 * IEEE TIP 2007): every padded column keeps a histogram of the kh pixels under the window
 * (one pixel enters and one leaves per output row), and the window's histogram moves right
 * by adding one column histogram and subtracting another. Histograms have two levels —
 * 16 coarse bins (high nibble) kept exact, 256 fine bins brought up to date only for the
 * coarse bin that holds the median — so the cost per pixel does not grow with the window.
 */

/**
 * Median (element of rank `rank` of the kw×kh window) of a whole padded uint8 plane P
 * (row width pw, (outH + kh − 1) rows), written to out[o + (r·outW + x)·stride].
 * `onRow` is called after every output row.
 */
export function medianPlaneHistogram8(
  P: Uint8Array,
  pw: number,
  kw: number,
  kh: number,
  rank: number,
  out: Uint8Array,
  o: number,
  stride: number,
  outW: number,
  outH: number,
  onRow: () => void,
): void {
  const fine = new Uint16Array(pw * 256);
  const coarse = new Uint16Array(pw * 16);
  const kc = new Int32Array(16);
  const kf = new Int32Array(256);
  const stamp = new Int32Array(16);
  for (let r = 0; r < kh; r++) addRow(P, r * pw, pw, fine, coarse, 1);
  for (let r = 0; r < outH; r++) {
    if (r > 0) moveColumns(P, (r - 1) * pw, (r + kh - 1) * pw, pw, fine, coarse);
    medianRowHistogram8(fine, coarse, kc, kf, stamp, kw, rank, out, o + r * outW * stride, stride, outW);
    onRow();
  }
}

function addRow(
  P: Uint8Array,
  b: number,
  pw: number,
  fine: Uint16Array,
  coarse: Uint16Array,
  delta: number,
): void {
  for (let x = 0; x < pw; x++) {
    const v = P[b + x];
    fine[(x << 8) + v] += delta;
    coarse[(x << 4) + (v >> 4)] += delta;
  }
}

/** Column histograms follow the window one row down: row `up` leaves, row `down` enters. */
function moveColumns(
  P: Uint8Array,
  up: number,
  down: number,
  pw: number,
  fine: Uint16Array,
  coarse: Uint16Array,
): void {
  for (let x = 0; x < pw; x++) {
    const u = P[up + x];
    const d = P[down + x];
    if (u === d) continue;
    fine[(x << 8) + u]--;
    coarse[(x << 4) + (u >> 4)]--;
    fine[(x << 8) + d]++;
    coarse[(x << 4) + (d >> 4)]++;
  }
}

/** One output row from the column histograms of the rows under the window. */
function medianRowHistogram8(
  fine: Uint16Array,
  coarse: Uint16Array,
  kc: Int32Array,
  kf: Int32Array,
  stamp: Int32Array,
  kw: number,
  rank: number,
  out: Uint8Array,
  o: number,
  stride: number,
  outW: number,
): void {
  kc.fill(0);
  for (let j = 0; j < kw; j++) {
    const cb = j << 4;
    for (let c = 0; c < 16; c++) kc[c] += coarse[cb + c];
  }
  // every fine segment starts stale: recomputed on first use
  stamp.fill(-kw - 1);
  for (let x = 0; x < outW; x++) {
    if (x > 0) {
      const add = (x + kw - 1) << 4;
      const sub = (x - 1) << 4;
      for (let c = 0; c < 16; c++) kc[c] += coarse[add + c] - coarse[sub + c];
    }
    let c = 0;
    let below = 0;
    while (below + kc[c] <= rank) below += kc[c++];
    const seg = c << 4;
    const s = stamp[c];
    if (2 * (x - s) >= kw) {
      for (let v = 0; v < 16; v++) kf[seg + v] = 0;
      for (let j = x; j < x + kw; j++) {
        const f = (j << 8) + seg;
        for (let v = 0; v < 16; v++) kf[seg + v] += fine[f + v];
      }
    } else {
      for (let j = s; j < x; j++) {
        const fa = ((j + kw) << 8) + seg;
        const fs = (j << 8) + seg;
        for (let v = 0; v < 16; v++) kf[seg + v] += fine[fa + v] - fine[fs + v];
      }
    }
    stamp[c] = x;
    let v = seg;
    below += kf[v];
    while (below <= rank) below += kf[++v];
    out[o + x * stride] = v;
  }
}
