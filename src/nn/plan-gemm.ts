/**
 * The `gemm` plan: every pass of conv2d as im2col/col2im plus one matrix product per
 * image and channel group (K = Cg·kh·kw, P = Ho·Wo):
 *
 *   forward      Y_g (Og×P)  = W_g (Og×K) · cols(x)_g (K×P)
 *   grad_input   dcols (K×P) = W_gᵀ (K×Og) · GY_g (Og×P);  gx = col2im(dcols)
 *                — the transposed convolution; conv_transpose2d runs exactly this code
 *   grad_weight  GW_g (Og×K) += GY_g (Og×P) · cols(x)_gᵀ (P×K)
 *
 * Each function handles images n0 ≤ n < n1, so that worker threads can split a batch.
 * The matrix product is whatever `gemm()` currently returns (see gemm.ts).
 */
import { gemm } from './gemm.js';
import type { ConvGeometry, FloatArray } from './geometry.js';
import { col2im, im2col, isPointwise } from './im2col.js';

/** The product's sizes: K = Cg·kh·kw, P = Ho·Wo; `pointwise`: cols would be the input itself. */
function sizes(g: ConvGeometry) {
  return { K: g.cg * g.kh * g.kw, P: g.oh * g.ow, plane: g.h * g.w, pointwise: isPointwise(g) };
}

function scratch(like: FloatArray, n: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** y[n0..n1) = conv2d(x, w) + bias (overwritten). */
export function forwardGemm(
  g: ConvGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { K, P, plane, pointwise: direct } = sizes(g);
  const cols = direct ? x : scratch(x, K * P);
  const mm = gemm();
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOff = (n * g.c + grp * g.cg) * plane;
      if (!direct) im2col(g, x, xOff, cols);
      const yOff = (n * g.o + grp * g.og) * P;
      mm(false, false, g.og, P, K, w, grp * g.og * K, K, cols, direct ? xOff : 0, P, y, yOff, P, false);
    }
    if (bias) {
      for (let oc = 0; oc < g.o; oc++) {
        const b = bias[oc];
        const base = (n * g.o + oc) * P;
        for (let k = 0; k < P; k++) y[base + k] += b;
      }
    }
  }
}

/**
 * gx[n0..n1) = the transposed convolution of gy with w (overwritten): the input
 * gradient of conv2d, and conv_transpose2d itself.
 */
export function inputGradGemm(
  g: ConvGeometry,
  gy: FloatArray,
  w: FloatArray,
  gx: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { K, P, plane, pointwise: direct } = sizes(g);
  const dcols = direct ? gx : scratch(gx, K * P);
  const mm = gemm();
  for (let n = n0; n < n1; n++) {
    const xOff = n * g.c * plane;
    if (!direct) gx.fill(0, xOff, xOff + g.c * plane);
    for (let grp = 0; grp < g.groups; grp++) {
      const gyOff = (n * g.o + grp * g.og) * P;
      const gxOff = xOff + grp * g.cg * plane;
      mm(true, false, K, P, g.og, w, grp * g.og * K, K, gy, gyOff, P, dcols, direct ? gxOff : 0, P, false);
      if (!direct) col2im(g, dcols, gx, gxOff);
    }
  }
}

/** gw = Σ_{n0 ≤ n < n1} GY_n · cols(x_n)ᵀ (overwritten). */
export function weightGradGemm(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  gw: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { K, P, plane, pointwise: direct } = sizes(g);
  const cols = direct ? x : scratch(x, K * P);
  const mm = gemm();
  // Sums over the batch run in float64 even for a float32 gw: rounded once, at the end.
  const acc = gw instanceof Float64Array ? gw : new Float64Array(gw.length);
  if (n1 <= n0) acc.fill(0);
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOff = (n * g.c + grp * g.cg) * plane;
      if (!direct) im2col(g, x, xOff, cols);
      const gyOff = (n * g.o + grp * g.og) * P;
      mm(false, true, g.og, K, P, gy, gyOff, P, cols, direct ? xOff : 0, P, acc, grp * g.og * K, K, n > n0);
    }
  }
  if (acc !== gw) gw.set(acc);
}
