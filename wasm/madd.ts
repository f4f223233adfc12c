// Multiply-add for the float32 loops whose results are within tolerance (never the exact
// paths): the relaxed-SIMD build (wasm/build.mjs, `--enable relaxed-simd`) fuses it where the
// host has FMA — one instruction and one rounding instead of two — and the default build is
// the separate multiply and add, in the order the loops always used. Both stay within the
// float32 guard's error bound, which counts a rounding for each multiply and each add.

/** c + a·b on four f32 lanes. */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * c + a·b for one f32 (the scalar tails), with the vector instruction in the relaxed build so
 * a pixel's value does not depend on whether it falls in a vector or in the tail.
 */
export function maddScalar(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD)
    return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  return c + a * b;
}
