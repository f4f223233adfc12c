/**
 * A kernel is a 2-D array of float64 filter taps (a 1-D kernel is one row).
 * "Kernel" means taps only; the code that applies them is a loop.
 */
import { InvalidArgumentError, invalidArgument } from '../core/errors.js';
import type { NDArray } from '../core/ndarray.js';

export interface Kernel {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** What the public API accepts as a kernel: a Kernel, an NDArray (1-D or 2-D), nested arrays, or a flat list. */
export type KernelLike = Kernel | NDArray | readonly number[] | readonly (readonly number[])[];

/** Kernels beyond this many taps are refused: direct filtering would never finish. */
export const MAX_KERNEL_TAPS = 1 << 24;

function isKernel(k: unknown): k is Kernel {
  return typeof k === 'object' && k !== null && 'rows' in k && 'cols' in k && 'data' in k;
}

function isNDArray(k: unknown): k is NDArray {
  return typeof k === 'object' && k !== null && 'shape' in k && 'data' in k;
}

/** Builds a kernel from rows of numbers, checking it is rectangular, non-empty and finite. */
export function kernelFromRows(rows: readonly (readonly number[])[], option = 'kernel'): Kernel {
  if (rows.length === 0 || rows[0].length === 0) invalidArgument(option, 'a non-empty kernel', '[]');
  const cols = rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      invalidArgument(
        option,
        `rows of equal length (row 1 has ${cols} numbers)`,
        `row ${r + 1} with ${row.length}`,
      );
    }
    row.forEach((v, c) => (data[r * cols + c] = v));
  });
  return checkKernel({ data, rows: rows.length, cols }, option);
}

/** Validates and normalises any accepted kernel form. */
export function toKernel(k: KernelLike, option = 'kernel'): Kernel {
  if (isKernel(k)) {
    if (!Number.isInteger(k.rows) || !Number.isInteger(k.cols) || k.data.length !== k.rows * k.cols) {
      invalidArgument(option, 'rows × cols taps', `${k.rows}×${k.cols} with ${k.data.length} taps`);
    }
    return checkKernel({ data: Float64Array.from(k.data), rows: k.rows, cols: k.cols }, option);
  }
  if (isNDArray(k)) {
    if (k.shape.length === 1)
      return checkKernel({ data: Float64Array.from(k.data), rows: 1, cols: k.shape[0] }, option);
    if (k.shape.length === 2) {
      return checkKernel({ data: Float64Array.from(k.data), rows: k.shape[0], cols: k.shape[1] }, option);
    }
    invalidArgument(option, 'a 1-D or 2-D kernel', `shape [${k.shape.join(', ')}]`);
  }
  if (Array.isArray(k)) {
    if (k.length > 0 && k.every((v) => Array.isArray(v))) return kernelFromRows(k as number[][], option);
    if (k.every((v) => typeof v === 'number')) return kernelFromRows([k as number[]], option);
  }
  throw new InvalidArgumentError(option, 'a kernel (NDArray, number[][] or number[])', k);
}

function checkKernel(k: Kernel, option: string): Kernel {
  if (k.rows < 1 || k.cols < 1 || k.data.length === 0)
    invalidArgument(option, 'a non-empty kernel', `${k.rows}×${k.cols}`);
  if (k.data.length > MAX_KERNEL_TAPS)
    invalidArgument(option, `at most ${MAX_KERNEL_TAPS} taps`, `${k.rows}×${k.cols}`);
  for (let i = 0; i < k.data.length; i++) {
    const v = k.data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      invalidArgument(option, 'finite numbers', v, `tap [${Math.floor(i / k.cols)}, ${i % k.cols}]`);
    }
  }
  return k;
}

/** The kernel rotated by 180°: h[i, j] → h[kh−1−i, kw−1−j]. Convolution is correlation with this. */
export function flipKernel(k: Kernel): Kernel {
  const data = new Float64Array(k.data.length);
  for (let i = 0; i < data.length; i++) data[i] = k.data[data.length - 1 - i];
  return { data, rows: k.rows, cols: k.cols };
}

/**
 * Parses an inline kernel: rows separated by `;`, numbers by spaces or commas,
 * e.g. `"1 0 1; 0 1 0; 1 0 1"`. A single row is a 1-D kernel.
 */
export function parseInlineKernel(text: string, option = 'kernel'): Kernel {
  const trimmed = text.trim();
  if (trimmed === '') invalidArgument(option, 'a matrix like "1 0 1; 0 1 0; 1 0 1"', text);
  const rows = trimmed
    .replace(/^\[|\]$/g, '')
    .split(';')
    .map((row, r) => {
      const cells = row
        .trim()
        .split(/[\s,]+/)
        .filter((s) => s !== '');
      if (cells.length === 0)
        invalidArgument(
          option,
          'a matrix like "1 0 1; 0 1 0; 1 0 1" (no empty rows)',
          text,
          `row ${r + 1} is empty`,
        );
      return cells.map((cell) => {
        const v = parseNumber(cell);
        if (v === undefined)
          invalidArgument(
            option,
            'numbers separated by spaces or commas, rows by ";"',
            text,
            `"${cell}" is not a number`,
          );
        return v;
      });
    });
  return kernelFromRows(rows, option);
}

/** Parses a decimal number or a fraction like `1/9`; returns undefined for anything else (NaN, Infinity included). */
export function parseNumber(s: string): number | undefined {
  const frac = /^([+-]?[\d.]+(?:e[+-]?\d+)?)\/([\d.]+(?:e[+-]?\d+)?)$/i.exec(s);
  const v = frac
    ? Number(frac[1]) / Number(frac[2])
    : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)
      ? Number(s)
      : NaN;
  return Number.isFinite(v) ? v : undefined;
}

/** Every tap multiplied by `s`. */
export function scaleKernel(k: Kernel, s: number): Kernel {
  return toKernel({ data: k.data.map((v) => v * s), rows: k.rows, cols: k.cols }, 'scale');
}
