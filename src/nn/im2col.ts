/**
 * im2col and its adjoint col2im: the data movement that turns a convolution into a
 * matrix product.
 *
 * For one image and one channel group, column matrix row r = (c·kh + i)·kw + j (the same
 * order as the weight's c, i, j) and column s = p·Wo + q hold
 *
 *   cols[r, s] = x[c, p·sh − pt + i·dh, q·sw − pl + j·dw]     (0 outside the input)
 *
 * so that y_group = W_group (Og × Cg·kh·kw) · cols. `col2im` adds every cols[r, s] back to
 * the pixel it came from: it is the transpose of im2col, and the heart of the input
 * gradient and of the transposed convolution.
 */
import type { ConvGeometry, FloatArray } from './geometry.js';

/** First and last output column q whose tap j lands inside the input row (q ≤ last). */
function columnRange(g: ConvGeometry, j: number): [number, number] {
  const shift = g.pl - j * g.dw;
  const first = Math.max(0, Math.ceil(shift / g.sw));
  const last = Math.min(g.ow - 1, Math.floor((g.w - 1 + shift) / g.sw));
  return [first, last];
}

/**
 * Fills cols (Cg·kh·kw × Ho·Wo) from the Cg input planes starting at x[xOff].
 */
export function im2col(g: ConvGeometry, x: FloatArray, xOff: number, cols: FloatArray): void {
  const { h, w, oh, ow, kh, kw, sh, sw, dh, pt, pl } = g;
  const plane = h * w;
  const spatial = oh * ow;
  let row = 0;
  for (let c = 0; c < g.cg; c++) {
    const src = xOff + c * plane;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const [q0, q1] = columnRange(g, j);
        const colShift = j * g.dw - pl;
        let d = row * spatial;
        for (let p = 0; p < oh; p++, d += ow) {
          const iy = p * sh - pt + i * dh;
          if (iy < 0 || iy >= h || q0 > q1) {
            cols.fill(0, d, d + ow);
            continue;
          }
          for (let q = 0; q < q0; q++) cols[d + q] = 0;
          const s = src + iy * w + colShift;
          if (sw === 1) {
            for (let q = q0; q <= q1; q++) cols[d + q] = x[s + q];
          } else {
            for (let q = q0; q <= q1; q++) cols[d + q] = x[s + q * sw];
          }
          for (let q = q1 + 1; q < ow; q++) cols[d + q] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: x[c, iy, ix] += cols[r, s] for every (r, s) that im2col read
 * from (c, iy, ix). Positions in the padding are dropped.
 */
export function col2im(g: ConvGeometry, cols: FloatArray, x: FloatArray, xOff: number): void {
  const { h, w, oh, ow, kh, kw, sh, sw, dh, pt, pl } = g;
  const plane = h * w;
  const spatial = oh * ow;
  let row = 0;
  for (let c = 0; c < g.cg; c++) {
    const dst = xOff + c * plane;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const [q0, q1] = columnRange(g, j);
        if (q0 > q1) continue;
        const colShift = j * g.dw - pl;
        let s = row * spatial;
        for (let p = 0; p < oh; p++, s += ow) {
          const iy = p * sh - pt + i * dh;
          if (iy < 0 || iy >= h) continue;
          const d = dst + iy * w + colShift;
          if (sw === 1) {
            for (let q = q0; q <= q1; q++) x[d + q] += cols[s + q];
          } else {
            for (let q = q0; q <= q1; q++) x[d + q * sw] += cols[s + q];
          }
        }
      }
    }
  }
}

/** True when cols would equal the input planes themselves (1×1 kernel, stride 1, no padding). */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.pt + g.pb + g.pl + g.pr === 0;
}
