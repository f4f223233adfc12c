/**
 * The `winograd` plan: Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2015) for
 * 3×3 convolutions with stride 1 and dilation 1. Each 2×2 block of outputs is computed
 * from a 4×4 input tile d as
 *
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
 *
 * with 16 multiplications instead of 36. Over channels the ⊙ becomes 16 matrix products
 * U_ξ (Og×Cg) · V_ξ (Cg×tiles), one per tile position ξ, run by the same `gemm()` as
 * the im2col plan: 2.25× fewer multiply-adds. The transforms only add, subtract and halve,
 * so float64 results agree with the direct sums to ~1e-15 relative (tested).
 *
 * The input gradient of a stride-1 convolution is itself a stride-1 convolution of gy with
 * the flipped, channel-transposed weights (padding 2 − p), so it runs here too. The weight
 * gradient is F(3×3, 2×2), the same identity differentiated with respect to g:
 *
 *   gw = Gᵀ [ Σ_tiles (A gy_block Aᵀ) ⊙ (Bᵀ d B) ] G
 *
 * (a sum over tiles and images of 16 products Z_ξ (Og×T) · V_ξᵀ (T×Cg)).
 */
import { gemm } from './gemm.js';
import type { ConvGeometry, FloatArray } from './geometry.js';
import { forwardGemm, inputGradGemm, weightGradGemm } from './plan-gemm.js';
import {
  addImageSums,
  forwardWinogradSimd,
  weightGradWinogradSimd,
  winogradSimdUsable,
} from './winograd-simd.js';

/** True when F(2×2, 3×3) applies: 3×3 kernel, stride 1, dilation 1. */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1;
}

/** True when the input gradient can run as a Winograd forward pass (padding ≤ 2 on every side). */
export function winogradInputGradApplies(g: ConvGeometry): boolean {
  return winogradApplies(g) && g.pt <= 2 && g.pb <= 2 && g.pl <= 2 && g.pr <= 2;
}

/** U = G g Gᵀ for every (o, c): 16 matrices of O×Cg, ξ-major (u[ξ·O·Cg + o·Cg + c]). */
function transformWeights(g: ConvGeometry, w: FloatArray): Float64Array {
  const { o: O, cg } = g;
  const u = new Float64Array(16 * O * cg);
  const t = new Float64Array(12);
  const stride = O * cg;
  for (let oc = 0; oc < O; oc++) {
    for (let c = 0; c < cg; c++) {
      const k = (oc * cg + c) * 9;
      // t = G g (4×3): rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 of the kernel's columns
      for (let j = 0; j < 3; j++) {
        const g0 = w[k + j];
        const g1 = w[k + 3 + j];
        const g2 = w[k + 6 + j];
        t[j] = g0;
        t[3 + j] = 0.5 * (g0 + g1 + g2);
        t[6 + j] = 0.5 * (g0 - g1 + g2);
        t[9 + j] = g2;
      }
      // U = t Gᵀ (4×4)
      const base = oc * cg + c;
      for (let i = 0; i < 4; i++) {
        const a = t[3 * i];
        const b = t[3 * i + 1];
        const d = t[3 * i + 2];
        u[4 * i * stride + base] = a;
        u[(4 * i + 1) * stride + base] = 0.5 * (a + b + d);
        u[(4 * i + 2) * stride + base] = 0.5 * (a - b + d);
        u[(4 * i + 3) * stride + base] = d;
      }
    }
  }
  return u;
}

/**
 * V_ξ[c, t] = (Bᵀ d B)[ξ] for the 4×4 input tile d of channel c at tile t (its top-left at
 * (2·ty − pt, 2·tx − pl); zeros outside the input), for image n and group grp: 16 matrices
 * of Cg×T, ξ-major. Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
 */
function transformInput(
  g: ConvGeometry,
  x: FloatArray,
  n: number,
  grp: number,
  th: number,
  tw: number,
  v: Float64Array,
): void {
  const { h, w: width, cg, pt, pl } = g;
  const plane = h * width;
  const T = th * tw;
  const d = new Float64Array(16);
  for (let c = 0; c < cg; c++) {
    const src = (n * g.c + grp * cg + c) * plane;
    for (let ty = 0; ty < th; ty++) {
      const y0 = 2 * ty - pt;
      for (let tx = 0; tx < tw; tx++) {
        const x0 = 2 * tx - pl;
        const inside = y0 >= 0 && y0 + 4 <= h && x0 >= 0 && x0 + 4 <= width;
        for (let i = 0; i < 4; i++) {
          const iy = y0 + i;
          const row = src + iy * width;
          for (let j = 0; j < 4; j++) {
            const ix = x0 + j;
            d[4 * i + j] = inside || (iy >= 0 && iy < h && ix >= 0 && ix < width) ? x[row + ix] : 0;
          }
        }
        // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then (·) B on columns alike.
        for (let j = 0; j < 4; j++) {
          const a0 = d[j];
          const a1 = d[4 + j];
          const a2 = d[8 + j];
          const a3 = d[12 + j];
          d[j] = a0 - a2;
          d[4 + j] = a1 + a2;
          d[8 + j] = a2 - a1;
          d[12 + j] = a1 - a3;
        }
        const t = ty * tw + tx;
        const col = c * T + t;
        const vs = cg * T;
        for (let i = 0; i < 4; i++) {
          const a0 = d[4 * i];
          const a1 = d[4 * i + 1];
          const a2 = d[4 * i + 2];
          const a3 = d[4 * i + 3];
          v[4 * i * vs + col] = a0 - a2;
          v[(4 * i + 1) * vs + col] = a1 + a2;
          v[(4 * i + 2) * vs + col] = a2 - a1;
          v[(4 * i + 3) * vs + col] = a1 - a3;
        }
      }
    }
  }
}

/**
 * y[n0..n1) = conv2d(x, w) + bias for a geometry where `winogradApplies` (overwritten).
 * float32 operands run on WebAssembly SIMD (winograd-simd.ts), which checks each image's
 * input itself and hands an image holding NaN or ±Infinity to `fallback` (the gemm plan);
 * on the plain path the caller has checked the operands (run.ts).
 */
export function forwardWinograd(
  g: ConvGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  n0 = 0,
  n1 = g.n,
  fallback: (n: number) => void = (n) => forwardGemm(g, x, w, bias, y, n, n + 1),
): void {
  const { oh, ow, cg, og } = g;
  const th = (oh + 1) >> 1;
  const tw = (ow + 1) >> 1;
  const T = th * tw;
  const u = transformWeights(g, w);
  if (winogradSimdUsable(x, y)) {
    forwardWinogradSimd(g, x, u, bias, y, n0, n1, fallback);
    return;
  }
  const uStride = g.o * cg;
  const v = new Float64Array(16 * cg * T);
  const m = new Float64Array(16 * og * T);
  const mm = gemm();
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      transformInput(g, x, n, grp, th, tw, v);
      // M_ξ (Og×T) = U_ξ (group rows) · V_ξ
      for (let xi = 0; xi < 16; xi++) {
        mm(
          false,
          false,
          og,
          T,
          cg,
          u,
          xi * uStride + grp * og * cg,
          cg,
          v,
          xi * cg * T,
          T,
          m,
          xi * og * T,
          T,
          false,
        );
      }
      // Y = Aᵀ M A on each tile; Aᵀ = [1 1 1 0; 0 1 −1 −1].
      for (let oc = 0; oc < og; oc++) {
        const ch = grp * og + oc;
        const b = bias ? bias[ch] : 0;
        const dst = (n * g.o + ch) * oh * ow;
        for (let ty = 0; ty < th; ty++) {
          for (let tx = 0; tx < tw; tx++) {
            const base = oc * T + ty * tw + tx;
            const s = og * T;
            // R = Aᵀ M (2×4), M[i][j] = m_ξ with ξ = 4i + j
            const m0 = m[base],
              m1 = m[s + base],
              m2 = m[2 * s + base],
              m3 = m[3 * s + base];
            const m4 = m[4 * s + base],
              m5 = m[5 * s + base],
              m6 = m[6 * s + base],
              m7 = m[7 * s + base];
            const m8 = m[8 * s + base],
              m9 = m[9 * s + base],
              m10 = m[10 * s + base],
              m11 = m[11 * s + base];
            const m12 = m[12 * s + base],
              m13 = m[13 * s + base],
              m14 = m[14 * s + base],
              m15 = m[15 * s + base];
            const r00 = m0 + m4 + m8;
            const r01 = m1 + m5 + m9;
            const r02 = m2 + m6 + m10;
            const r03 = m3 + m7 + m11;
            const r10 = m4 - m8 - m12;
            const r11 = m5 - m9 - m13;
            const r12 = m6 - m10 - m14;
            const r13 = m7 - m11 - m15;
            const p = 2 * ty;
            const q = 2 * tx;
            const o0 = dst + p * ow + q;
            y[o0] = r00 + r01 + r02 + b;
            if (q + 1 < ow) y[o0 + 1] = r01 - r02 - r03 + b;
            if (p + 1 < oh) {
              y[o0 + ow] = r10 + r11 + r12 + b;
              if (q + 1 < ow) y[o0 + ow + 1] = r11 - r12 - r13 + b;
            }
          }
        }
      }
    }
  }
}

/**
 * gx[n0..n1) = conv2d's input gradient for a geometry where `winogradInputGradApplies`:
 * the stride-1 correlation of gy, padded by 2 − p, with w flipped in both axes and its
 * in/out channels swapped (overwritten).
 */
export function inputGradWinograd(
  g: ConvGeometry,
  gy: FloatArray,
  w: FloatArray,
  gx: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { cg, og, groups } = g;
  const wt = new Float64Array(w.length);
  for (let grp = 0; grp < groups; grp++)
    for (let oc = 0; oc < og; oc++)
      for (let c = 0; c < cg; c++) {
        const src = ((grp * og + oc) * cg + c) * 9;
        const dst = ((grp * cg + c) * og + oc) * 9;
        for (let k = 0; k < 9; k++) wt[dst + k] = w[src + 8 - k];
      }
  const back: ConvGeometry = {
    ...g,
    c: g.o,
    h: g.oh,
    w: g.ow,
    o: g.c,
    oh: g.h,
    ow: g.w,
    cg: og,
    og: cg,
    pt: 2 - g.pt,
    pb: 2 - g.pb,
    pl: 2 - g.pl,
    pr: 2 - g.pr,
  };
  forwardWinograd(back, gy, wt, null, gx, n0, n1, (n) => inputGradGemm(g, gy, w, gx, n, n + 1));
}

/**
 * gw = conv2d's weight gradient summed over images n0 ≤ n < n1, for a geometry where
 * `winogradApplies` (overwritten). Only output channels o0 ≤ o − grp·Og < o1 of each group are
 * written (threads.ts splits the channels between threads; the default is all of them). A gy
 * block past the output's last row or column is 0.
 */
export function weightGradWinograd(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  gw: FloatArray,
  n0 = 0,
  n1 = g.n,
  o0 = 0,
  o1 = g.og,
): void {
  const m = new Float64Array(16 * g.o * g.cg);
  if (winogradSimdUsable(x, gy)) {
    if (!weightGradWinogradSimd(g, x, gy, addImageSums(g, m, o0, o1 - o0), n0, n1, o0, o1)) {
      // NaN or ±Infinity: Winograd's transforms would spread it; the gemm plan keeps it where it belongs.
      weightGradRows(g, gw, o0, o1, (all) => weightGradGemm(g, x, gy, all, n0, n1));
      return;
    }
  } else weightGradSums(g, x, gy, m, n0, n1);
  finishWeightGrad(g, m, gw, o0, o1);
}

/**
 * Runs `full` (a weight-gradient pass over all channels) and keeps output channels
 * o0 ≤ o − grp·Og < o1 of each group in gw; the rest of gw is not touched.
 */
export function weightGradRows(
  g: ConvGeometry,
  gw: FloatArray,
  o0: number,
  o1: number,
  full: (all: FloatArray) => void,
): void {
  if (o0 <= 0 && o1 >= g.og) {
    full(gw);
    return;
  }
  const all = new Float64Array(gw.length);
  full(all);
  const row = g.cg * g.kh * g.kw;
  for (let grp = 0; grp < g.groups; grp++) {
    const a = (grp * g.og + o0) * row;
    const b = (grp * g.og + o1) * row;
    gw.set(all.subarray(a, b), a);
  }
}

/** m[ξ·O·Cg + o·Cg + c] = Σ over images and tiles of Z_ξ[o, t]·V_ξ[c, t] (float64, all channels). */
function weightGradSums(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  m: Float64Array,
  n0: number,
  n1: number,
): void {
  const { oh, ow, cg, og, o: O } = g;
  const th = (oh + 1) >> 1;
  const tw = (ow + 1) >> 1;
  const T = th * tw;
  const v = new Float64Array(16 * cg * T);
  const z = new Float64Array(16 * og * T);
  const zs = og * T;
  const mm = gemm();
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      transformInput(g, x, n, grp, th, tw, v);
      // Z_ξ[o, t] = (A e Aᵀ)[ξ] for the 2×2 gy block e of tile t; A = [1 0; 1 1; 1 −1; 0 −1].
      for (let oc = 0; oc < og; oc++) {
        const src = (n * O + grp * og + oc) * oh * ow;
        for (let ty = 0; ty < th; ty++) {
          const p = 2 * ty;
          const lastRow = p + 1 >= oh;
          for (let tx = 0; tx < tw; tx++) {
            const q = 2 * tx;
            const lastCol = q + 1 >= ow;
            const k = src + p * ow + q;
            const e00 = gy[k];
            const e01 = lastCol ? 0 : gy[k + 1];
            const e10 = lastRow ? 0 : gy[k + ow];
            const e11 = lastRow || lastCol ? 0 : gy[k + ow + 1];
            const col = oc * T + ty * tw + tx;
            // Rows of A e (4×2): (e00, e01), (e00 + e10, e01 + e11), (e00 − e10, e01 − e11), (−e10, −e11);
            // each row (a, b) times Aᵀ gives (a, a + b, a − b, −b).
            zRow(z, col, zs, 0, e00, e01);
            zRow(z, col, zs, 1, e00 + e10, e01 + e11);
            zRow(z, col, zs, 2, e00 - e10, e01 - e11);
            zRow(z, col, zs, 3, -e10, -e11);
          }
        }
      }
      // M_ξ (Og×Cg) += Z_ξ · V_ξᵀ
      for (let xi = 0; xi < 16; xi++) {
        mm(
          false,
          true,
          og,
          cg,
          T,
          z,
          xi * zs,
          T,
          v,
          xi * cg * T,
          T,
          m,
          xi * O * cg + grp * og * cg,
          cg,
          n > n0,
        );
      }
    }
  }
}

/** gw[o, c] = Gᵀ M G for output channels o0 ≤ o − grp·Og < o1, with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]. */
export function finishWeightGrad(
  g: ConvGeometry,
  m: Float64Array,
  gw: FloatArray,
  o0: number,
  o1: number,
): void {
  const { cg, og, o: O } = g;
  const ms = O * cg;
  const t = new Float64Array(12);
  for (let oc = 0; oc < O; oc++) {
    const within = oc % og;
    if (within < o0 || within >= o1) continue;
    for (let c = 0; c < cg; c++) {
      const base = oc * cg + c;
      for (let j = 0; j < 4; j++) {
        const m0 = m[j * ms + base];
        const m1 = m[(4 + j) * ms + base];
        const m2 = m[(8 + j) * ms + base];
        const m3 = m[(12 + j) * ms + base];
        t[j] = m0 + 0.5 * (m1 + m2);
        t[4 + j] = 0.5 * (m1 - m2);
        t[8 + j] = 0.5 * (m1 + m2) + m3;
      }
      const dst = base * 9;
      for (let i = 0; i < 3; i++) {
        const a0 = t[4 * i];
        const a1 = t[4 * i + 1];
        const a2 = t[4 * i + 2];
        const a3 = t[4 * i + 3];
        gw[dst + 3 * i] = a0 + 0.5 * (a1 + a2);
        gw[dst + 3 * i + 1] = 0.5 * (a1 - a2);
        gw[dst + 3 * i + 2] = 0.5 * (a1 + a2) + a3;
      }
    }
  }
}

/** Row i of A e Aᵀ from row i of A e, (a, b): stores (a, a + b, a − b, −b) at ξ = 4i … 4i + 3. */
function zRow(z: Float64Array, col: number, zs: number, i: number, a: number, b: number): void {
  z[4 * i * zs + col] = a;
  z[(4 * i + 1) * zs + col] = a + b;
  z[(4 * i + 2) * zs + col] = a - b;
  z[(4 * i + 3) * zs + col] = -b;
}
