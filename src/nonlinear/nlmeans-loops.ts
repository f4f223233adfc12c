/**
 * Non-local means inner loops, offset by offset ("integral images of patch distances",
 * Darbon et al. 2008, with running sums instead of full integral images).
 *
 * For one search offset δ = (dy, dx), the patch distance of pixel q is
 *   dist(q, δ) = Σ_{t ∈ template} Σ_c (P_c[q + t] − P_c[q + δ + t])²,
 * a box sum of squared differences: a running sum of column sums (the column sums move one
 * row down by adding the row that enters and subtracting the row that leaves). The distance
 * is symmetric — dist(q, δ) = dist(q + δ, −δ) — so each offset of one half-plane serves two
 * pixels: q gets the weight w times P[q + δ] and q + δ gets w times P[q]. Accumulators are
 * integers as in OpenCV's fastNlMeansDenoising, so results do not depend on the order.
 *
 * Planes are padded by B = search radius + template radius; P index of image pixel (y, x) is
 * (y + B)·PW + x + B. Kept apart from nlmeans.ts so another backend can replace them.
 */

/** Geometry shared by the loops. */
export interface NlmGeometry {
  readonly height: number;
  readonly width: number;
  /** Padded row width: width + 2·border. */
  readonly pw: number;
  /** Padding on every side: search radius + template radius. */
  readonly border: number;
  /** Template radius. */
  readonly th: number;
}

/**
 * Column segments of one offset's pairs (q, q + δ): q runs over [qx0, qx1) (the image's
 * columns and those of its partners' sources); within each segment the pixel q itself is
 * either in the image or not (`self`), and so is its partner q + δ (`part`).
 */
function columnSegments(width: number, dx: number) {
  const qx0 = Math.min(0, -dx);
  const qx1 = Math.max(width, width - dx);
  const cuts = [...new Set([qx0, 0, width, -dx, width - dx, qx1])]
    .filter((v) => v >= qx0 && v <= qx1)
    .sort((a, b) => a - b);
  const segs: { from: number; to: number; self: boolean; part: boolean }[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k];
    const to = cuts[k + 1];
    segs.push({ from, to, self: from >= 0 && to <= width, part: from >= -dx && to <= width - dx });
  }
  return { qx0, qx1, segs };
}

/**
 * Adds every pair (q, q + δ) with q in rows [qy0, qy1) of a one-channel uint8 image: weights
 * table[dist >> shift] into est (Σ w·value) and wsum (Σ w), both image-sized.
 */
export function nlmOffsetRows1(
  P: Uint8Array,
  g: NlmGeometry,
  dy: number,
  dx: number,
  qy0: number,
  qy1: number,
  table: Int32Array,
  shift: number,
  est: Int32Array,
  wsum: Int32Array,
  colSum: Int32Array,
): void {
  const { height: H, width: W, pw, border: B, th } = g;
  const off = dy * pw + dx;
  const s = columnSegments(W, dx);
  const c0 = s.qx0 - th + B;
  const c1 = s.qx1 + th + B;
  colSum.fill(0, c0, c1);
  for (let t = -th; t <= th; t++) {
    const base = (qy0 + t + B) * pw;
    for (let c = c0; c < c1; c++) {
      const d = P[base + c] - P[base + c + off];
      colSum[c] += d * d;
    }
  }
  for (let qy = qy0; qy < qy1; qy++) {
    if (qy > qy0) {
      const be = (qy + th + B) * pw;
      const bl = (qy - th - 1 + B) * pw;
      for (let c = c0; c < c1; c++) {
        const a = P[be + c] - P[be + c + off];
        const b = P[bl + c] - P[bl + c + off];
        colSum[c] += a * a - b * b;
      }
    }
    const selfRow = qy >= 0 && qy < H;
    const partRow = qy + dy >= 0 && qy + dy < H;
    const pq = (qy + B) * pw + B;
    const eq = qy * W;
    const ep = eq + dy * W + dx;
    let dist = 0;
    for (let c = s.qx0 - th + B; c < s.qx0 + th + B; c++) dist += colSum[c];
    for (const seg of s.segs) {
      const doSelf = selfRow && seg.self;
      const doPart = partRow && seg.part;
      const to = seg.to;
      for (let qx = seg.from; qx < to; qx++) {
        dist += colSum[qx + th + B];
        const w = table[dist >> shift];
        if (doSelf) {
          est[eq + qx] += w * P[pq + qx + off];
          wsum[eq + qx] += w;
        }
        if (doPart) {
          est[ep + qx] += w * P[pq + qx];
          wsum[ep + qx] += w;
        }
        dist -= colSum[qx - th + B];
      }
    }
  }
}

/**
 * As nlmOffsetRows1 for any number of channels and for uint16: distances summed over
 * channels in float64 (exact integers), the weight index `floor(dist · scale)` capped at the
 * table's last entry, est holding `channels` sums per pixel.
 */
export function nlmOffsetRowsN(
  P: readonly (Uint8Array | Uint16Array)[],
  g: NlmGeometry,
  dy: number,
  dx: number,
  qy0: number,
  qy1: number,
  table: Float64Array | Int32Array,
  scale: number,
  est: Float64Array | Int32Array,
  wsum: Float64Array | Int32Array,
  colSum: Float64Array,
): void {
  const { height: H, width: W, pw, border: B, th } = g;
  const cn = P.length;
  const last = table.length - 1;
  const off = dy * pw + dx;
  const s = columnSegments(W, dx);
  const c0 = s.qx0 - th + B;
  const c1 = s.qx1 + th + B;
  colSum.fill(0, c0, c1);
  for (let t = -th; t <= th; t++) {
    const base = (qy0 + t + B) * pw;
    for (let ch = 0; ch < cn; ch++) {
      const Q = P[ch];
      for (let c = c0; c < c1; c++) {
        const d = Q[base + c] - Q[base + c + off];
        colSum[c] += d * d;
      }
    }
  }
  for (let qy = qy0; qy < qy1; qy++) {
    if (qy > qy0) {
      const be = (qy + th + B) * pw;
      const bl = (qy - th - 1 + B) * pw;
      for (let ch = 0; ch < cn; ch++) {
        const Q = P[ch];
        for (let c = c0; c < c1; c++) {
          const a = Q[be + c] - Q[be + c + off];
          const b = Q[bl + c] - Q[bl + c + off];
          colSum[c] += a * a - b * b;
        }
      }
    }
    const selfRow = qy >= 0 && qy < H;
    const partRow = qy + dy >= 0 && qy + dy < H;
    const pq = (qy + B) * pw + B;
    const eq = qy * W;
    const ep = eq + dy * W + dx;
    let dist = 0;
    for (let c = s.qx0 - th + B; c < s.qx0 + th + B; c++) dist += colSum[c];
    for (const seg of s.segs) {
      const doSelf = selfRow && seg.self;
      const doPart = partRow && seg.part;
      const to = seg.to;
      for (let qx = seg.from; qx < to; qx++) {
        dist += colSum[qx + th + B];
        const i = Math.floor(dist * scale);
        const w = table[i < last ? i : last];
        if (w !== 0) {
          if (doSelf) {
            for (let ch = 0; ch < cn; ch++) est[(eq + qx) * cn + ch] += w * P[ch][pq + qx + off];
            wsum[eq + qx] += w;
          }
          if (doPart) {
            for (let ch = 0; ch < cn; ch++) est[(ep + qx) * cn + ch] += w * P[ch][pq + qx];
            wsum[ep + qx] += w;
          }
        }
        dist -= colSum[qx - th + B];
      }
    }
  }
}
