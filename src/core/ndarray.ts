import { type AnyTypedArray, type DType, allocate, dtypeOf, isDType } from './dtypes.js';
import { InvalidArgumentError, ShapeError, invalidArgument } from './errors.js';

/**
 * A dense C-order array. Images are H×W (gray) or H×W×C (channels last,
 * interleaved); a 1-D signal has shape [N]. Batches for CNN layers (convkit/nn) are
 * 4-D, N×C×H×W (PyTorch's NCHW); image filters refuse them.
 */
export interface NDArray<T extends AnyTypedArray = AnyTypedArray> {
  readonly data: T;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /**
   * True when the last channel of an H×W×C image (C = 2 or 4) is alpha. Image readers
   * set it; filters then premultiply colour by alpha so transparent pixels do not bleed.
   */
  readonly alpha?: boolean;
}

/** Largest number of elements convkit allocates for one array (2^30, i.e. 8 GiB of float64). */
export const MAX_ELEMENTS = 2 ** 30;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Wraps data and a shape into an NDArray, checking that they agree. */
export function ndarray<T extends AnyTypedArray>(
  data: T,
  shape: readonly number[],
  options: { alpha?: boolean } = {},
): NDArray<T> {
  if (!ArrayBuffer.isView(data) || !isDType(dtypeOfSafe(data))) {
    invalidArgument('data', 'a Uint8Array, Uint16Array, Float32Array or Float64Array', data);
  }
  checkShape(shape);
  const n = sizeOf(shape);
  if (n !== data.length) {
    throw new ShapeError(
      `ndarray: shape [${shape.join(', ')}] holds ${n} elements but data has ${data.length}`,
    );
  }
  const result: NDArray<T> = { data, shape: [...shape], dtype: dtypeOf(data) };
  if (options.alpha) {
    const c = shape.length === 3 ? shape[2] : 1;
    if (c !== 2 && c !== 4)
      invalidArgument('alpha', 'an H×W×2 or H×W×4 image', `shape [${shape.join(', ')}]`);
    return { ...result, alpha: true };
  }
  return result;
}

function dtypeOfSafe(data: unknown): DType | undefined {
  if (data instanceof Uint8Array && !(data instanceof Uint8ClampedArray)) return 'uint8';
  if (data instanceof Uint16Array || data instanceof Float32Array || data instanceof Float64Array) {
    return dtypeOf(data);
  }
  return undefined;
}

export function checkShape(shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 4) {
    invalidArgument('shape', '[N], [H, W], [H, W, C] or [N, C, H, W]', shape);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) invalidArgument('shape', 'positive integer dimensions', shape);
  }
  if (sizeOf(shape) > MAX_ELEMENTS) {
    invalidArgument('shape', `at most ${MAX_ELEMENTS} elements`, shape, 'the buffer would exceed memory');
  }
}

/** Allocates a zero-filled array. */
export function zeros(shape: readonly number[], dtype: DType = 'float64'): NDArray {
  checkShape(shape);
  return { data: allocate(dtype, sizeOf(shape)), shape: [...shape], dtype };
}

/** Image geometry: a 1-D signal is one row, a gray image one channel. */
export interface ImageDims {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export function imageDims(a: NDArray): ImageDims {
  const s = a.shape;
  if (s.length > 3) {
    invalidArgument(
      'input',
      'an H×W or H×W×C image or a 1-D signal (N×C×H×W batches are for convkit/nn conv2d)',
      `shape [${s.join(', ')}]`,
    );
  }
  if (s.length === 1) return { height: 1, width: s[0], channels: 1 };
  if (s.length === 2) return { height: s[0], width: s[1], channels: 1 };
  return { height: s[0], width: s[1], channels: s[2] };
}

/** Checks the public-boundary invariants of an array passed in by a user. */
export function checkArray(a: unknown, option = 'input'): asserts a is NDArray {
  if (typeof a !== 'object' || a === null || !('data' in a) || !('shape' in a)) {
    throw new InvalidArgumentError(option, 'an NDArray {data, shape, dtype}', a);
  }
  const arr = a as NDArray;
  const dt = dtypeOfSafe(arr.data);
  if (dt === undefined) {
    invalidArgument(`${option}.data`, 'a Uint8Array, Uint16Array, Float32Array or Float64Array', arr.data);
  }
  checkShape(arr.shape);
  if (sizeOf(arr.shape) !== arr.data.length) {
    throw new ShapeError(
      `${option}: shape [${arr.shape.join(', ')}] holds ${sizeOf(arr.shape)} elements but data has ${arr.data.length}`,
    );
  }
  if (arr.dtype !== dt) invalidArgument(`${option}.dtype`, `"${dt}" (the type of its data)`, arr.dtype);
}
