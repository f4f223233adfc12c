/**
 * Geometry of a 2-D CNN convolution (PyTorch's conv2d): which input pixel each output
 * pixel reads. Forward, backward and the transposed convolution all share it.
 *
 *   y[n, o, p, q] = b[o] + Σ_c Σ_i Σ_j  w[o, c, i, j] · x[n, g·Cg + c, p·sh − pt + i·dh, q·sw − pl + j·dw]
 *
 * (cross-correlation: no flip; g = o div Og is the group of output channel o; pixels
 * outside the input are 0.) Output size per axis:
 *
 *   Ho = floor((H + pt + pb − dh·(kh − 1) − 1) / sh) + 1
 */
import { type AnyTypedArray } from '../core/dtypes.js';
import { ShapeError, invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, checkArray, sizeOf } from '../core/ndarray.js';

/** A pair given as one number (both axes) or [height axis, width axis]. */
export type Pair = number | readonly [number, number];

/**
 * Zero padding around the input:
 * - a number p: p on every side;
 * - [ph, pw]: ph above and below, pw left and right (PyTorch's `padding=(ph, pw)`);
 * - [top, bottom, left, right]: each side on its own;
 * - `'valid'`: no padding;
 * - `'same'`: the output is H×W (stride 1 only, as PyTorch). The total per axis is
 *   d·(k − 1); the top/left side gets half of it rounded down and the bottom/right side
 *   the rest, so an even kernel pads one more at the bottom/right (PyTorch's rule).
 */
export type Padding =
  number | readonly [number, number] | readonly [number, number, number, number] | 'same' | 'valid';

/** How conv2d is computed; every method gives the same result (float rounding aside). */
export type ConvMethod = 'auto' | 'gemm' | 'winograd' | 'direct';
export const CONV_METHODS: readonly ConvMethod[] = ['auto', 'gemm', 'winograd', 'direct'];

/** Options of conv2d and its backward pass. */
export interface Conv2dOptions {
  /** Step between output pixels, [sh, sw] or one number (default 1). */
  stride?: Pair;
  /** Zero padding (default 0); see `Padding`. */
  padding?: Padding;
  /** Spacing between kernel taps, [dh, dw] or one number (default 1: adjacent taps). */
  dilation?: Pair;
  /** Channel groups G (default 1): C and O must be multiples of G; weight is O×(C/G)×kh×kw. */
  groups?: number;
  /**
   * `auto` (default), `gemm` (im2col + blocked matrix product), `winograd` (F(2×2, 3×3): 3×3
   * kernels, stride 1, dilation 1) or `direct` (plain loops). All give the same result.
   */
  method?: ConvMethod;
}

/** The resolved geometry of one convolution: every number the loops need. */
export interface ConvGeometry {
  /** Batch size. */
  readonly n: number;
  /** Input channels, height, width. */
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** Output channels, height, width. */
  readonly o: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups: number;
  /** Input and output channels per group. */
  readonly cg: number;
  readonly og: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Padding: top, bottom, left, right. */
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
}

export type FloatArray = Float32Array | Float64Array;

function pair(option: string, v: Pair | undefined, dflt: number, min: number): [number, number] {
  const allowed = `an integer ≥ ${min} or a pair [h, w] of them`;
  if (v === undefined) return [dflt, dflt];
  const p: readonly unknown[] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : [];
  if (p.length !== 2 || !p.every((x) => Number.isSafeInteger(x) && (x as number) >= min))
    invalidArgument(option, allowed, v);
  return [p[0] as number, p[1] as number];
}

const PADDING_ALLOWED = "an integer ≥ 0, [ph, pw], [top, bottom, left, right], 'same' (stride 1) or 'valid'";

/** Padding as [top, bottom, left, right]. */
function resolvePadding(
  padding: Padding | undefined,
  kh: number,
  kw: number,
  [sh, sw]: [number, number],
  [dh, dw]: [number, number],
): [number, number, number, number] {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (sh !== 1 || sw !== 1) {
      invalidArgument(
        'padding',
        "numbers or 'valid' when stride > 1 ('same' needs stride 1, as in PyTorch)",
        'same',
        `stride ${sh},${sw}`,
      );
    }
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  }
  const p: readonly unknown[] =
    typeof padding === 'number' ? [padding, padding] : Array.isArray(padding) ? padding : [];
  if ((p.length !== 2 && p.length !== 4) || !p.every((x) => Number.isSafeInteger(x) && (x as number) >= 0))
    invalidArgument('padding', PADDING_ALLOWED, padding);
  const q = p as number[];
  return q.length === 2 ? [q[0], q[0], q[1], q[1]] : [q[0], q[1], q[2], q[3]];
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Checks that an array is a float32/float64 4-D batch; `what` names it in messages. */
export function checkBatch(op: string, what: string, a: NDArray, dims = 4): asserts a is NDArray<FloatArray> {
  checkArray(a, what);
  if (a.shape.length !== dims) {
    const form = dims === 4 ? (what === 'weight' ? 'O×I×kh×kw' : 'N×C×H×W') : 'length-O';
    throw new ShapeError(
      `${op}: ${what} must be a ${dims}-D ${form} array, got shape ${fmt(a.shape)} (${a.shape.length}-D)`,
    );
  }
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    invalidArgument(what, 'a float32 or float64 array', `a ${a.dtype} array`);
  }
}

export function checkGroups(groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isSafeInteger(g) || g < 1) invalidArgument('groups', 'an integer ≥ 1', groups);
  return g;
}

/** Output size along one axis (may be ≤ 0 for impossible geometries; callers check). */
export function convOutputSize(
  size: number,
  k: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * Resolves and checks conv2d's geometry for an input N×C×H×W and a weight O×(C/G)×kh×kw.
 * Throws ShapeError naming both shapes when they do not fit, InvalidArgumentError for a
 * bad option.
 */
export function conv2dGeometry(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions = {},
  op = 'conv2d',
): ConvGeometry {
  const [n, c, h, w] = inputShape;
  const [o, ci, kh, kw] = weightShape;
  const stride = pair('stride', options.stride, 1, 1);
  const dilation = pair('dilation', options.dilation, 1, 1);
  const groups = checkGroups(options.groups);
  const shapes = `input ${fmt(inputShape)}, weight ${fmt(weightShape)}`;
  if (c !== ci * groups) {
    throw new ShapeError(
      `${op}: input channels (${c}) must equal weight in-channels × groups (${ci} × ${groups} = ${ci * groups}); ${shapes}`,
    );
  }
  if (o % groups !== 0) {
    throw new ShapeError(
      `${op}: weight out-channels (${o}) must be a multiple of groups (${groups}); ${shapes}`,
    );
  }
  const [pt, pb, pl, pr] = resolvePadding(options.padding, kh, kw, stride, dilation);
  const [sh, sw] = stride;
  const [dh, dw] = dilation;
  const oh = convOutputSize(h, kh, sh, pt, pb, dh);
  const ow = convOutputSize(w, kw, sw, pl, pr, dw);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${op}: the output would be ${oh}×${ow}: the dilated ${kh}×${kw} kernel spans ` +
        `${dh * (kh - 1) + 1}×${dw * (kw - 1) + 1} but the padded input is only ` +
        `${h + pt + pb}×${w + pl + pr}; ${shapes}, padding [${pt}, ${pb}, ${pl}, ${pr}]`,
    );
  }
  checkSize(op, [n, o, oh, ow]);
  return { n, c, h, w, o, oh, ow, kh, kw, groups, cg: ci, og: o / groups, sh, sw, dh, dw, pt, pb, pl, pr };
}

/** Options of the transposed convolution (PyTorch's conv_transpose2d). */
export interface ConvTranspose2dOptions {
  /** Stride of the convolution this one transposes (default 1). */
  stride?: Pair;
  /** Padding of the convolution this one transposes: crops the output (default 0). */
  padding?: number | readonly [number, number];
  /**
   * Extra rows/columns added at the bottom/right of the output (default 0), to pick one
   * of the `stride` input sizes that a strided convolution maps to the same output size.
   * Must be smaller than the stride or the dilation (PyTorch's rule).
   */
  outputPadding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1); weight is C×(O/G)×kh×kw. */
  groups?: number;
  /** `auto` (default), `gemm`, `winograd` or `direct`. */
  method?: ConvMethod;
}

/**
 * The geometry of conv_transpose2d for an input N×C×H×W and a weight C×(O/G)×kh×kw, given
 * as the geometry of the *forward* convolution that it transposes: that convolution maps
 * the (N×O×Ho×Wo) result back to N×C×H×W. So `geo.h, geo.w` are the transposed
 * output's size, `geo.oh, geo.ow` its input's, `geo.c` the output channels and `geo.o` the
 * input channels.
 *
 *   Ho = (H − 1)·sh − 2·ph + dh·(kh − 1) + oph + 1
 */
export function convTranspose2dGeometry(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: ConvTranspose2dOptions = {},
  op = 'conv_transpose2d',
): ConvGeometry {
  const [n, c, h, w] = inputShape;
  const [wc, og, kh, kw] = weightShape;
  const [sh, sw] = pair('stride', options.stride, 1, 1);
  const [dh, dw] = pair('dilation', options.dilation, 1, 1);
  const pad = options.padding;
  if (typeof pad === 'string') invalidArgument('padding', 'an integer ≥ 0 or a pair [ph, pw]', pad);
  const [ph, pw] = pair('padding', pad, 0, 0);
  const [oph, opw] = pair('outputPadding', options.outputPadding, 0, 0);
  const groups = checkGroups(options.groups);
  const shapes = `input ${fmt(inputShape)}, weight ${fmt(weightShape)}`;
  if (c !== wc) {
    throw new ShapeError(
      `${op}: input channels (${c}) must equal the weight's first dimension (${wc}); ${shapes}`,
    );
  }
  if (c % groups !== 0) {
    throw new ShapeError(`${op}: input channels (${c}) must be a multiple of groups (${groups}); ${shapes}`);
  }
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw)) {
    invalidArgument(
      'outputPadding',
      `values smaller than the stride or the dilation (stride ${sh},${sw}, dilation ${dh},${dw})`,
      [oph, opw],
    );
  }
  const outH = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const outW = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: the output would be ${outH}×${outW} (padding ${ph},${pw} crops more than the ` +
        `${(h - 1) * sh + dh * (kh - 1) + 1}×${(w - 1) * sw + dw * (kw - 1) + 1} full result); ${shapes}`,
    );
  }
  checkSize(op, [n, og * groups, outH, outW]);
  return {
    n,
    c: og * groups,
    h: outH,
    w: outW,
    o: c,
    oh: h,
    ow: w,
    kh,
    kw,
    groups,
    cg: og,
    og: c / groups,
    sh,
    sw,
    dh,
    dw,
    pt: ph,
    pb: ph,
    pl: pw,
    pr: pw,
  };
}

function checkSize(op: string, shape: number[]): void {
  if (sizeOf(shape) > MAX_ELEMENTS) {
    invalidArgument(
      'output',
      `at most ${MAX_ELEMENTS} elements`,
      fmt(shape),
      `${op}: the buffer would exceed memory`,
    );
  }
}

/** New array of the given dtype's constructor. */
export function allocLike(dtype: 'float32' | 'float64', n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

export function isFloatArray(a: AnyTypedArray): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}
