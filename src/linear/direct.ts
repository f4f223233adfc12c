/**
 * The direct correlation loop over padded rows: the reference path. Every other
 * execution path (separable, FFT, WASM, workers) must agree with it.
 *
 *   out[m, n] = Σ_t w_t · P[m + i_t, n + j_t]      over the non-zero taps t = (i_t, j_t)
 *
 * Taps are summed in row-major kernel order starting from the first, so the float64
 * result is bit-identical to `golden/reference.py` (up to the sign of zero) — this matters where an integer
 * output rounds a value that lies exactly on .5. Zero taps are skipped (as the
 * reference does), so a NaN under a zero weight does not reach that output.
 */
import type { Kernel } from '../kernels/kernel.js';

/**
 * Computes one output row: `dst[d + n]` for n < width, from the padded rows starting at
 * row `row` of `P` (row width `pw`).
 */
export type RowLoop = (
  P: Float32Array | Float64Array,
  pw: number,
  row: number,
  dst: Float32Array | Float64Array,
  d: number,
  width: number,
) => void;

export interface Tap {
  readonly i: number;
  readonly j: number;
  readonly w: number;
}

/** The non-zero taps in row-major order: the order every exact path sums in. */
export function nonZeroTaps(k: Kernel): Tap[] {
  const taps: Tap[] = [];
  for (let i = 0; i < k.rows; i++) {
    for (let j = 0; j < k.cols; j++) {
      const w = k.data[i * k.cols + j];
      if (w !== 0) taps.push({ i, j, w });
    }
  }
  return taps;
}

/**
 * Kernels with at most this many non-zero taps get a generated loop whose weights are
 * constants and whose sum stays in a register: on a 3840×2160 float32 image, 3×3 taps
 * take ~40 ms this way against ~115 ms for one pass per tap (Node 20, 2-core x86-64).
 */
const MAX_GENERATED_TAPS = 64;
const generated = new Map<string, RowLoop>();
let codegenAvailable = true;

/** The fastest plain-TypeScript row loop for a kernel. */
export function rowLoopFor(k: Kernel): RowLoop {
  const taps = nonZeroTaps(k);
  if (taps.length === 0) return zeroRow;
  if (taps.length <= MAX_GENERATED_TAPS && codegenAvailable) {
    const key = taps.map((t) => `${t.i},${t.j},${t.w}`).join(';');
    const hit = generated.get(key);
    if (hit) return hit;
    const loop = generateRowLoop(taps);
    if (loop) {
      if (generated.size > 256) generated.clear();
      generated.set(key, loop);
      return loop;
    }
  }
  return tapPassLoop(taps);
}

const zeroRow: RowLoop = (_P, _pw, _row, dst, d, width) => {
  dst.fill(0, d, d + width);
};

/**
 * Emits a loop with the weights as literals (a JS number prints in a form that reads
 * back exactly) computing two outputs per iteration, so each pixel value is loaded once
 * for both: `dst[d+n] = w0*v(i0, j0) + w1*v(i1, j1) + …` and the same shifted by one
 * column — each sum still in tap order. Returns undefined where the host forbids
 * `new Function` (a strict Content-Security-Policy); the caller falls back.
 */
function generateRowLoop(taps: Tap[]): RowLoop | undefined {
  const rows = [...new Set(taps.map((t) => t.i))];
  const rowBase = rows.map((i) => `const r${i} = b + ${i} * pw;`).join('\n');
  const loads = new Map<string, string>();
  const load = (i: number, j: number) => {
    const name = `v${i}_${j}`;
    if (!loads.has(name)) loads.set(name, `const ${name} = P[r${i} + n + ${j}];`);
    return name;
  };
  const sumAt = (u: number) => taps.map((t) => `(${t.w}) * ${load(t.i, t.j + u)}`).join(' + ');
  const first = sumAt(0);
  const second = sumAt(1);
  const single = taps.map((t) => `(${t.w}) * P[r${t.i} + n + ${t.j}]`).join(' + ');
  const body = `const b = row * pw;
${rowBase}
let n = 0;
for (; n + 1 < width; n += 2) {
${[...loads.values()].join('\n')}
dst[d + n] = ${first};
dst[d + n + 1] = ${second};
}
for (; n < width; n++) dst[d + n] = ${single};`;
  try {
    return new Function('P', 'pw', 'row', 'dst', 'd', 'width', body) as RowLoop;
  } catch {
    codegenAvailable = false;
    return undefined;
  }
}

/** One pass over the row per tap (three at a time), accumulating in `dst` in tap order. */
function tapPassLoop(taps: Tap[]): RowLoop {
  const is = Int32Array.from(taps, (t) => t.i);
  const js = Int32Array.from(taps, (t) => t.j);
  const ws = Float64Array.from(taps, (t) => t.w);
  const nt = ws.length;
  let scratch = new Float64Array(0);
  return (P, pw, row, out, outOffset, width) => {
    // Accumulate in float64 even when the output is float32, then store once.
    let dst: Float64Array = out as Float64Array;
    let d = outOffset;
    if (!(out instanceof Float64Array)) {
      if (scratch.length < width) scratch = new Float64Array(width);
      dst = scratch;
      d = 0;
    }
    const b = row * pw;
    const p0 = b + is[0] * pw + js[0];
    const w0 = ws[0];
    for (let n = 0; n < width; n++) dst[d + n] = w0 * P[p0 + n];
    let t = 1;
    // ((acc + a) + b) + c is the same sum, in the same order, as three passes.
    for (; t + 2 < nt; t += 3) {
      const wa = ws[t];
      const wb = ws[t + 1];
      const wc = ws[t + 2];
      const pa = b + is[t] * pw + js[t] - d;
      const pb = b + is[t + 1] * pw + js[t + 1] - d;
      const pc = b + is[t + 2] * pw + js[t + 2] - d;
      for (let n = d; n < d + width; n++) dst[n] = dst[n] + wa * P[pa + n] + wb * P[pb + n] + wc * P[pc + n];
    }
    for (; t < nt; t++) {
      const w = ws[t];
      const p = b + is[t] * pw + js[t] - d;
      for (let n = d; n < d + width; n++) dst[n] += w * P[p + n];
    }
    if (dst !== out) out.set(dst.subarray(0, width), outOffset);
  };
}

/** The per-tap loop regardless of size: the reference the generated loops are tested against. */
export function referenceRowLoop(k: Kernel): RowLoop {
  const taps = nonZeroTaps(k);
  return taps.length === 0 ? zeroRow : tapPassLoop(taps);
}
