// 1-D correlation passes for the separable method (AssemblyScript → WebAssembly SIMD).
//
// One loop serves both passes: a term list whose offsets are element offsets into the source
// row — i·pw for the column pass over padded rows, j·C for the row pass along a row of
// interleaved channels:
//
//   dst[m, n] = Σ_k w_k · (src[m·ss + n + a_k] ± src[m·ss + n + b_k])      (or w_k · src[… + a_k])
//
// Symmetric and antisymmetric taps are paired (w·(x_a + x_b), w·(x_a − x_b)), as the
// plain-TypeScript separable loops pair them, halving the multiplications.
//
// The f32 loop takes nt term records of 32 bytes — the weight splatted over four f32 lanes,
// then the u32 byte offsets of x_a and x_b (8 bytes unused) — ordered by kind (it reads no
// kinds). The exact loop takes nt f64 weights, then nt i32 `a` offsets, nt i32 `b` offsets
// (in elements), nt i32 kinds (0: w·x_a, 1: w·(x_a + x_b), 2: w·(x_a − x_b)), in the
// reference's order.

import { madd, maddScalar } from './madd';

/**
 * f32 accumulation with two interleaved accumulators (even and odd terms, added at the end):
 * half the dependency chain, and an error bound of γ(⌈nt/2⌉ + 3) instead of γ(nt + 2).
 * The host orders the terms by kind — `np` pairs w·(x_a + x_b), then `nm` pairs
 * w·(x_a − x_b), then singles w·x_a — so the inner loops carry no per-term branch.
 * 3 vectors (12 outputs) per pass over the terms, then single vectors.
 *
 * The pass is bound by loads (halving a pair's data loads took it from 10.7 to 8 ms per 4K
 * pass; a bitwise or in place of its pair sums changed nothing), so the layout minimises
 * them: one pointer walks 32-byte term records (weight and byte offsets side by side, no
 * index arithmetic), and 3 vectors per step rather than 4 — TurboFan issues a step's loads
 * before its arithmetic, so 4 vectors' 8 data loads, 8 accumulators and the weight spilled
 * two accumulators, reloaded and stored again every term. Column pass 11.0 → 10.1 ms, row
 * pass 10.9 → 9.6 ms per 4K float32 pass (W3, one thread, CPU time, 2-core AMD EPYC VM).
 */
export function correlateTerms_f32(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  terms: usize,
  nt: i32,
  np: i32,
  nm: i32,
): void {
  const endP = terms + ((<usize>np) << 5);
  const endM = endP + ((<usize>nm) << 5);
  const end = terms + ((<usize>nt) << 5);
  const first = terms + ((<usize>min(nt, 2)) << 5);
  for (let m = 0; m < rows; m++) {
    const srow = src + ((<usize>(m * srcStride)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    let n = 0;
    for (; n + 12 <= width; n += 12) {
      // Term k goes to the accumulator of its parity: each step adds into `e` and then swaps
      // the two names (register moves, free after renaming), so the loops carry no branch
      // per term; three loops, one per kind. Terms 0 and 1 start the two accumulators (a
      // product, not an addition to zero: two fewer additions per output, and additions are
      // what bounds this loop without fused multiply-add).
      const p = srow + ((<usize>n) << 2);
      let e0 = f32x4.splat(0);
      let e1 = e0;
      let e2 = e0;
      let o0 = e0;
      let o1 = e0;
      let o2 = e0;
      let t = terms;
      for (; t < first; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        let x0 = v128.load(q, 0);
        let x1 = v128.load(q, 16);
        let x2 = v128.load(q, 32);
        if (t < endP) {
          x0 = f32x4.add(x0, v128.load(qb, 0));
          x1 = f32x4.add(x1, v128.load(qb, 16));
          x2 = f32x4.add(x2, v128.load(qb, 32));
        } else if (t < endM) {
          x0 = f32x4.sub(x0, v128.load(qb, 0));
          x1 = f32x4.sub(x1, v128.load(qb, 16));
          x2 = f32x4.sub(x2, v128.load(qb, 32));
        }
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = f32x4.mul(w, x0);
        o1 = f32x4.mul(w, x1);
        o2 = f32x4.mul(w, x2);
      }
      for (; t < endP; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        const t0 = madd(w, f32x4.add(v128.load(q, 0), v128.load(qb, 0)), e0);
        const t1 = madd(w, f32x4.add(v128.load(q, 16), v128.load(qb, 16)), e1);
        const t2 = madd(w, f32x4.add(v128.load(q, 32), v128.load(qb, 32)), e2);
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = t0;
        o1 = t1;
        o2 = t2;
      }
      for (; t < endM; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        const t0 = madd(w, f32x4.sub(v128.load(q, 0), v128.load(qb, 0)), e0);
        const t1 = madd(w, f32x4.sub(v128.load(q, 16), v128.load(qb, 16)), e1);
        const t2 = madd(w, f32x4.sub(v128.load(q, 32), v128.load(qb, 32)), e2);
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = t0;
        o1 = t1;
        o2 = t2;
      }
      for (; t < end; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const t0 = madd(w, v128.load(q, 0), e0);
        const t1 = madd(w, v128.load(q, 16), e1);
        const t2 = madd(w, v128.load(q, 32), e2);
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = t0;
        o1 = t1;
        o2 = t2;
      }
      const d = drow + ((<usize>n) << 2);
      v128.store(d, f32x4.add(e0, o0), 0);
      v128.store(d, f32x4.add(e1, o1), 16);
      v128.store(d, f32x4.add(e2, o2), 32);
    }
    for (; n + 4 <= width; n += 4) {
      // One vector per step for the rest of the row: the same operations as a lane above.
      const p = srow + ((<usize>n) << 2);
      let e0 = f32x4.splat(0);
      let o0 = e0;
      let t = terms;
      for (; t < first; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        let x0 = v128.load(q, 0);
        if (t < endP) {
          x0 = f32x4.add(x0, v128.load(qb, 0));
        } else if (t < endM) {
          x0 = f32x4.sub(x0, v128.load(qb, 0));
        }
        e0 = o0;
        o0 = f32x4.mul(w, x0);
      }
      for (; t < endP; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        const t0 = madd(w, f32x4.add(v128.load(q, 0), v128.load(qb, 0)), e0);
        e0 = o0;
        o0 = t0;
      }
      for (; t < endM; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const qb = p + <usize>load<u32>(t, 20);
        const t0 = madd(w, f32x4.sub(v128.load(q, 0), v128.load(qb, 0)), e0);
        e0 = o0;
        o0 = t0;
      }
      for (; t < end; t += 32) {
        const w = v128.load(t);
        const q = p + <usize>load<u32>(t, 16);
        const t0 = madd(w, v128.load(q, 0), e0);
        e0 = o0;
        o0 = t0;
      }
      const d = drow + ((<usize>n) << 2);
      v128.store(d, f32x4.add(e0, o0), 0);
    }
    for (; n < width; n++) {
      // The same f32 operations, in the same order, as one SIMD lane.
      const p = srow + ((<usize>n) << 2);
      let e: f32 = 0;
      let o: f32 = 0;
      for (let t = terms; t < end; t += 32) {
        const w = load<f32>(t);
        let x = load<f32>(p + <usize>load<u32>(t, 16));
        if (t < endM) {
          const y = load<f32>(p + <usize>load<u32>(t, 20));
          x = t < endP ? x + y : x - y;
        }
        if (t == terms) e = w * x;
        else if (t == terms + 32) o = w * x;
        else if ((t - terms) & 32) o = maddScalar(w, x, o);
        else e = maddScalar(w, x, e);
      }
      store<f32>(drow + ((<usize>n) << 2), e + o);
    }
  }
}

/**
 * correlateTerms_f32 for a whole symmetric kernel of L taps: `np` ≥ 2 pair records (taps j and
 * L−1−j, j = 0…np−1, in that order), then with `center` = 1 the middle tap. The taps' addresses
 * are stepped `step` bytes apart instead of read from the records: per term and 3-vector step,
 * one weight load and six data loads instead of three record loads and six. The same f32
 * operations in the same order as correlateTerms_f32, so the same values: the 3-vector part of
 * each row here, the rest by correlateTerms_f32 itself.
 */
export function correlateSym_f32(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  terms: usize,
  np: i32,
  center: i32,
  step: i32,
): void {
  const st = <usize>step;
  const span = <usize>(2 * np + center - 1) * st;
  const endP = terms + ((<usize>np) << 5);
  const w12 = width - (width % 12);
  for (let m = 0; m < rows; m++) {
    const srow = src + ((<usize>(m * srcStride)) << 2);
    const drow = dst + ((<usize>(m * dstStride)) << 2);
    for (let n = 0; n < w12; n += 12) {
      let qa = srow + ((<usize>n) << 2);
      let qb = qa + span;
      // pairs 0 and 1 start the two accumulators with their products
      let w = v128.load(terms);
      let e0 = f32x4.mul(w, f32x4.add(v128.load(qa, 0), v128.load(qb, 0)));
      let e1 = f32x4.mul(w, f32x4.add(v128.load(qa, 16), v128.load(qb, 16)));
      let e2 = f32x4.mul(w, f32x4.add(v128.load(qa, 32), v128.load(qb, 32)));
      qa += st;
      qb -= st;
      w = v128.load(terms, 32);
      let o0 = f32x4.mul(w, f32x4.add(v128.load(qa, 0), v128.load(qb, 0)));
      let o1 = f32x4.mul(w, f32x4.add(v128.load(qa, 16), v128.load(qb, 16)));
      let o2 = f32x4.mul(w, f32x4.add(v128.load(qa, 32), v128.load(qb, 32)));
      for (let t = terms + 64; t < endP; t += 32) {
        qa += st;
        qb -= st;
        const wt = v128.load(t);
        const t0 = madd(wt, f32x4.add(v128.load(qa, 0), v128.load(qb, 0)), e0);
        const t1 = madd(wt, f32x4.add(v128.load(qa, 16), v128.load(qb, 16)), e1);
        const t2 = madd(wt, f32x4.add(v128.load(qa, 32), v128.load(qb, 32)), e2);
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = t0;
        o1 = t1;
        o2 = t2;
      }
      if (center) {
        qa += st;
        const wt = v128.load(endP);
        const t0 = madd(wt, v128.load(qa, 0), e0);
        const t1 = madd(wt, v128.load(qa, 16), e1);
        const t2 = madd(wt, v128.load(qa, 32), e2);
        e0 = o0;
        e1 = o1;
        e2 = o2;
        o0 = t0;
        o1 = t1;
        o2 = t2;
      }
      const d = drow + ((<usize>n) << 2);
      v128.store(d, f32x4.add(e0, o0), 0);
      v128.store(d, f32x4.add(e1, o1), 16);
      v128.store(d, f32x4.add(e2, o2), 32);
    }
  }
  if (w12 < width)
    correlateTerms_f32(
      src + ((<usize>w12) << 2),
      srcStride,
      dst + ((<usize>w12) << 2),
      dstStride,
      rows,
      width - w12,
      terms,
      np + center,
      np,
      0,
    );
}

/**
 * Exact float64 pass in the plain-TypeScript separable loops' order: terms summed left to
 * right in chunks of `chunk` (the first chunk's sum is stored, each later chunk's sum added),
 * each term w·(x_a ± x_b) with the pair added first. `srcF32`: the source holds f32 (a band
 * of float32 or integer data) rather than f64. dst is f64.
 */
export function correlateTerms_x64(
  src: usize,
  srcF32: i32,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rows: i32,
  width: i32,
  terms: usize,
  nt: i32,
  chunk: i32,
): void {
  const A = terms + ((<usize>nt) << 3);
  const B = A + ((<usize>nt) << 2);
  const K = B + ((<usize>nt) << 2);
  const sh: usize = srcF32 ? 2 : 3;
  for (let m = 0; m < rows; m++) {
    const srow = src + ((<usize>(m * srcStride)) << sh);
    const drow = dst + ((<usize>(m * dstStride)) << 3);
    let n = 0;
    for (; n + 2 <= width; n += 2) {
      const p = srow + ((<usize>n) << sh);
      let acc = f64x2.splat(0);
      for (let c0 = 0; c0 < nt; c0 += chunk) {
        const c1 = min(nt, c0 + chunk);
        let s = f64x2.splat(0);
        for (let k = c0; k < c1; k++) {
          const w = f64x2.splat(load<f64>(terms + ((<usize>k) << 3)));
          const kind = load<i32>(K + ((<usize>k) << 2));
          const qa = p + ((<usize>load<i32>(A + ((<usize>k) << 2))) << sh);
          let x = srcF32 ? f64x2.promote_low_f32x4(v128.load64_zero(qa)) : v128.load(qa);
          if (kind != 0) {
            const qb = p + ((<usize>load<i32>(B + ((<usize>k) << 2))) << sh);
            const y = srcF32 ? f64x2.promote_low_f32x4(v128.load64_zero(qb)) : v128.load(qb);
            x = kind == 1 ? f64x2.add(x, y) : f64x2.sub(x, y);
          }
          const t = f64x2.mul(w, x);
          s = k == c0 ? t : f64x2.add(s, t);
        }
        acc = c0 == 0 ? s : f64x2.add(acc, s);
      }
      v128.store(drow + ((<usize>n) << 3), acc);
    }
    for (; n < width; n++) {
      const p = srow + ((<usize>n) << sh);
      let acc: f64 = 0;
      for (let c0 = 0; c0 < nt; c0 += chunk) {
        const c1 = min(nt, c0 + chunk);
        let s: f64 = 0;
        for (let k = c0; k < c1; k++) {
          const w = load<f64>(terms + ((<usize>k) << 3));
          const kind = load<i32>(K + ((<usize>k) << 2));
          const qa = p + ((<usize>load<i32>(A + ((<usize>k) << 2))) << sh);
          let x: f64 = srcF32 ? <f64>load<f32>(qa) : load<f64>(qa);
          if (kind != 0) {
            const qb = p + ((<usize>load<i32>(B + ((<usize>k) << 2))) << sh);
            const y: f64 = srcF32 ? <f64>load<f32>(qb) : load<f64>(qb);
            x = kind == 1 ? x + y : x - y;
          }
          const t = w * x;
          s = k == c0 ? t : s + t;
        }
        acc = c0 == 0 ? s : acc + s;
      }
      store<f64>(drow + ((<usize>n) << 3), acc);
    }
  }
}
