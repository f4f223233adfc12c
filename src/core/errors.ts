/**
 * Errors raised at the public boundary. Every one names what was wrong, the value
 * received and what is allowed, so that the CLI can print it as one line.
 */

/** Formats a received value for an error message: strings quoted, arrays bracketed, type named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (typeof v === 'number' ? String(v) : describeValue(v))).join(', ')}]`;
  if (typeof value === 'number') return `${value} (number)`;
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  return `${String(value)} (${typeof value})`;
}

/**
 * A bad argument. `option` is the API option name (`border`, `anchor`, …); the CLI
 * maps it to its flag. `allowed` says what would have been accepted.
 */
export class InvalidArgumentError extends RangeError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly option: string,
    readonly allowed: string,
    readonly received: unknown,
    detail?: string,
  ) {
    super(`Expected ${allowed} for ${option}, got ${describeValue(received)}${detail ? ` (${detail})` : ''}`);
  }
}

export function invalidArgument(option: string, allowed: string, received: unknown, detail?: string): never {
  throw new InvalidArgumentError(option, allowed, received, detail);
}

/** A file or byte buffer that is not what its format promises (corrupt, truncated, unsupported). */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(
    readonly format: string,
    message: string,
  ) {
    super(`${format}: ${message}`);
  }
}

/** Shapes that do not fit together: names the operation and both values. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

/** Internal invariant; the message is built only when the check fails. */
export function assert(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(`internal error: ${message()}`);
}
