/**
 * One entry per pass that runs a plan on images n0 ≤ n < n1. The main thread and the
 * worker threads (threads.ts) call exactly these, so a thread count changes speed only.
 */
import { allFinite, forwardDirect, inputGradDirect, weightGradDirect } from './direct.js';
import type { ConvGeometry, FloatArray } from './geometry.js';
import { forwardGemm, inputGradGemm, weightGradGemm } from './plan-gemm.js';
import {
  forwardWinograd,
  inputGradWinograd,
  weightGradRows,
  weightGradWinograd,
  winogradInputGradApplies,
} from './winograd.js';
import { winogradSimdUsable } from './winograd-simd.js';

export type PlanMethod = 'gemm' | 'winograd' | 'direct';

/**
 * Winograd's transforms add and subtract neighbouring values, so one ±Infinity would turn
 * into NaN in outputs it never touches; with a non-finite operand the gemm plan runs instead.
 */
const winogradSafe = (a: FloatArray, b: FloatArray) => allFinite(a) && allFinite(b);

/**
 * For the forward and input-gradient passes the SIMD path checks each image's data itself
 * (in WebAssembly, on the copy it makes anyway: a JavaScript scan of W12's input costs 2 ms),
 * so only the weights are scanned here.
 */
const winogradSafeImages = (data: FloatArray, w: FloatArray, out: FloatArray) =>
  winogradSimdUsable(data, out) ? allFinite(w) : winogradSafe(data, w);

/** y[n0..n1) = conv2d(x, w) + bias. */
export function runForward(
  method: PlanMethod,
  g: ConvGeometry,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  if (method === 'gemm') forwardGemm(g, x, w, bias, y, n0, n1);
  else if (method === 'winograd' && winogradSafeImages(x, w, y)) forwardWinograd(g, x, w, bias, y, n0, n1);
  else if (method === 'winograd') forwardGemm(g, x, w, bias, y, n0, n1);
  else forwardDirect(g, x, w, bias, y, n0, n1);
}

/**
 * gx[n0..n1) = the transposed convolution of gy with w (conv2d's input gradient). The
 * winograd plan runs it as a stride-1 forward pass when the padding allows (≤ 2), else gemm.
 */
export function runInputGrad(
  method: PlanMethod,
  g: ConvGeometry,
  gy: FloatArray,
  w: FloatArray,
  gx: FloatArray,
  n0 = 0,
  n1 = g.n,
): void {
  if (method === 'winograd' && winogradInputGradApplies(g) && winogradSafeImages(gy, w, gx))
    inputGradWinograd(g, gy, w, gx, n0, n1);
  else if (method === 'gemm' || method === 'winograd') inputGradGemm(g, gy, w, gx, n0, n1);
  else inputGradDirect(g, gy, w, gx, n0, n1);
}

/**
 * gw = the weight gradient summed over images n0 ≤ n < n1, for output channels
 * o0 ≤ o − grp·Og < o1 of each group (threads.ts splits the channels; default: all). The
 * float32 SIMD Winograd path checks its operands itself.
 */
export function runWeightGrad(
  method: PlanMethod,
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  gw: FloatArray,
  n0 = 0,
  n1 = g.n,
  o0 = 0,
  o1 = g.og,
): void {
  if (method === 'winograd' && (winogradSimdUsable(x, gy) || winogradSafe(x, gy))) {
    weightGradWinograd(g, x, gy, gw, n0, n1, o0, o1);
    return;
  }
  weightGradRows(g, gw, o0, o1, (all) => {
    if (method === 'gemm' || method === 'winograd') weightGradGemm(g, x, gy, all, n0, n1);
    else weightGradDirect(g, x, gy, all, n0, n1);
  });
}

/** Adds bias[c] to every pixel of channel c of an N×C×H×W array. */
export function addBias(y: FloatArray, bias: FloatArray, n: number, c: number, plane: number): void {
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * plane;
      const v = bias[ch];
      for (let k = 0; k < plane; k++) y[base + k] += v;
    }
}
