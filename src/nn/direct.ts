/**
 * The `direct` plan: conv2d forward and backward as plain loops over the definitions.
 * They are the reference the `gemm` plan is tested against, and they spell out which
 * gradient is which kind of operation:
 *
 *   forward      y[o, p, q]  = Σ_c Σ_i Σ_j  w[o, c, i, j] · x[c, p·sh − pt + i·dh, q·sw − pl + j·dw]
 *                              (cross-correlation of x with w)
 *   grad_input   gx[c, u, v] = Σ_o Σ_i Σ_j  w[o, c, i, j] · gy[o, (u + pt − i·dh)/sh, (v + pl − j·dw)/sw]
 *                              (terms with a non-integer or out-of-range index are 0). The
 *                              gy index falls as i grows: this is a *convolution* — the kernel
 *                              is flipped — of gy, spread out by the stride, with w, "full"
 *                              because every gy pixel any tap reaches contributes.
 *   grad_weight  gw[o, c, i, j] = Σ_n Σ_p Σ_q  gy[n, o, p, q] · x[n, c, p·sh − pt + i·dh, q·sw − pl + j·dw]
 *                              (a *valid cross-correlation* of the padded input with gy, taps
 *                              spaced by the stride: no flip)
 *   grad_bias    gb[o] = Σ_n Σ_p Σ_q gy[n, o, p, q]
 *
 * Accumulation is in float64; the sum runs in the order written. Padding is explicit zeros:
 * when a weight (forward) or an output gradient (weight gradient) is NaN or ±Infinity, its
 * products with the padding are NaN, as in PyTorch and the gemm plan.
 */
import type { ConvGeometry, FloatArray } from './geometry.js';

/** y (N×O×Ho×Wo) = conv2d(x, w) + bias; y is overwritten. */
export function forwardDirect(
  g: ConvGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { c, h, w: width, o, oh, ow, kh, kw, cg, og, sh, sw, dh, dw, pt, pl } = g;
  // Padding is explicit zeros: a non-finite tap that lands on it gives NaN (0·∞), as in PyTorch.
  const zeros = !allFinite(w);
  for (let n = n0; n < n1; n++) {
    for (let oc = 0; oc < o; oc++) {
      const c0 = Math.floor(oc / og) * cg;
      const b = bias ? bias[oc] : 0;
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          let s = 0;
          for (let ci = 0; ci < cg; ci++) {
            const xPlane = (n * c + c0 + ci) * h * width;
            const wBase = (oc * cg + ci) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const iy = p * sh - pt + i * dh;
              const rowIn = iy >= 0 && iy < h;
              if (!rowIn && !zeros) continue;
              for (let j = 0; j < kw; j++) {
                const ix = q * sw - pl + j * dw;
                if (rowIn && ix >= 0 && ix < width) s += w[wBase + i * kw + j] * x[xPlane + iy * width + ix];
                else if (zeros) s += w[wBase + i * kw + j] * 0;
              }
            }
          }
          y[((n * o + oc) * oh + p) * ow + q] = s + b;
        }
      }
    }
  }
}

/**
 * gx (N×C×H×W) = the gradient of Σ gy·conv2d(x, w) with respect to x, gathered per input
 * pixel as the full convolution above; gx is overwritten. With the geometry of a
 * transposed convolution this *is* conv_transpose2d.
 */
export function inputGradDirect(
  g: ConvGeometry,
  gy: FloatArray,
  w: FloatArray,
  gx: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { c, h, w: width, o, oh, ow, kh, kw, cg, og, sh, sw, dh, dw, pt, pl } = g;
  for (let n = n0; n < n1; n++) {
    for (let ch = 0; ch < c; ch++) {
      const grp = Math.floor(ch / cg);
      const ci = ch - grp * cg;
      for (let u = 0; u < h; u++) {
        for (let v = 0; v < width; v++) {
          let s = 0;
          for (let oc = grp * og; oc < (grp + 1) * og; oc++) {
            const gyPlane = (n * o + oc) * oh * ow;
            const wBase = (oc * cg + ci) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const ty = u + pt - i * dh;
              if (ty < 0 || ty % sh !== 0) continue;
              const p = ty / sh;
              if (p >= oh) continue;
              for (let j = 0; j < kw; j++) {
                const tx = v + pl - j * dw;
                if (tx < 0 || tx % sw !== 0) continue;
                const q = tx / sw;
                if (q >= ow) continue;
                s += w[wBase + i * kw + j] * gy[gyPlane + p * ow + q];
              }
            }
          }
          gx[((n * c + ch) * h + u) * width + v] = s;
        }
      }
    }
  }
}

/**
 * gw (O×Cg×kh×kw) = the valid cross-correlation of the padded x with gy, summed over
 * images n0 ≤ n < n1; overwritten.
 */
export function weightGradDirect(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  gw: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  const { c, h, w: width, o, oh, ow, kh, kw, cg, og, sh, sw, dh, dw, pt, pl } = g;
  const zeros = !allFinite(gy); // padding is explicit zeros, as in the forward pass
  for (let oc = 0; oc < o; oc++) {
    const c0 = Math.floor(oc / og) * cg;
    for (let ci = 0; ci < cg; ci++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let s = 0;
          for (let n = n0; n < n1; n++) {
            const xPlane = (n * c + c0 + ci) * h * width;
            const gyPlane = (n * o + oc) * oh * ow;
            for (let p = 0; p < oh; p++) {
              const iy = p * sh - pt + i * dh;
              const rowIn = iy >= 0 && iy < h;
              if (!rowIn && !zeros) continue;
              for (let q = 0; q < ow; q++) {
                const ix = q * sw - pl + j * dw;
                if (rowIn && ix >= 0 && ix < width)
                  s += gy[gyPlane + p * ow + q] * x[xPlane + iy * width + ix];
                else if (zeros) s += gy[gyPlane + p * ow + q] * 0;
              }
            }
          }
          gw[((oc * cg + ci) * kh + i) * kw + j] = s;
        }
      }
    }
  }
}

/** gb[o] = Σ over batch and pixels of gy[·, o]; overwritten. */
export function biasGrad(g: ConvGeometry, gy: FloatArray, gb: FloatArray): void {
  const plane = g.oh * g.ow;
  for (let oc = 0; oc < g.o; oc++) {
    let s = 0;
    for (let n = 0; n < g.n; n++) {
      const base = (n * g.o + oc) * plane;
      for (let k = 0; k < plane; k++) s += gy[base + k];
    }
    gb[oc] = s;
  }
}

/** True when every value is finite (no NaN, no ±Infinity). */
export function allFinite(a: FloatArray): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
