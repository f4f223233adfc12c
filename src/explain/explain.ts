/**
 * Worked examples: every term of the sum that gives one output value of `correlate` or
 * `convolve`, with the pixel index, the kernel index as the user wrote the kernel (before
 * any flip), both values, the product, and — for pixels outside the image — the border
 * rule that produced the value.
 *
 * The explanation is computed from the same spec as the filters (`linearSpec`,
 * `linearGeometry`, `borderIndex`) and sums the products in the order the direct loop
 * does, so its `sum` converted to the output dtype is bit-identical to the filter output of
 * the direct method (other methods agree with the direct one within their stated tolerance).
 *
 * Two ways of writing indices (always [row, column]):
 *   zero-based  pixel [0, 0] is the top-left of the image, tap [0, 0] the top-left of the
 *               kernel, output [0, 0] the top-left of the output (NumPy, OpenCV).
 *   centered    the centre of the image, of the kernel and of the output is [0, 0], as in
 *               the worked examples of the convolution-vs-correlation blog post. Then, with
 *               the default anchor, convolution reads y[m, n] = Σ x[i, j]·h[m − i, n − j] and
 *               correlation y[m, n] = Σ x[m + i, n + j]·h[i, j], in every output shape.
 *               For even sizes there is no centre element: index 0 is then element
 *               size//2 (the lower/right of the two middle ones, like the default anchor)
 *               and the kernel's [0, 0] is always its anchor. A note says so.
 */
import { type BorderMode, borderIndex } from '../border/border.js';
import { toInteger } from '../core/cast.js';
import { type DType, isIntegerDType } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims } from '../core/ndarray.js';
import { type KernelLike, toKernel } from '../kernels/kernel.js';
import { type LinearOptions, type LinearSpec, linearGeometry, linearSpec } from '../linear/correlate.js';

export type ExplainOp = 'convolve' | 'correlate';
export const EXPLAIN_OPS: readonly ExplainOp[] = ['convolve', 'correlate'];

/** A value in a worked example: a number, or a symbol (a letter like `a`, or `x[0, 1]`). */
export type ExplainValue = number | string;

/** A kernel whose taps may be letters (a…i as in the blog post) instead of numbers. */
export interface SymbolicKernel {
  readonly rows: number;
  readonly cols: number;
  /** Row-major taps; a string is a symbol. */
  readonly values: readonly ExplainValue[];
}

/** An image known only by its size: pixel [r, c] is the symbol `x[r, c]`. */
export interface SymbolicImage {
  readonly height: number;
  readonly width: number;
}

export interface ExplainOptions extends Pick<
  LinearOptions,
  'border' | 'cval' | 'shape' | 'anchor' | 'dtype' | 'rounding'
> {
  /** The output position [row, col] (or n for a 1-D signal), in the chosen indexing. */
  at: readonly [number, number] | number;
  /** `convolve` (default) or `correlate`. */
  op?: ExplainOp;
  /** Centered indices (the blog post's convention) instead of zero-based. Default false. */
  centered?: boolean;
  /** Which channel of an H×W×C image (default 0). */
  channel?: number;
}

/** One term of the sum: x · h. */
export interface ExplainTerm {
  /** Image index of the pixel (outside the image for border pixels). */
  readonly pixel: [number, number];
  /** Kernel index as the user wrote the kernel (before the flip of convolution). */
  readonly tap: [number, number];
  readonly x: ExplainValue;
  readonly h: ExplainValue;
  readonly product: ExplainValue;
  /** Present for pixels outside the image: the border mode that produced x. */
  readonly border?: BorderMode;
  /** For border pixels of a non-constant mode: the image pixel whose value x is. */
  readonly from?: [number, number];
}

export interface Explanation {
  readonly op: ExplainOp;
  readonly at: [number, number];
  readonly indexing: 'centered' | 'zero-based';
  /**
   * The terms in the order the filter sums them: row-major over the neighbourhood, i.e.
   * over the kernel as it is laid on the image (flipped for convolution).
   */
  readonly terms: readonly ExplainTerm[];
  /** Σ h·x in float64 (a symbolic expression when a value is a symbol). */
  readonly sum: ExplainValue;
  /** What correlate/convolve return at this position, in the output dtype (numeric only). */
  readonly output?: number;
  readonly params: {
    readonly border: BorderMode;
    readonly cval: number;
    readonly shape: 'same' | 'full' | 'valid';
    /** The kernel element on the output pixel for shape same, zero-based, as written. */
    readonly anchor: [number, number];
    /** [height, width, channels] of the image; a 1-D signal is one row. */
    readonly image: [number, number, number];
    /** [rows, cols] of the kernel. */
    readonly kernel: [number, number];
    /** [rows, cols] of the output. */
    readonly outputShape: [number, number];
    readonly channel: number;
    readonly dtype: DType;
    readonly symbolic: boolean;
  };
  /** The kernel as written (row-major, `params.kernel` rows × cols). */
  readonly kernel: readonly ExplainValue[];
  /** Notes a reader needs (even sizes under --centered, alpha handling…). */
  readonly notes: readonly string[];
  /** Zero-based origins used for centered indices: image, kernel, output. */
  readonly origins: {
    readonly image: [number, number];
    readonly kernel: [number, number];
    readonly output: [number, number];
  };
}

/** Largest symbolic image (pixels) explain accepts: its size is only used for geometry. */
const MAX_SYMBOLIC_PIXELS = 1 << 22;

function isSymbolicKernel(k: unknown): k is SymbolicKernel {
  return typeof k === 'object' && k !== null && 'values' in k && 'rows' in k && 'cols' in k;
}

function isSymbolicImage(x: unknown): x is SymbolicImage {
  return typeof x === 'object' && x !== null && !('data' in x) && 'height' in x && 'width' in x;
}

/**
 * Explains one output value of `convolve` (default) or `correlate`: every term of the sum.
 * Options are those of correlate/convolve (border default `constant` 0, shape `same`,
 * anchor the kernel centre, output dtype the input's) plus `at`, `op`, `centered` and
 * `channel`. An image with an alpha channel is explained channel by channel, as
 * `alpha: 'separate'` filters it.
 *
 * @example
 *   const x = ndarray(Float64Array.from([1, 2, 3, 4]), [4]);
 *   const e = explain(x, [1, 0, -1], { at: 1 });     // convolve: y[1] = x[2] − x[0]
 *   e.terms.map((t) => [t.pixel[1], t.tap[1]]);       // [[0, 2], [1, 1], [2, 0]]
 *   e.sum;                                            // 2
 */
export function explain(
  input: NDArray | SymbolicImage,
  kernel: KernelLike | SymbolicKernel,
  options: ExplainOptions,
): Explanation {
  const op = options.op ?? 'convolve';
  if (!EXPLAIN_OPS.includes(op)) invalidArgument('op', EXPLAIN_OPS.join(' or '), op);
  const symbolicImage = isSymbolicImage(input);
  const symbolicKernel = isSymbolicKernel(kernel);
  const image = symbolicImage ? placeholderImage(input) : input;
  if (!symbolicImage) checkArray(image);
  const { kernel: numericKernel, values: written } = symbolicKernel
    ? checkSymbolicKernel(kernel)
    : (() => {
        const k = toKernel(kernel);
        return { kernel: k, values: Array.from(k.data) as ExplainValue[] };
      })();
  const linear: LinearOptions = {
    border: options.border,
    cval: options.cval,
    shape: options.shape,
    anchor: options.anchor,
    dtype: options.dtype,
    rounding: options.rounding,
    alpha: 'separate',
  };
  const spec = linearSpec(image, numericKernel, linear, op === 'convolve');
  const { height: H, width: W, channels: C } = imageDims(image);
  const geo = linearGeometry(spec, H, W);
  const { rows: kh, cols: kw } = spec.kernel;
  // The anchor as the user wrote it (linearSpec mirrors it for convolution).
  const anchor: [number, number] =
    op === 'convolve' ? [kh - 1 - spec.anchor[0], kw - 1 - spec.anchor[1]] : [...spec.anchor];

  const channel = options.channel ?? 0;
  if (!Number.isInteger(channel) || channel < 0 || channel >= C) {
    invalidArgument('channel', `an integer from 0 to ${C - 1} (the image has ${C} channel(s))`, channel);
  }

  const centered = options.centered === true;
  const origins = {
    image: [H >> 1, W >> 1] as [number, number],
    kernel: anchor,
    output: [geo.outHeight >> 1, geo.outWidth >> 1] as [number, number],
  };
  const notes: string[] = [];
  if (centered) notes.push(...evenSizeNotes(H, W, kh, kw, geo.outHeight, geo.outWidth, anchor));
  if (!symbolicImage && image.alpha === true) {
    notes.push(
      `channel ${channel} is explained on its own (alpha "separate"); by default correlate/convolve ` +
        `weight colour by alpha (alpha "premultiply"), which divides this sum by the filtered alpha`,
    );
  }

  const at = resolveAt(options.at, image, centered, origins.output, geo.outHeight, geo.outWidth);
  const [m, n] = at;
  const toUser = (p: [number, number], o: [number, number]): [number, number] =>
    centered ? [p[0] - o[0], p[1] - o[1]] : p;

  const terms: ExplainTerm[] = [];
  const flip = op === 'convolve';
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const pr = m + i - geo.pad.top;
      const pc = n + j - geo.pad.left;
      const tap: [number, number] = flip ? [kh - 1 - i, kw - 1 - j] : [i, j];
      const h = written[tap[0] * kw + tap[1]];
      const sr = borderIndex(pr, H, spec.border.mode);
      const sc = borderIndex(pc, W, spec.border.mode);
      const inside = pr >= 0 && pr < H && pc >= 0 && pc < W;
      let x: ExplainValue;
      if (sr < 0 || sc < 0) {
        x = spec.border.cval;
      } else if (symbolicImage) {
        const [ur, uc] = toUser([sr, sc], origins.image);
        x = `x[${ur}, ${uc}]`;
      } else {
        x = image.data[(sr * W + sc) * C + channel];
      }
      const term: ExplainTerm = {
        pixel: toUser([pr, pc], origins.image),
        tap: toUser(tap, origins.kernel),
        x,
        h,
        product: multiply(h, x),
        ...(inside ? {} : { border: spec.border.mode }),
        ...(inside || sr < 0 || sc < 0 ? {} : { from: toUser([sr, sc], origins.image) }),
      };
      terms.push(term);
    }
  }

  const sum = sumTerms(terms);
  const symbolic = typeof sum === 'string';
  return {
    op,
    at: toUser(at, origins.output),
    indexing: centered ? 'centered' : 'zero-based',
    terms,
    sum,
    ...(symbolic ? {} : { output: castTo(sum as number, spec) }),
    params: {
      border: spec.border.mode,
      cval: spec.border.cval,
      shape: spec.shape,
      anchor,
      image: [H, W, C],
      kernel: [kh, kw],
      outputShape: [geo.outHeight, geo.outWidth],
      channel,
      dtype: spec.dtype,
      symbolic,
    },
    kernel: written,
    notes,
    origins,
  };
}

/** A zero image of the symbolic image's size, so that linearSpec validates as usual. */
function placeholderImage(x: SymbolicImage): NDArray {
  const { height, width } = x;
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!ok(height) || !ok(width) || height * width > MAX_SYMBOLIC_PIXELS) {
    invalidArgument(
      'image',
      `a symbolic image size with positive integer sides and at most ${MAX_SYMBOLIC_PIXELS} pixels`,
      `${height}×${width}`,
    );
  }
  return { data: new Float64Array(height * width), shape: [height, width], dtype: 'float64' };
}

function checkSymbolicKernel(k: SymbolicKernel) {
  const { rows, cols, values } = k;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    invalidArgument('kernel', 'a non-empty kernel', `${rows}×${cols}`);
  }
  if (values.length !== rows * cols) {
    invalidArgument('kernel', 'rows × cols taps', `${rows}×${cols} with ${values.length} taps`);
  }
  for (const v of values) {
    if (typeof v === 'string' ? v.trim() === '' : !Number.isFinite(v)) {
      invalidArgument('kernel', 'finite numbers or non-empty symbols', v);
    }
  }
  // Geometry only: a symbol counts as a non-zero weight.
  const data = Float64Array.from(values, (v) => (typeof v === 'number' ? v : 1));
  return { kernel: { data, rows, cols }, values: [...values] };
}

function evenSizeNotes(
  H: number,
  W: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  anchor: [number, number],
): string[] {
  const notes: string[] = [];
  const describe = (what: string, rows: number, cols: number, origin: string) => {
    const even = [rows % 2 === 0 ? `height ${rows}` : '', cols % 2 === 0 ? `width ${cols}` : '']
      .filter(Boolean)
      .join(' and ');
    if (even) {
      notes.push(
        `centered indices: the ${what} has an even ${even}, so it has no centre element; ` +
          `its [0, 0] is zero-based ${origin}`,
      );
    }
  };
  describe(
    'image',
    H,
    W,
    `[${H >> 1}, ${W >> 1}] (size//2: the lower/right of the two middle elements, like the default anchor)`,
  );
  if (kh % 2 === 0 || kw % 2 === 0) {
    notes.push(
      `centered indices: the ${kh}×${kw} kernel has no centre element; its [0, 0] is its anchor, ` +
        `zero-based [${anchor[0]}, ${anchor[1]}] (the element that sits on the output pixel)`,
    );
  }
  describe('output', oh, ow, `[${oh >> 1}, ${ow >> 1}] (size//2)`);
  return notes;
}

function resolveAt(
  at: ExplainOptions['at'],
  image: NDArray,
  centered: boolean,
  origin: [number, number],
  oh: number,
  ow: number,
): [number, number] {
  const oneD = image.shape.length === 1;
  const lo = centered ? [-origin[0], -origin[1]] : [0, 0];
  const hi = [lo[0] + oh - 1, lo[1] + ow - 1];
  const allowed = oneD
    ? `n with ${lo[1]} ≤ n ≤ ${hi[1]} (the ${centered ? 'centered ' : ''}output has ${ow} positions)`
    : `R,C with ${lo[0]} ≤ R ≤ ${hi[0]} and ${lo[1]} ≤ C ≤ ${hi[1]} (inside the ${oh}×${ow} output${centered ? ', centered indices' : ''})`;
  // A 1-D signal is one row: its position may be given as n alone.
  const pair: readonly number[] | undefined =
    typeof at === 'number' ? (oneD ? [lo[0], at] : undefined) : Array.isArray(at) ? at : undefined;
  if (pair === undefined || pair.length !== 2) invalidArgument('at', allowed, at);
  const [r, c] = pair;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r < lo[0] || r > hi[0] || c < lo[1] || c > hi[1]) {
    invalidArgument('at', allowed, typeof at === 'number' ? at : [r, c]);
  }
  return centered ? [r + origin[0], c + origin[1]] : [r, c];
}

function multiply(h: ExplainValue, x: ExplainValue): ExplainValue {
  if (typeof h === 'number' && typeof x === 'number') return h * x;
  // Written as a learner would: 1·x[0, 0] is x[0, 0], −1·x[0, 0] is −x[0, 0].
  if (h === 1) return formatValue(x);
  if (h === -1) return `-${formatValue(x)}`;
  return `${formatValue(h)}·${formatValue(x)}`;
}

/**
 * Σ products in the direct loop's order, skipping zero weights as it does (so a NaN under
 * a zero weight does not reach the sum); symbolic terms make a symbolic sum.
 */
function sumTerms(terms: readonly ExplainTerm[]): ExplainValue {
  if (terms.some((t) => typeof t.product === 'string')) {
    const parts = terms.filter((t) => t.h !== 0 && t.x !== 0).map((t) => formatValue(t.product));
    return parts.length === 0 ? 0 : parts.join(' + ').replace(/ \+ -/g, ' − ');
  }
  let acc = 0;
  let first = true;
  for (const t of terms) {
    if (t.h === 0) continue;
    acc = first ? (t.product as number) : acc + (t.product as number);
    first = false;
  }
  return acc;
}

/** The sum as correlate/convolve store it in the output dtype. */
function castTo(v: number, spec: LinearSpec): number {
  if (spec.dtype === 'float64') return v;
  if (spec.dtype === 'float32') return Math.fround(v);
  if (!isIntegerDType(spec.dtype)) return v;
  return Number.isNaN(v) ? NaN : toInteger(v, spec.dtype, spec.rounding);
}

/** A value as a worked example shows it: integers as is, others to 6 significant digits. */
export function formatValue(v: ExplainValue): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const s = v.toPrecision(6);
  return s.includes('e') ? s : s.replace(/\.?0+$/, '');
}
