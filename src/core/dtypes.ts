/** Element types an array may hold. Names follow NumPy; `.npy` descriptors are in `npy.ts`. */
export type DType = 'uint8' | 'uint16' | 'float32' | 'float64';

export const DTYPES: readonly DType[] = ['uint8', 'uint16', 'float32', 'float64'];

export type AnyTypedArray = Uint8Array | Uint16Array | Float32Array | Float64Array;

export type TypedArrayFor<D extends DType> = D extends 'uint8'
  ? Uint8Array
  : D extends 'uint16'
    ? Uint16Array
    : D extends 'float32'
      ? Float32Array
      : Float64Array;

const CTORS = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function isDType(name: unknown): name is DType {
  return typeof name === 'string' && (DTYPES as readonly string[]).includes(name);
}

export function allocate<D extends DType>(dtype: D, length: number): TypedArrayFor<D> {
  return new CTORS[dtype](length) as TypedArrayFor<D>;
}

export function dtypeOf(data: AnyTypedArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

export function isIntegerDType(dtype: DType): dtype is 'uint8' | 'uint16' {
  return dtype === 'uint8' || dtype === 'uint16';
}

/** Largest value of an integer dtype (the smallest is 0 for both). */
export function integerMax(dtype: 'uint8' | 'uint16'): number {
  return dtype === 'uint8' ? 255 : 65535;
}
