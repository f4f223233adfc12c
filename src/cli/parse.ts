/** Parsers for flag values. Each failure names the flag, the value and what is allowed. */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, parseInlineKernel, parseNumber, toKernel } from '../kernels/kernel.js';
import { readArray } from '../io/node.js';

export function parseFloatFlag(flag: string, text: string, allowed = 'a finite number'): number {
  const v = parseNumber(String(text).trim());
  if (v === undefined) invalidArgument(flag, allowed, text);
  return v;
}

export function parseIntFlag(flag: string, text: string, min = -Infinity, allowed = 'an integer'): number {
  const t = String(text).trim();
  const v = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(v) || v < min) invalidArgument(flag, allowed, text);
  return v;
}

/** "R,C" (also "R C" or "RxC"-free forms are refused) → [R, C]. */
export function parseIntPair(flag: string, text: string, allowed: string, min = -Infinity): [number, number] {
  const parts = String(text)
    .trim()
    .split(/\s*,\s*/);
  if (parts.length !== 2) invalidArgument(flag, allowed, text);
  const [a, b] = parts.map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : NaN));
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < min || b < min)
    invalidArgument(flag, allowed, text);
  return [a, b];
}

/** "WxH" (width × height, as OpenCV's Size) → [W, H]; a single N means N×N. */
export function parseSize(
  flag: string,
  text: string,
  allowed = 'WxH (width x height) with positive integers, e.g. 5x3',
): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX×*]\s*(\d+)\s*)?$/.exec(String(text));
  if (!m) invalidArgument(flag, allowed, text);
  const w = Number(m[1]);
  const h = m[2] === undefined ? w : Number(m[2]);
  if (w < 1 || h < 1) invalidArgument(flag, allowed, text);
  return [w, h];
}

export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    invalidArgument(flag, `one of ${choices.join(', ')}`, text);
  return text as T;
}

/**
 * Named kernel resolvers (`--kernel name:params`), registered by the kernels module.
 * Each gets the text after the colon (may be empty).
 */
const namedKernels = new Map<string, (params: string) => Kernel>();

export function registerNamedKernel(name: string, make: (params: string) => Kernel): void {
  namedKernels.set(name, make);
}

/**
 * A kernel flag: a `.npy` file (1-D or 2-D, any dtype, converted to float64), a named
 * kernel `name:params` when one is registered, or an inline matrix "1 0 1; 0 1 0; 1 0 1".
 */
export async function loadKernel(flag: string, text: string): Promise<Kernel> {
  const t = String(text).trim();
  if (/\.npy$/i.test(t)) {
    const arr = await readArray(t);
    return toKernel(arr, flag);
  }
  const named = /^([a-z][a-z0-9-]*)(?::(.*))?$/i.exec(t);
  if (named && namedKernels.has(named[1].toLowerCase())) {
    return namedKernels.get(named[1].toLowerCase())!(named[2] ?? '');
  }
  if (named && !/^[\d\s.,;+\-eE/[\]]+$/.test(t)) {
    const names = [...namedKernels.keys()];
    invalidArgument(
      flag,
      `a .npy file, an inline matrix like "1 0 1; 0 1 0; 1 0 1"${names.length ? ` or a named kernel (${names.join(', ')})` : ''}`,
      text,
    );
  }
  return parseInlineKernel(String(text), flag);
}
