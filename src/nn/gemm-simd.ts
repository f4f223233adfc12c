/**
 * The matrix product on WebAssembly SIMD for float32 operands (wasm/gemm.ts): the `gemm`
 * plan's default where SIMD runs. op(A) and op(B) are copied into the module's memory (which
 * also applies the transposes, and pads B's columns to the micro-kernel's 8), multiplied with
 * f32 sums, and the product is written (or added) to C. float64 operands go to the
 * plain-TypeScript `gemmBlocked`, so float64 results stay the exact float64 sums.
 *
 * Accuracy: f32 sums of f32 products (no fused multiply-add), within DESIGN.md's float32
 * tolerance for the depths a convolution needs (K = Cg·kh·kw or Ho·Wo; tested). A float64 C
 * (the weight gradient's batch sum) gets the f32 product added in float64.
 */
import { simdArena, simdStatus } from '../engine/simd.js';
import type { Gemm } from './gemm.js';
import type { FloatArray } from './geometry.js';

const up8 = (v: number) => (v + 7) & ~7;

/** True when `gemmSimd` can take these operands (both float32, SIMD available here). */
export const gemmSimdUsable = (a: FloatArray, b: FloatArray) =>
  a instanceof Float32Array && b instanceof Float32Array && simdStatus().available;

/** C = op(A)·op(B) (+ C) for float32 A and B (see `gemmSimdUsable`), in f32 on SIMD. */
export const gemmSimd: Gemm = (
  transA,
  transB,
  m,
  n,
  k,
  a,
  aOff,
  lda,
  b,
  bOff,
  ldb,
  c,
  cOff,
  ldc,
  accumulate,
) => {
  if (m <= 0 || n <= 0) return;
  const arena = simdArena()!;
  const np = up8(n);
  arena.reset();
  const pa = arena.reserve(m * k * 4);
  const pb = arena.reserve(k * np * 4);
  const pc = arena.reserve(m * np * 4);
  const buf = arena.buffer;
  const A = new Float32Array(buf, pa, m * k);
  const B = new Float32Array(buf, pb, k * np);
  const C = new Float32Array(buf, pc, m * np);
  if (!transA && lda === k) A.set(a.subarray(aOff, aOff + m * k));
  else {
    for (let i = 0; i < m; i++) {
      let d = i * k;
      if (transA) for (let l = 0, s = aOff + i; l < k; l++, s += lda) A[d++] = a[s];
      else A.set(a.subarray(aOff + i * lda, aOff + i * lda + k), d);
    }
  }
  if (!transB && ldb === np) B.set(b.subarray(bOff, bOff + k * np));
  else if (!transB) {
    for (let l = 0; l < k; l++) {
      B.set(b.subarray(bOff + l * ldb, bOff + l * ldb + n), l * np);
      if (np > n) B.fill(0, l * np + n, (l + 1) * np);
    }
  } else {
    if (np > n) B.fill(0);
    for (let j = 0; j < n; j++) {
      let d = j;
      for (let l = 0, s = bOff + j * ldb; l < k; l++, s++, d += np) B[d] = b[s];
    }
  }
  arena.exports.sgemm_f32(m, np, k, pa, k, pb, np, pc, np, 0);
  for (let i = 0; i < m; i++) {
    const o = cOff + i * ldc;
    const s = i * np;
    if (accumulate) for (let j = 0; j < n; j++) c[o + j] += C[s + j];
    else if (c instanceof Float32Array) c.set(C.subarray(s, s + n), o);
    else for (let j = 0; j < n; j++) c[o + j] = C[s + j];
  }
};
