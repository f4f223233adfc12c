// f32 matrix product for the CNN layers (AssemblyScript → WebAssembly SIMD).
//
//   C (m×n) = A (m×k) · B (k×n)  (+ the old C when acc ≠ 0)
//
// Row-major, strides in elements, pointers in bytes. n must be a multiple of 8 (callers pad
// their buffers). No packing: the micro-kernel reads A one scalar per row and step (a splat
// load, so A may have any row stride) and B eight contiguous floats per step; with the
// callers' shapes (Winograd's 64×64 · 64×tiles blocks) both stay in L1/L2 without copies.
//
// The micro-kernel holds a 4×8 tile of C in eight f32x4 accumulators (8 + 2 B vectors + one
// splat = 11 of x86's 16 vector registers). Baseline WebAssembly SIMD has no fused
// multiply-add, so each step is mul then add, in k order: every element of C is the same
// sequence of f32 operations whichever kernel (4×8 or 1×8) or thread computes it.

/** Depth of one pass over k: a B panel (KC×8 floats, 8 KiB) stays in L1. */
const KC: i32 = 256;

export function sgemm_f32(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  acc: i32,
): void {
  if (k <= 0) {
    if (acc == 0) {
      for (let i = 0; i < m; i++) memory.fill(c + ((<usize>(i * ldc)) << 2), 0, (<usize>n) << 2);
    }
    return;
  }
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const add = acc != 0 || k0 > 0;
    for (let j = 0; j < n; j += 8) {
      const bp = b + ((<usize>(k0 * ldb + j)) << 2);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        kernel4x8(
          kc,
          a + ((<usize>(i * lda + k0)) << 2),
          lda,
          bp,
          ldb,
          c + ((<usize>(i * ldc + j)) << 2),
          ldc,
          add,
        );
      }
      for (; i < m; i++) {
        kernel1x8(kc, a + ((<usize>(i * lda + k0)) << 2), bp, ldb, c + ((<usize>(i * ldc + j)) << 2), add);
      }
    }
  }
}

function kernel4x8(kc: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, add: bool): void {
  const as = (<usize>lda) << 2;
  const bs = (<usize>ldb) << 2;
  const cs = (<usize>ldc) << 2;
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let pa = a;
  let pb = b;
  for (let l = 0; l < kc; l++) {
    const b0 = v128.load(pb, 0);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + as);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 2 * as);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 3 * as);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    pa += 4;
    pb += bs;
  }
  if (add) {
    c00 = f32x4.add(v128.load(c, 0), c00);
    c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c + cs, 0), c10);
    c11 = f32x4.add(v128.load(c + cs, 16), c11);
    c20 = f32x4.add(v128.load(c + 2 * cs, 0), c20);
    c21 = f32x4.add(v128.load(c + 2 * cs, 16), c21);
    c30 = f32x4.add(v128.load(c + 3 * cs, 0), c30);
    c31 = f32x4.add(v128.load(c + 3 * cs, 16), c31);
  }
  v128.store(c, c00, 0);
  v128.store(c, c01, 16);
  v128.store(c + cs, c10, 0);
  v128.store(c + cs, c11, 16);
  v128.store(c + 2 * cs, c20, 0);
  v128.store(c + 2 * cs, c21, 16);
  v128.store(c + 3 * cs, c30, 0);
  v128.store(c + 3 * cs, c31, 16);
}

function kernel1x8(kc: i32, a: usize, b: usize, ldb: i32, c: usize, add: bool): void {
  const bs = (<usize>ldb) << 2;
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let pa = a;
  let pb = b;
  for (let l = 0; l < kc; l++) {
    const x = v128.load32_splat(pa);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(pb, 0)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(pb, 16)));
    pa += 4;
    pb += bs;
  }
  if (add) {
    c0 = f32x4.add(v128.load(c, 0), c0);
    c1 = f32x4.add(v128.load(c, 16), c1);
  }
  v128.store(c, c0, 0);
  v128.store(c, c1, 16);
}
