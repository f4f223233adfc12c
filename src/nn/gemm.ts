/**
 * Matrix product for the CNN layers: C = op(A)·op(B) (+ C), row-major, BLAS-style.
 *
 * The product itself is one swappable function (`setGemm`); the default runs float32
 * operands on WebAssembly SIMD (gemm-simd.ts) and float64 ones on the plain-TypeScript
 * product below. Every implementation must compute the same sums; the property tests
 * compare them with `gemmReference`.
 *
 * The TypeScript product is blocked as in Goto & van de Geijn: B is packed KC×NC at a time
 * into NR-wide column panels, A into MR-tall row panels, and a register-blocked
 * MR×NR micro-kernel (`microKernel4x8`) runs over KC. Packing also applies the
 * transposes, so the micro-kernel only ever sees one layout. Accumulation is in float64
 * (JavaScript arithmetic); a float32 C is rounded once per KC block.
 *
 * Measured (AMD EPYC, 2 shared cores, Node 20): 64×576 · 576×3136 (one W12 image) in
 * 65–90 ms, 2.5–3.4 GFLOP/s; the naive triple loop takes 430 ms.
 */
import type { FloatArray } from './geometry.js';
import { gemmSimd, gemmSimdUsable } from './gemm-simd.js';

/**
 * C[m×n] = op(A)[m×k] · op(B)[k×n], plus the old C when `accumulate`.
 * op(A)[i, l] = transA ? a[aOff + l·lda + i] : a[aOff + i·lda + l]; likewise B.
 * C[i, j] = c[cOff + i·ldc + j].
 */
export type Gemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
  accumulate: boolean,
) => void;

const MR = 4;
const NR = 8;
/** Depth of a packed block: a B micro-panel (KC×NR doubles = 16 KiB) stays in L1. */
const KC = 256;
/** Width of a packed B block: KC×NC doubles = 1 MiB, about one core's L2. */
const NC = 512;

let packA = new Float64Array(0);
let packB = new Float64Array(0);
const tile = new Float64Array(MR * NR);

/**
 * The micro-kernel: tile[MR×NR] = Ap-panel (kc×MR, k-major) · Bp-panel (kc×NR, k-major).
 * 32 accumulators in locals; V8 keeps most of them in registers.
 */
// prettier-ignore
export function microKernel4x8(kc: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number, t: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  for (let l = 0; l < kc; l++) {
    const b0 = bp[bo], b1 = bp[bo + 1], b2 = bp[bo + 2], b3 = bp[bo + 3];
    const b4 = bp[bo + 4], b5 = bp[bo + 5], b6 = bp[bo + 6], b7 = bp[bo + 7];
    let a = ap[ao];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3; c04 += a * b4; c05 += a * b5; c06 += a * b6; c07 += a * b7;
    a = ap[ao + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3; c14 += a * b4; c15 += a * b5; c16 += a * b6; c17 += a * b7;
    a = ap[ao + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3; c24 += a * b4; c25 += a * b5; c26 += a * b6; c27 += a * b7;
    a = ap[ao + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3; c34 += a * b4; c35 += a * b5; c36 += a * b6; c37 += a * b7;
    ao += MR;
    bo += NR;
  }
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c04; t[5] = c05; t[6] = c06; t[7] = c07;
  t[8] = c10; t[9] = c11; t[10] = c12; t[11] = c13; t[12] = c14; t[13] = c15; t[14] = c16; t[15] = c17;
  t[16] = c20; t[17] = c21; t[18] = c22; t[19] = c23; t[20] = c24; t[21] = c25; t[22] = c26; t[23] = c27;
  t[24] = c30; t[25] = c31; t[26] = c32; t[27] = c33; t[28] = c34; t[29] = c35; t[30] = c36; t[31] = c37;
}

/** Packs op(A)[i0.., l0..l0+kc) into MR-tall panels, k-major; rows past m are zero. */
function packPanelsA(
  transA: boolean,
  a: FloatArray,
  aOff: number,
  lda: number,
  m: number,
  l0: number,
  kc: number,
  dst: Float64Array,
): void {
  for (let i0 = 0; i0 < m; i0 += MR) {
    const base = i0 * kc;
    const rows = Math.min(MR, m - i0);
    for (let r = 0; r < MR; r++) {
      let d = base + r;
      if (r >= rows) {
        for (let l = 0; l < kc; l++, d += MR) dst[d] = 0;
      } else if (transA) {
        let s = aOff + l0 * lda + i0 + r;
        for (let l = 0; l < kc; l++, d += MR, s += lda) dst[d] = a[s];
      } else {
        let s = aOff + (i0 + r) * lda + l0;
        for (let l = 0; l < kc; l++, d += MR) dst[d] = a[s++];
      }
    }
  }
}

/** Packs op(B)[l0..l0+kc, j0..j0+nc) into NR-wide panels, k-major; columns past nc are zero. */
function packPanelsB(
  transB: boolean,
  b: FloatArray,
  bOff: number,
  ldb: number,
  l0: number,
  kc: number,
  j0: number,
  nc: number,
  dst: Float64Array,
): void {
  for (let q = 0; q < nc; q += NR) {
    const base = q * kc;
    const cols = Math.min(NR, nc - q);
    if (!transB) {
      for (let l = 0; l < kc; l++) {
        const s = bOff + (l0 + l) * ldb + j0 + q;
        const d = base + l * NR;
        // prettier-ignore
        if (cols === NR) {
          dst[d] = b[s]; dst[d + 1] = b[s + 1]; dst[d + 2] = b[s + 2]; dst[d + 3] = b[s + 3];
          dst[d + 4] = b[s + 4]; dst[d + 5] = b[s + 5]; dst[d + 6] = b[s + 6]; dst[d + 7] = b[s + 7];
        } else {
          for (let cc = 0; cc < NR; cc++) dst[d + cc] = cc < cols ? b[s + cc] : 0;
        }
      }
    } else {
      for (let cc = 0; cc < NR; cc++) {
        let d = base + cc;
        if (cc >= cols) {
          for (let l = 0; l < kc; l++, d += NR) dst[d] = 0;
        } else {
          let s = bOff + (j0 + q + cc) * ldb + l0;
          for (let l = 0; l < kc; l++, d += NR) dst[d] = b[s++];
        }
      }
    }
  }
}

/** Writes (or adds) the valid rows×cols corner of the tile into C. */
function storeTile(
  t: Float64Array,
  c: FloatArray,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  add: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = cOff + r * ldc;
    const s = r * NR;
    if (add) for (let j = 0; j < cols; j++) c[o + j] += t[s + j];
    else for (let j = 0; j < cols; j++) c[o + j] = t[s + j];
  }
}

/** The blocked plain-TypeScript product (see the module comment). */
export const gemmBlocked: Gemm = (
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
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    return;
  }
  const mPad = Math.ceil(m / MR) * MR;
  const kcMax = Math.min(KC, k);
  if (packA.length < mPad * kcMax) packA = new Float64Array(mPad * kcMax);
  const ncMax = Math.min(NC, Math.ceil(n / NR) * NR);
  if (packB.length < ncMax * kcMax) packB = new Float64Array(ncMax * kcMax);
  const ap = packA;
  const bp = packB;
  for (let l0 = 0; l0 < k; l0 += KC) {
    const kc = Math.min(KC, k - l0);
    const add = accumulate || l0 > 0;
    packPanelsA(transA, a, aOff, lda, m, l0, kc, ap);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      packPanelsB(transB, b, bOff, ldb, l0, kc, j0, nc, bp);
      for (let q = 0; q < nc; q += NR) {
        const cols = Math.min(NR, nc - q);
        for (let i0 = 0; i0 < m; i0 += MR) {
          microKernel4x8(kc, ap, i0 * kc, bp, q * kc, tile);
          storeTile(tile, c, cOff + i0 * ldc + j0 + q, ldc, Math.min(MR, m - i0), cols, add);
        }
      }
    }
  }
};

/** The textbook triple loop, in float64: the reference every Gemm is tested against. */
export const gemmReference: Gemm = (
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
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) {
        const av = transA ? a[aOff + l * lda + i] : a[aOff + i * lda + l];
        const bv = transB ? b[bOff + j * ldb + l] : b[bOff + l * ldb + j];
        s += av * bv;
      }
      const o = cOff + i * ldc + j;
      c[o] = accumulate ? c[o] + s : s;
    }
  }
};

/**
 * The default product: WebAssembly SIMD f32 (gemm-simd.ts) for float32 operands where SIMD
 * runs, else the plain-TypeScript `gemmBlocked` (float64 operands always: their results stay
 * the exact float64 sums the golden suite checks).
 */
export const gemmDefault: Gemm = (...args) =>
  (gemmSimdUsable(args[5], args[8]) ? gemmSimd : gemmBlocked)(...args);

let current: Gemm = gemmDefault;

/** The product the convolution plans use now. */
export function gemm(): Gemm {
  return current;
}

/**
 * Replaces the product used by conv2d's `gemm` plan; returns the previous one. Passing
 * nothing restores the default (`gemmDefault`: SIMD for float32, TypeScript for float64).
 */
export function setGemm(impl?: Gemm): Gemm {
  const prev = current;
  current = impl ?? gemmDefault;
  return prev;
}
