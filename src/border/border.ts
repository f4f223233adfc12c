/**
 * Border modes: how an image is extended beyond its edges. This is the only module
 * that knows about edges; every filter pads through it so its loops never test bounds.
 *
 * Shown for a row `abcd` (canonical name, then aliases):
 *
 *   constant    k k │ a b c d │ k k   (k = cval, default 0)   zero (k = 0), fill
 *   replicate   a a │ a b c d │ d d                            nearest, edge
 *   symmetric   b a │ a b c d │ d c   (edge repeated)          reflect
 *   mirror      c b │ a b c d │ c b   (edge not repeated)      reflect101
 *   wrap        c d │ a b c d │ a b                            circular, periodic
 *
 * An extension wider than the image repeats the same pattern (as NumPy's `pad`).
 */
import type { AnyTypedArray } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';

export type BorderMode = 'constant' | 'replicate' | 'symmetric' | 'mirror' | 'wrap';

export const BORDER_MODES: readonly BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

/** Every accepted spelling and the canonical mode it means. `zero` also forces cval = 0. */
export const BORDER_ALIASES: Readonly<Record<string, BorderMode>> = {
  constant: 'constant',
  zero: 'constant',
  fill: 'constant',
  replicate: 'replicate',
  nearest: 'replicate',
  edge: 'replicate',
  symmetric: 'symmetric',
  reflect: 'symmetric',
  mirror: 'mirror',
  reflect101: 'mirror',
  wrap: 'wrap',
  circular: 'wrap',
  periodic: 'wrap',
};

/** One-line picture of each mode on the row `abcd`, with its peers' names. */
export const BORDER_PICTOGRAMS: Readonly<Record<BorderMode, string>> = {
  constant:
    'k k | a b c d | k k   k = cval (default 0)   aliases: zero, fill   OpenCV CONSTANT, SciPy constant',
  replicate:
    'a a | a b c d | d d                       aliases: nearest, edge   OpenCV REPLICATE, SciPy nearest',
  symmetric: 'b a | a b c d | d c   edge repeated       alias: reflect   OpenCV REFLECT, SciPy reflect',
  mirror: 'c b | a b c d | c b   edge not repeated   alias: reflect101   OpenCV REFLECT_101, SciPy mirror',
  wrap: 'c d | a b c d | a b                       aliases: circular, periodic   OpenCV WRAP, SciPy grid-wrap',
};

export const BORDER_NAMES_TEXT = Object.keys(BORDER_ALIASES).join(', ');

/** A border as filters use it: the canonical mode and the constant value (0 unless `constant`). */
export interface Border {
  readonly mode: BorderMode;
  readonly cval: number;
}

/**
 * Resolves a user's border name (any alias, case-insensitive) and cval into a `Border`.
 * `zero` means constant 0 and rejects a non-zero cval.
 */
export function resolveBorder(
  name: string | undefined,
  cval: number | undefined,
  fallback: BorderMode,
): Border {
  const key = name === undefined ? fallback : String(name).toLowerCase();
  const mode = BORDER_ALIASES[key];
  if (mode === undefined) invalidArgument('border', `one of ${BORDER_NAMES_TEXT}`, name);
  if (cval !== undefined && (typeof cval !== 'number' || !Number.isFinite(cval))) {
    invalidArgument('cval', 'a finite number', cval);
  }
  if (key === 'zero' && cval !== undefined && cval !== 0) {
    invalidArgument(
      'cval',
      '0 (or nothing) with border "zero"; use border "constant" for another value',
      cval,
    );
  }
  return { mode, cval: mode === 'constant' ? (cval ?? 0) : 0 };
}

/**
 * Maps an index `i` (any integer) of an extended line onto 0..n-1, or -1 where the
 * `constant` border supplies the value.
 */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'wrap':
      return ((i % n) + n) % n;
    case 'symmetric': {
      const j = ((i % (2 * n)) + 2 * n) % (2 * n);
      return j < n ? j : 2 * n - 1 - j;
    }
    case 'mirror': {
      if (n === 1) return 0;
      const p = 2 * n - 2;
      const j = ((i % p) + p) % p;
      return j < n ? j : p - j;
    }
  }
}

/** Index map for a line of length n extended by `before` and `after`: entry k is the source of position k − before. */
export function borderIndexMap(n: number, before: number, after: number, mode: BorderMode): Int32Array {
  const map = new Int32Array(before + n + after);
  for (let k = 0; k < map.length; k++) map[k] = borderIndex(k - before, n, mode);
  return map;
}

/** Extension of a plane: rows added above and below, columns added left and right. */
export interface Padding {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** A source plane inside an interleaved buffer: element (r, c) is `data[offset + r*rowStride + c*colStride]`. */
export interface PlaneView {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Writes rows [r0, r1) of the padded plane — the plane extended by `pad` under `border`,
 * (height + top + bottom) × (width + left + right) — contiguously into `out` from index 0.
 * Padding a band of rows at a time keeps the working set in cache; `padPlane` pads all.
 * `out` must hold the source values and cval exactly (callers pick Float64Array otherwise;
 * integer filters such as the median pad uint8/uint16 planes into arrays of their own type).
 */
export function padRows(
  src: PlaneView,
  pad: Padding,
  border: Border,
  r0: number,
  r1: number,
  out: AnyTypedArray,
  cols: Int32Array = borderIndexMap(src.width, pad.left, pad.right, border.mode),
): void {
  const { height: h, width: w, data, offset, rowStride, colStride } = src;
  const pw = w + pad.left + pad.right;
  const contiguous = colStride === 1 && typeof (data as Float64Array).subarray === 'function';
  for (let r = r0; r < r1; r++) {
    const sr = borderIndex(r - pad.top, h, border.mode);
    const o = (r - r0) * pw;
    if (sr < 0) {
      out.fill(border.cval, o, o + pw);
      continue;
    }
    const base = offset + sr * rowStride;
    for (let k = 0; k < pad.left; k++) {
      const sc = cols[k];
      out[o + k] = sc < 0 ? border.cval : data[base + sc * colStride];
    }
    if (contiguous) {
      out.set((data as Float64Array).subarray(base, base + w), o + pad.left);
    } else {
      for (let c = 0, q = base, p = o + pad.left; c < w; c++, q += colStride, p++) out[p] = data[q];
    }
    for (let k = pad.left + w; k < pw; k++) {
      const sc = cols[k];
      out[o + k] = sc < 0 ? border.cval : data[base + sc * colStride];
    }
  }
}

/** The whole padded plane in a new buffer of the given element type. */
export function padPlane<T extends AnyTypedArray>(
  src: PlaneView,
  pad: Padding,
  border: Border,
  Out: new (length: number) => T,
): T {
  const ph = src.height + pad.top + pad.bottom;
  const out = new Out(ph * (src.width + pad.left + pad.right));
  padRows(src, pad, border, 0, ph, out);
  return out;
}

/** An H×W×C image with interleaved channels (C = 1 for a plane): element (r, c, ch) is `data[(r*width + c)*channels + ch]`. */
export interface InterleavedView {
  readonly data: ArrayLike<number>;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * `padRows` for every channel of an interleaved image at once: padded row r holds
 * (width + left + right) pixels of `channels` interleaved elements, so a kernel column offset
 * j is j·channels elements and all channels are filtered in one pass (the SIMD engine's bands).
 * `out` may be any typed array that holds the source values and cval exactly. Rows are
 * `stride` elements apart in `out` (default: the padded row length); the elements between a
 * row's end and the next row repeat its last element, so a scan of the whole block for its
 * range sees only row values.
 */
export function padRowsInterleaved(
  src: InterleavedView,
  pad: Padding,
  border: Border,
  r0: number,
  r1: number,
  out: Uint8Array | Uint16Array | Float32Array | Float64Array,
  cols: Int32Array = borderIndexMap(src.width, pad.left, pad.right, border.mode),
  stride?: number,
): void {
  const { height: h, width: w, channels: C, data } = src;
  const rowLen = (w + pad.left + pad.right) * C;
  const step = stride ?? rowLen;
  const body = w * C;
  const view = typeof (data as Float64Array).subarray === 'function' ? (data as Float64Array) : undefined;
  for (let r = r0; r < r1; r++) {
    const sr = borderIndex(r - pad.top, h, border.mode);
    const o = (r - r0) * step;
    if (sr < 0) out.fill(border.cval, o, o + rowLen);
    else {
      const base = sr * body;
      for (let k = 0; k < pad.left; k++) copyPixel(data, base, cols[k], C, border.cval, out, o + k * C);
      if (view) out.set(view.subarray(base, base + body), o + pad.left * C);
      else for (let e = 0; e < body; e++) out[o + pad.left * C + e] = data[base + e];
      for (let k = pad.left + w; k < pad.left + w + pad.right; k++)
        copyPixel(data, base, cols[k], C, border.cval, out, o + k * C);
    }
    if (step > rowLen) out.fill(out[o + rowLen - 1], o + rowLen, o + step);
  }
}

/**
 * Padded columns [q0, q1) of padded rows [r0, r1) (coordinates as in `padRowsInterleaved`),
 * rows `stride` elements apart in `out`: the narrow edge strips of a filter that reads the
 * image's interior in place (src/engine/inplace.ts).
 */
export function padWindowInterleaved(
  src: InterleavedView,
  pad: Padding,
  border: Border,
  r0: number,
  r1: number,
  q0: number,
  q1: number,
  out: Uint8Array | Uint16Array | Float32Array | Float64Array,
  stride: number,
  cols: Int32Array = borderIndexMap(src.width, pad.left, pad.right, border.mode),
): void {
  const { height: h, width: w, channels: C, data } = src;
  for (let r = r0; r < r1; r++) {
    const sr = borderIndex(r - pad.top, h, border.mode);
    const o = (r - r0) * stride;
    if (sr < 0) out.fill(border.cval, o, o + (q1 - q0) * C);
    else
      for (let q = q0; q < q1; q++)
        copyPixel(data, sr * w * C, cols[q], C, border.cval, out, o + (q - q0) * C);
  }
}

function copyPixel(
  data: ArrayLike<number>,
  rowBase: number,
  sc: number,
  C: number,
  cval: number,
  out: Uint8Array | Uint16Array | Float32Array | Float64Array,
  o: number,
): void {
  if (sc < 0) for (let ch = 0; ch < C; ch++) out[o + ch] = cval;
  else for (let ch = 0; ch < C; ch++) out[o + ch] = data[rowBase + sc * C + ch];
}
