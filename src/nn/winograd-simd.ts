/**
 * The float32 `winograd` plan on WebAssembly SIMD (wasm/winograd.ts, wasm/gemm.ts): the same
 * F(2×2, 3×3) identities as winograd.ts, with f32 arithmetic, transforms four tiles per
 * vector and the 16 products per block of tiles on the register-blocked f32 micro-kernel.
 *
 * Work goes block by block of tile rows (about BLOCK_TILES tiles), so that a block's
 * transformed input V (16·Cg × tiles) and products M (16·Og × tiles) stay in the core's L2
 * instead of streaming whole images through memory.
 *
 * Accuracy: f32 sums of f32 products (no fused multiply-add). Against the float64 reference
 * the error stays far inside DESIGN.md's float32 bound (1e-5 of the largest output
 * magnitude): measured ≤ 4e-7 on random data, see docs/nn.md; the property tests hold it.
 * Weight gradients are summed over tiles in f32 per image, then over images in float64 (in
 * image order, whichever threads computed the images: see addImageSums).
 *
 * Every output element is the same sequence of f32 operations whichever thread, block or
 * micro-kernel computes it, so results do not depend on the thread count.
 */
import { type SimdArena, simdArena, simdStatus } from '../engine/simd.js';
import type { ConvGeometry, FloatArray } from './geometry.js';

/** Tiles per block (V and M of a 64→64 block: 2·16·64·64·4 bytes = 512 KiB, half of an L2). */
const BLOCK_TILES = 64;

let enabled = true;

/** Turns the SIMD Winograd path off (tests comparing it with the plain one); returns the old setting. */
export function setWinogradSimd(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/** True when the f32 SIMD path runs for these operands (both float32, SIMD available). */
export function winogradSimdUsable(a: FloatArray, b: FloatArray): boolean {
  return enabled && a instanceof Float32Array && b instanceof Float32Array && simdStatus().available;
}

const up = (v: number, m: number) => Math.ceil(v / m) * m;

/** Tile grid and padded plane sizes of a geometry (tiles of 2×2 outputs). */
function layout(g: ConvGeometry) {
  const th = (g.oh + 1) >> 1;
  const tw = (g.ow + 1) >> 1;
  const twp = up(tw, 4); // four tiles per vector
  const wp = 2 * twp + 2; // padded input row: tile tx reads columns 2tx … 2tx + 3
  const hp = 2 * th + 2;
  const rowsPerBlock = Math.max(1, Math.min(th, Math.floor(BLOCK_TILES / twp)));
  return {
    th,
    twp,
    wp,
    hp,
    ps: hp * wp,
    yw: 2 * twp,
    ys: 2 * th * 2 * twp,
    rowsPerBlock,
    nbMax: up(rowsPerBlock * twp, 8),
  };
}

/** Reserves a Float32Array of n floats; views are taken by the caller after the last reserve. */
const reserve = (arena: SimdArena, n: number) => arena.reserve(n * 4);

/**
 * y[n0..n1) = conv2d(x, w) + bias (overwritten), with u = G g Gᵀ in winograd.ts's layout
 * (u[ξ·O·Cg + o·Cg + c], float64; rounded to f32 here).
 */
export function forwardWinogradSimd(
  g: ConvGeometry,
  x: FloatArray,
  u: Float64Array,
  bias: FloatArray | null,
  y: FloatArray,
  n0: number,
  n1: number,
  fallback: (n: number) => void,
): void {
  const arena = simdArena()!;
  const ex = arena.exports;
  const { cg, og, oh, ow } = g;
  const L = layout(g);
  arena.reset();
  const pU = reserve(arena, u.length);
  const pX = reserve(arena, cg * L.ps);
  const pV = reserve(arena, 16 * cg * L.nbMax);
  const pM = reserve(arena, 16 * og * L.nbMax);
  const pY = reserve(arena, og * L.ys);
  const pB = reserve(arena, g.o);
  const inLen = cg * g.h * g.w;
  const outLen = og * oh * ow;
  const pIn = reserve(arena, inLen);
  const pOut = reserve(arena, outLen);
  const buf = arena.buffer;
  new Float32Array(buf, pU, u.length).set(u);
  new Float32Array(buf, pX, cg * L.ps).fill(0);
  if (bias) new Float32Array(buf, pB, g.o).set(bias);
  const raw = new Float32Array(buf, pIn, inLen);
  const out = new Float32Array(buf, pOut, outLen);
  const xpOrigin = pX + (g.pt * L.wp + g.pl) * 4;
  const nonFinite: number[] = [];
  images: for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const src = (n * g.c + grp * cg) * g.h * g.w;
      raw.set(x.subarray(src, src + inLen));
      if (!ex.allfinite_f32(pIn, inLen)) {
        // Winograd's transforms would smear a NaN or ±Infinity over outputs it never touches.
        nonFinite.push(n);
        continue images;
      }
      ex.copy_planes_f32(pIn, g.w, g.h * g.w, xpOrigin, L.wp, L.ps, cg, g.h, g.w);
      for (let ty0 = 0; ty0 < L.th; ty0 += L.rowsPerBlock) {
        const ty1 = Math.min(L.th, ty0 + L.rowsPerBlock);
        const nb = up((ty1 - ty0) * L.twp, 8);
        ex.wino2_input_f32(pX, L.wp, L.ps, cg, ty0, ty1, L.twp, pV, nb);
        for (let xi = 0; xi < 16; xi++) {
          const a = pU + (xi * g.o * cg + grp * og * cg) * 4;
          ex.sgemm_f32(og, nb, cg, a, cg, pV + xi * cg * nb * 4, nb, pM + xi * og * nb * 4, nb, 0);
        }
        ex.wino2_output_f32(pM, nb, og, ty0, ty1, L.twp, pY, L.yw, L.ys, bias ? pB + grp * og * 4 : 0);
      }
      ex.copy_planes_f32(pY, L.yw, L.ys, pOut, ow, oh * ow, og, oh, ow);
      y.set(out, (n * g.o + grp * og) * oh * ow);
    }
  }
  // After the loop: the fallback's own product reuses this thread's SIMD memory.
  for (const n of nonFinite) fallback(n);
}

/**
 * Receives one image's f32 sums over its tiles, for one group: Σ_t Z_ξ[o, t]·V_ξ[c, t] at
 * mt[(ξ·Cg + c)·ld + k] for output channel o = o0 + k of the group.
 */
export type ImageSums = (n: number, grp: number, mt: Float32Array, ld: number) => void;

/**
 * The sink that sums images in float64, in the order it is called:
 * m[ξ·O·Cg + o·Cg + c] += mt[(ξ·Cg + c)·ld + k] for o = grp·Og + o0 + k, k < on. One thread
 * calls it image after image; threads.ts calls it in the same order with the sums workers
 * computed, so that every element of m is the same float64 sum either way.
 */
export function addImageSums(g: ConvGeometry, m: Float64Array, o0: number, on: number): ImageSums {
  const { cg, og } = g;
  const ms = g.o * cg;
  return (_n, grp, mt, ld) => {
    for (let xi = 0; xi < 16; xi++) {
      for (let c = 0; c < cg; c++) {
        const s = (xi * cg + c) * ld;
        let d = xi * ms + (grp * og + o0) * cg + c;
        for (let k = 0; k < on; k++, d += cg) m[d] += mt[s + k];
      }
    }
  };
}

/**
 * For images n0 ≤ n < n1 and every group, in that order: the tile sums of output channels
 * o0 ≤ o − grp·Og < o1, handed to `sink` (the f32 view is reused for the next image). Returns
 * false, having stopped, when x or those channels of gy hold NaN or ±Infinity: the caller then
 * runs another plan.
 */
export function weightGradWinogradSimd(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  sink: ImageSums,
  n0: number,
  n1: number,
  o0: number,
  o1: number,
): boolean {
  const arena = simdArena()!;
  const ex = arena.exports;
  const { cg, og, oh, ow } = g;
  const L = layout(g);
  const on = o1 - o0;
  if (on <= 0 || n1 <= n0) return true;
  const ldz = up(on, 8);
  arena.reset();
  const pX = reserve(arena, cg * L.ps);
  const on4 = up(on, 4); // the transform takes four channels at a time; the extra planes stay 0
  const pG = reserve(arena, on4 * L.ys);
  const pV = reserve(arena, 16 * cg * L.nbMax);
  const pZ = reserve(arena, 16 * L.nbMax * ldz);
  const pT = reserve(arena, 16 * cg * ldz);
  const xLen = cg * g.h * g.w;
  const gLen = on * oh * ow;
  const pXin = reserve(arena, xLen);
  const pGin = reserve(arena, gLen);
  const buf = arena.buffer;
  new Float32Array(buf, pX, cg * L.ps).fill(0);
  new Float32Array(buf, pG, on4 * L.ys).fill(0);
  const xRaw = new Float32Array(buf, pXin, xLen);
  const gRaw = new Float32Array(buf, pGin, gLen);
  const xpOrigin = pX + (g.pt * L.wp + g.pl) * 4;
  const v = new Float32Array(buf, pV, 16 * cg * L.nbMax);
  const z = new Float32Array(buf, pZ, 16 * L.nbMax * ldz).fill(0);
  const mt = new Float32Array(buf, pT, 16 * cg * ldz);
  for (let n = n0; n < n1; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xs = (n * g.c + grp * cg) * g.h * g.w;
      const gs = (n * g.o + grp * og + o0) * oh * ow;
      xRaw.set(x.subarray(xs, xs + xLen));
      gRaw.set(gy.subarray(gs, gs + gLen));
      if (!ex.allfinite_f32(pXin, xLen) || !ex.allfinite_f32(pGin, gLen)) return false;
      ex.copy_planes_f32(pXin, g.w, g.h * g.w, xpOrigin, L.wp, L.ps, cg, g.h, g.w);
      ex.copy_planes_f32(pGin, ow, oh * ow, pG, L.yw, L.ys, on, oh, ow);
      let first = true;
      for (let ty0 = 0; ty0 < L.th; ty0 += L.rowsPerBlock) {
        const ty1 = Math.min(L.th, ty0 + L.rowsPerBlock);
        const tiles = (ty1 - ty0) * L.twp;
        const nb = up(tiles, 8);
        ex.wino2_input_f32(pX, L.wp, L.ps, cg, ty0, ty1, L.twp, pV, nb);
        ex.wino2_zgrad_f32(pG, L.yw, L.ys, on4, ty0, ty1, L.twp, pZ, nb, ldz);
        if (nb > tiles) {
          // The tiles that pad the block to a multiple of 8 hold zeros on both sides of the product.
          for (let r = 0; r < 16 * cg; r++) v.fill(0, r * nb + tiles, (r + 1) * nb);
          for (let xi = 0; xi < 16; xi++) z.fill(0, (xi * nb + tiles) * ldz, (xi + 1) * nb * ldz);
        }
        for (let xi = 0; xi < 16; xi++) {
          ex.sgemm_f32(
            cg,
            ldz,
            nb,
            pV + xi * cg * nb * 4,
            nb,
            pZ + xi * nb * ldz * 4,
            ldz,
            pT + xi * cg * ldz * 4,
            ldz,
            first ? 0 : 1,
          );
        }
        first = false;
      }
      sink(n, grp, mt, ldz);
    }
  }
  return true;
}

/** Floats of one image's tile sums for one group, all output channels (see imageSumsSlot). */
export const imageSumsLength = (g: ConvGeometry) => 16 * g.cg * g.og;

/**
 * The threaded weight gradient's share of one thread: the tile sums of images n0 ≤ n < n1 (every
 * group, every output channel) into their slots of `sums` (slot n·groups + grp, each
 * imageSumsLength floats, laid out as mt with ld = Og), and done[n] = 1 for each image whose
 * slots are complete. Stops at the first image holding NaN or ±Infinity (its done stays 0).
 */
export function weightGradImageSums(
  g: ConvGeometry,
  x: FloatArray,
  gy: FloatArray,
  sums: Float32Array,
  done: FloatArray,
  n0: number,
  n1: number,
): void {
  const { cg, og } = g;
  const len = imageSumsLength(g);
  weightGradWinogradSimd(
    g,
    x,
    gy,
    (n, grp, mt, ld) => {
      const slot = (n * g.groups + grp) * len;
      for (let r = 0; r < 16 * cg; r++) sums.set(mt.subarray(r * ld, r * ld + og), slot + r * og);
      if (grp === g.groups - 1) done[n] = 1;
    },
    n0,
    n1,
    0,
    og,
  );
}

/**
 * m[ξ·O·Cg + o·Cg + c] = Σ over images, in image order, of the slots weightGradImageSums filled:
 * the same float64 sums as one thread's weightGradWinogradSimd over the whole batch.
 */
export function sumImageSums(g: ConvGeometry, sums: Float32Array, m: Float64Array): void {
  const add = addImageSums(g, m, 0, g.og);
  const len = imageSumsLength(g);
  for (let n = 0; n < g.n; n++)
    for (let grp = 0; grp < g.groups; grp++) {
      const slot = (n * g.groups + grp) * len;
      add(n, grp, sums.subarray(slot, slot + len), g.og);
    }
}
