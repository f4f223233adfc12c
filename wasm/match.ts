// Window statistics of template matching (AssemblyScript → WebAssembly): the integral-image
// rows and window sums of src/match/integral.ts with the same operations in the same order,
// so the results are bit-identical to the plain-TypeScript reference.

/**
 * Table rows: for c < width, with v = row[c] − shift, rs and rq the running Σv and Σv² along
 * the row, sumH[c+1] = sumA[c+1] + rs and sqH[c+1] = sqA[c+1] + rq (A the row above, H this
 * one; entry 0 of every table row stays 0). Returns abs + Σ|v| (accumulated in order).
 */
export function matchTableRow(
  row: usize,
  width: i32,
  shift: f64,
  sumA: usize,
  sqA: usize,
  sumH: usize,
  sqH: usize,
  abs: f64,
): f64 {
  let rs: f64 = 0;
  let rq: f64 = 0;
  for (let c = 0; c < width; c++) {
    const o = (<usize>c) << 3;
    const v = load<f64>(row + o) - shift;
    rs += v;
    rq += v * v;
    abs += Math.abs(v);
    store<f64>(sumH + o + 8, load<f64>(sumA + o + 8) + rs);
    store<f64>(sqH + o + 8, load<f64>(sqA + o + 8) + rq);
  }
  return abs;
}

/**
 * Window sums for one output row from table rows a (top) and b (bottom, h rows below):
 * s = Σv and q = Σv² over each w-wide window, then out[c] = q + 2·shift·s + nm2 (`centred` 0:
 * Σx²) or q − s²/n (`centred` 1: Σ(x − window mean)²).
 */
export function matchWindowRow(
  sumA: usize,
  sqA: usize,
  sumB: usize,
  sqB: usize,
  w: i32,
  ow: i32,
  centred: i32,
  n: f64,
  shift: f64,
  nm2: f64,
  out: usize,
): void {
  const wb = (<usize>w) << 3;
  const two = f64x2.splat(2 * shift);
  const nv = f64x2.splat(n);
  const nm2v = f64x2.splat(nm2);
  let c = 0;
  for (; c + 2 <= ow; c += 2) {
    const o = (<usize>c) << 3;
    const s = f64x2.add(
      f64x2.sub(f64x2.sub(v128.load(sumB + o + wb), v128.load(sumB + o)), v128.load(sumA + o + wb)),
      v128.load(sumA + o),
    );
    const q = f64x2.add(
      f64x2.sub(f64x2.sub(v128.load(sqB + o + wb), v128.load(sqB + o)), v128.load(sqA + o + wb)),
      v128.load(sqA + o),
    );
    const r = centred
      ? f64x2.sub(q, f64x2.div(f64x2.mul(s, s), nv))
      : f64x2.add(f64x2.add(q, f64x2.mul(two, s)), nm2v);
    v128.store(out + o, r);
  }
  for (; c < ow; c++) {
    const o = (<usize>c) << 3;
    const s = load<f64>(sumB + o + wb) - load<f64>(sumB + o) - load<f64>(sumA + o + wb) + load<f64>(sumA + o);
    const q = load<f64>(sqB + o + wb) - load<f64>(sqB + o) - load<f64>(sqA + o + wb) + load<f64>(sqA + o);
    store<f64>(out + o, centred ? q - (s * s) / n : q + 2 * shift * s + nm2);
  }
}

/**
 * ccoeff-normed scores: out[i] = 0 where the window is flat (variance ≤ tol) or the
 * denominator is within the correlation's error (den ≤ numErr), else corr/den clamped to
 * [−1, 1], with den = √(max(variance, 0)·tSq) — the reference's expression, rounded once to
 * float32 as a Float32Array store rounds it.
 */
export function matchCcoeffNormed(
  stat: usize,
  corr: usize,
  out: usize,
  count: i32,
  tSq: f64,
  tol: f64,
  numErr: f64,
): void {
  for (let i = 0; i < count; i++) {
    const o = (<usize>i) << 3;
    const variance = load<f64>(stat + o);
    const den = Math.sqrt(max<f64>(variance, 0) * tSq);
    let v: f64 = 0;
    if (!(variance <= tol || den <= numErr)) {
      v = load<f64>(corr + o) / den;
      v = v < -1 ? -1 : v > 1 ? 1 : v;
    }
    store<f32>(out + ((<usize>i) << 2), <f32>v);
  }
}
