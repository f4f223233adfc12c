/**
 * Bilateral filter inner loops. Each computes one output row from channel planes padded by
 * the radius (P[c], row width pw): for the centre index p and every window offset k,
 *
 *   d = Σ_c |P[c][p + ofs[k]] − P[c][p]|          (L1 colour distance)
 *   w = space[k] · colour(d)
 *   y_c = Σ_k w · P[c][p + ofs[k]] / Σ_k w
 *
 * Integer images look the colour weight up by d (a table of exp(−d²/(2σc²)) per grey level)
 * and accumulate in float32 with fused multiply-adds, as OpenCV's SIMD loop does, so uint8
 * results match it bit for bit (Math.fround rounds each step; a product of a uint8 and a
 * float32 is exact in float64, so fround(v·w + s) is the float32 FMA);
 * float images interpolate in a 4096-bins-per-channel table over the image's value range, as
 * OpenCV does (there the centre is left out of the loop and added with weight 1).
 * Kept apart from bilateral.ts so another backend can replace them.
 */
import { roundHalfEven } from '../core/cast.js';

const fround = Math.fround;

export type IntPlanes = readonly (Uint8Array | Uint16Array)[];
export type FloatPlanes = readonly (Float32Array | Float64Array)[];

/**
 * Integer output, one channel. Two pixels per iteration: their float32 sums are independent
 * chains, so the CPU overlaps them (~20% faster than one at a time; each pixel's arithmetic
 * and order are unchanged).
 */
export function bilateralRowInt1(
  P: Uint8Array | Uint16Array,
  p: number,
  ofs: Int32Array,
  space: Float64Array,
  colour: Float64Array,
  out: Uint8Array | Uint16Array,
  o: number,
  width: number,
): void {
  const n = ofs.length;
  let x = 0;
  for (; x + 1 < width; x += 2, p += 2) {
    const u0 = P[p];
    const v0 = P[p + 1];
    let su = 0;
    let wu = 0;
    let sv = 0;
    let wv = 0;
    for (let k = 0; k < n; k++) {
      const q = p + ofs[k];
      const sw = space[k];
      const u = P[q];
      const v = P[q + 1];
      const du = u - u0;
      const dv = v - v0;
      const a = fround(sw * colour[(du ^ (du >> 31)) - (du >> 31)]);
      const b = fround(sw * colour[(dv ^ (dv >> 31)) - (dv >> 31)]);
      su = fround(u * a + su);
      wu = fround(wu + a);
      sv = fround(v * b + sv);
      wv = fround(wv + b);
    }
    out[o + x] = roundHalfEven(fround(su / wu));
    out[o + x + 1] = roundHalfEven(fround(sv / wv));
  }
  // an odd last pixel: the general loop does the same arithmetic
  if (x < width) bilateralRowIntN([P], p, ofs, space, colour, out, o + x, 1, new Float64Array(1));
}

/** Integer output, three channels (interleaved output, stride 3); two pixels per iteration. */
export function bilateralRowInt3(
  P: IntPlanes,
  p: number,
  ofs: Int32Array,
  space: Float64Array,
  colour: Float64Array,
  out: Uint8Array | Uint16Array,
  o: number,
  width: number,
): void {
  const P0 = P[0];
  const P1 = P[1];
  const P2 = P[2];
  const n = ofs.length;
  let x = 0;
  for (; x + 1 < width; x += 2, p += 2, o += 6) {
    const a0 = P0[p];
    const b0 = P1[p];
    const c0 = P2[p];
    const a1 = P0[p + 1];
    const b1 = P1[p + 1];
    const c1 = P2[p + 1];
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let ws = 0;
    let ta = 0;
    let tb = 0;
    let tc = 0;
    let wt = 0;
    for (let k = 0; k < n; k++) {
      const q = p + ofs[k];
      const sw = space[k];
      const a = P0[q];
      const b = P1[q];
      const c = P2[q];
      const e = P0[q + 1];
      const f = P1[q + 1];
      const g = P2[q + 1];
      let da = a - a0;
      let db = b - b0;
      let dc = c - c0;
      const d0 =
        (da ^ (da >> 31)) - (da >> 31) + ((db ^ (db >> 31)) - (db >> 31)) + ((dc ^ (dc >> 31)) - (dc >> 31));
      da = e - a1;
      db = f - b1;
      dc = g - c1;
      const d1 =
        (da ^ (da >> 31)) - (da >> 31) + ((db ^ (db >> 31)) - (db >> 31)) + ((dc ^ (dc >> 31)) - (dc >> 31));
      const w = fround(sw * colour[d0]);
      const v = fround(sw * colour[d1]);
      sa = fround(a * w + sa);
      sb = fround(b * w + sb);
      sc = fround(c * w + sc);
      ws = fround(ws + w);
      ta = fround(e * v + ta);
      tb = fround(f * v + tb);
      tc = fround(g * v + tc);
      wt = fround(wt + v);
    }
    let inv = fround(1 / ws);
    out[o] = roundHalfEven(fround(sa * inv));
    out[o + 1] = roundHalfEven(fround(sb * inv));
    out[o + 2] = roundHalfEven(fround(sc * inv));
    inv = fround(1 / wt);
    out[o + 3] = roundHalfEven(fround(ta * inv));
    out[o + 4] = roundHalfEven(fround(tb * inv));
    out[o + 5] = roundHalfEven(fround(tc * inv));
  }
  if (x < width) bilateralRowIntN(P, p, ofs, space, colour, out, o, 1, new Float64Array(3));
}

/** Integer output, any number of channels (interleaved output, stride = channels); the reference. */
export function bilateralRowIntN(
  P: IntPlanes,
  p: number,
  ofs: Int32Array,
  space: Float64Array,
  colour: Float64Array,
  out: Uint8Array | Uint16Array,
  o: number,
  width: number,
  acc: Float64Array,
): void {
  const cn = P.length;
  const n = ofs.length;
  for (let x = 0; x < width; x++, p++, o += cn) {
    acc.fill(0);
    let wsum = 0;
    for (let k = 0; k < n; k++) {
      const q = p + ofs[k];
      let d = 0;
      for (let c = 0; c < cn; c++) d += Math.abs(P[c][q] - P[c][p]);
      const w = fround(space[k] * colour[d]);
      for (let c = 0; c < cn; c++) acc[c] = fround(P[c][q] * w + acc[c]);
      wsum = fround(wsum + w);
    }
    // OpenCV divides for one channel and multiplies by the reciprocal for colour
    if (cn === 1) {
      out[o] = roundHalfEven(fround(acc[0] / wsum));
    } else {
      const inv = fround(1 / wsum);
      for (let c = 0; c < cn; c++) out[o + c] = roundHalfEven(fround(acc[c] * inv));
    }
  }
}

/**
 * Float output, any number of channels. The colour weight is interpolated linearly in
 * `lut` at d·scale; `ofs` leaves out the centre, which is added with weight 1.
 */
export function bilateralRowFloat(
  P: FloatPlanes,
  p: number,
  ofs: Int32Array,
  space: Float64Array,
  lut: Float64Array,
  scale: number,
  out: Float32Array | Float64Array,
  o: number,
  width: number,
  acc: Float64Array,
): void {
  const cn = P.length;
  const n = ofs.length;
  for (let x = 0; x < width; x++, p++, o += cn) {
    for (let c = 0; c < cn; c++) acc[c] = P[c][p];
    let wsum = 1;
    for (let k = 0; k < n; k++) {
      const q = p + ofs[k];
      let d = 0;
      for (let c = 0; c < cn; c++) d += Math.abs(P[c][q] - P[c][p]);
      const t = d * scale;
      const i = Math.floor(t);
      const f = t - i;
      const w = space[k] * (lut[i] + f * (lut[i + 1] - lut[i]));
      for (let c = 0; c < cn; c++) acc[c] += P[c][q] * w;
      wsum += w;
    }
    for (let c = 0; c < cn; c++) out[o + c] = acc[c] / wsum;
  }
}
