/**
 * Conversion of filter results (float64 accumulators) to the output dtype.
 *
 * Integer outputs are rounded, then saturated to the type's range (OpenCV's
 * `saturate_cast`). Rounding modes, for users who must match another tool:
 *   half-even  (default) 2.5 → 2, 3.5 → 4, −0.5 → 0   NumPy rint, OpenCV (cvRound)
 *   half-away  2.5 → 3, −2.5 → −3                   MATLAB round
 *   truncate   2.9 → 2                              sharp, jimp
 * NaN cannot become an integer: converting it is an error, never a silent 0.
 */
import { type AnyTypedArray, type DType, integerMax } from './dtypes.js';
import { invalidArgument } from './errors.js';

export type Rounding = 'half-even' | 'half-away' | 'truncate';
export const ROUNDINGS: readonly Rounding[] = ['half-even', 'half-away', 'truncate'];

export function checkRounding(r: unknown): Rounding {
  if (r === undefined) return 'half-even';
  if (!(ROUNDINGS as readonly unknown[]).includes(r))
    invalidArgument('rounding', `one of ${ROUNDINGS.join(', ')}`, r);
  return r as Rounding;
}

/** Rounds half to even (banker's rounding), as NumPy's rint and OpenCV's cvRound. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // rounds .5 up (towards +∞)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

const ROUNDERS: Record<Rounding, (v: number) => number> = {
  'half-even': roundHalfEven,
  'half-away': roundHalfAway,
  truncate: Math.trunc,
};

/** Rounds and saturates one value to an integer dtype. NaN is an error. */
export function toInteger(v: number, dtype: 'uint8' | 'uint16', rounding: Rounding = 'half-even'): number {
  if (v !== v) nanToInteger(dtype);
  const r = ROUNDERS[rounding](v);
  const max = integerMax(dtype);
  return r < 0 ? 0 : r > max ? max : r;
}

function nanToInteger(dtype: DType): never {
  return invalidArgument('dtype', 'a float dtype (float32 or float64) when the result holds NaN', dtype);
}

/**
 * Stores `count` accumulator values into `out` at `outOffset`, every `stride` elements,
 * converting to the output's dtype. The loops are specialised per dtype so each stays
 * monomorphic.
 */
export function storeRow(
  acc: Float64Array,
  count: number,
  out: AnyTypedArray,
  outOffset: number,
  stride: number,
  dtype: DType,
  rounding: Rounding,
): void {
  if (dtype === 'float64' || dtype === 'float32') {
    const o = out as Float64Array | Float32Array;
    if (stride === 1) {
      o.set(count === acc.length ? acc : acc.subarray(0, count), outOffset);
    } else {
      for (let n = 0, p = outOffset; n < count; n++, p += stride) o[p] = acc[n];
    }
    return;
  }
  const max = integerMax(dtype);
  const o = out as Uint8Array | Uint16Array;
  if (rounding === 'half-even') {
    for (let n = 0, p = outOffset; n < count; n++, p += stride) {
      const v = acc[n];
      let r = Math.round(v);
      if (r - v === 0.5 && r % 2 !== 0) r -= 1;
      else if (r !== r) nanToInteger(dtype);
      o[p] = r < 0 ? 0 : r > max ? max : r;
    }
    return;
  }
  const round = ROUNDERS[rounding];
  for (let n = 0, p = outOffset; n < count; n++, p += stride) {
    const v = acc[n];
    if (v !== v) nanToInteger(dtype);
    const r = round(v);
    o[p] = r < 0 ? 0 : r > max ? max : r;
  }
}
