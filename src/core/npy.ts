/**
 * NumPy `.npy` codec (format versions 1.0, 2.0 and 3.0), browser-safe: no Node imports.
 *
 * Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header length
 * (little-endian uint16 for v1, uint32 for v2/v3), then a Python dict literal such as
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a
 * final '\n' so that the data starts at a multiple of 64 bytes, then the raw elements.
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * Only what convkit's arrays can hold is accepted: C order, 1 to 4 non-empty dimensions,
 * and the little-endian dtypes `<f8 <f4 |u1 <u2`. Everything else is a FormatError that
 * names the value found and what is allowed.
 */
import { type AnyTypedArray, type DType, allocate } from './dtypes.js';
import { FormatError } from './errors.js';
import { MAX_ELEMENTS, type NDArray, checkArray, ndarray, sizeOf } from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy aligns the data to 64 bytes (ARRAY_ALIGN in numpy/lib/format.py). */
const ARRAY_ALIGN = 64;
/**
 * numpy pads the header so that the first axis can grow to 21 digits in place
 * (GROWTH_AXIS_MAX_DIGITS); we do the same so our files are byte-identical to numpy's.
 */
const GROWTH_AXIS_MAX_DIGITS = 21;

const ALLOWED_DESCR = '<f8, <f4, |u1 or <u2';

/** The descriptor numpy writes for each dtype. */
const DESCR_OF: Record<DType, string> = { float64: '<f8', float32: '<f4', uint8: '|u1', uint16: '<u2' };
const ITEMSIZE: Record<DType, number> = { float64: 8, float32: 4, uint8: 1, uint16: 2 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

/**
 * Decodes a `.npy` file. Shapes: 1-D → [N], 2-D → [H, W], 3-D → [H, W, C].
 * The result owns a fresh, aligned buffer (it never aliases `bytes`).
 * `name` labels error messages (e.g. the file path); errors are FormatError('.npy', …).
 */
export function decodeNpy(bytes: Uint8Array, name = '.npy'): NDArray {
  const fail = (reason: string): never => {
    throw new FormatError('.npy', name === '.npy' ? reason : `${JSON.stringify(name)}: ${reason}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(`not a .npy file: the first bytes are ${hexPreview(bytes, 6)}, expected the magic "\\x93NUMPY"`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) {
    fail(`unsupported format version ${major}.${minor}; allowed: 1.0, 2.0, 3.0`);
  }
  // v1 stores the header length in 2 bytes, v2 and v3 in 4 (all little-endian).
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) fail(`truncated header: the file has only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = prefix + headerLength;
  if (dataOffset > bytes.length) {
    fail(`truncated header: it declares ${headerLength} bytes but only ${bytes.length - prefix} follow`);
  }
  const headerBytes = bytes.subarray(prefix, dataOffset);
  const header = major === 3 ? decodeUtf8(headerBytes, fail) : decodeLatin1(headerBytes);

  let dict: PyValue;
  try {
    dict = parsePyLiteral(header);
  } catch (e) {
    return fail(`header does not parse (${(e as Error).message}): ${preview(header)}`);
  }
  const { dtype, shape } = checkHeader(dict, fail);

  const count = sizeOf(shape);
  const itemsize = ITEMSIZE[dtype];
  const expected = count * itemsize;
  const found = bytes.length - dataOffset;
  if (found !== expected) {
    fail(
      `data length ${found} bytes does not match shape (${shape.join(', ')}) of ${DESCR_OF[dtype]}: ` +
        `expected ${expected} bytes${found < expected ? ' (truncated file?)' : ''}`,
    );
  }

  // Copy into a fresh buffer: the data offset need not be aligned for Float64Array, and
  // the result must not alias the caller's bytes.
  const data = allocate(dtype, count);
  const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  out.set(bytes.subarray(dataOffset, dataOffset + expected));
  if (!LITTLE_ENDIAN) swapBytes(out, itemsize);
  return ndarray(data, shape);
}

/** Validates the parsed header dict; returns the dtype and the shape. */
function checkHeader(dict: PyValue, fail: (reason: string) => never): { dtype: DType; shape: number[] } {
  if (!(dict instanceof Map)) fail(`header is not a dict: ${describePy(dict)}`);
  const map = dict as Map<string, PyValue>;
  const keys = [...map.keys()].sort();
  const wanted = ['descr', 'fortran_order', 'shape'];
  if (keys.length !== wanted.length || keys.some((k, i) => k !== wanted[i])) {
    fail(
      `header keys are [${keys.map((k) => `'${k}'`).join(', ')}]; expected 'descr', 'fortran_order', 'shape'`,
    );
  }

  const descr = map.get('descr') as PyValue;
  if (typeof descr !== 'string') {
    fail(
      `unsupported descr ${describePy(descr)} (structured dtypes are not supported); allowed: ${ALLOWED_DESCR}`,
    );
  }
  const dtype = dtypeOfDescr(descr as string, fail);

  const fortran = map.get('fortran_order') as PyValue;
  if (fortran !== false) {
    fail(
      fortran === true
        ? `fortran_order True is not supported; save a C-order array (numpy.ascontiguousarray)`
        : `fortran_order must be False, got ${describePy(fortran)}`,
    );
  }

  const shapeValue = map.get('shape') as PyValue;
  if (!(shapeValue instanceof PyTuple) || shapeValue.items.some((d) => typeof d !== 'number')) {
    fail(`shape must be a tuple of integers, got ${describePy(shapeValue)}`);
  }
  const shape = (shapeValue as PyTuple).items as number[];
  const text = describePy(shapeValue);
  if (shape.length < 1 || shape.length > 4) {
    fail(
      `shape ${text} has ${shape.length} dimensions; allowed: 1 (N), 2 (H, W), 3 (H, W, C) or 4 (N, C, H, W)`,
    );
  }
  if (shape.some((d) => d < 1)) fail(`shape ${text} has an empty dimension; every dimension must be >= 1`);
  if (sizeOf(shape) > MAX_ELEMENTS) {
    fail(`shape ${text} has ${sizeOf(shape)} elements; at most ${MAX_ELEMENTS} are allowed`);
  }
  return { dtype, shape };
}

/** Maps a descr to a dtype. Accepts '<', '=' (native, assumed little-endian) or no prefix. */
function dtypeOfDescr(descr: string, fail: (reason: string) => never): DType {
  const m = /^([<>=|]?)([a-zA-Z])(\d+)$/.exec(descr);
  const order = m?.[1] ?? '';
  const code = m ? `${m[2]}${m[3]}` : '';
  // Byte order does not matter for one-byte elements: numpy itself treats '>u1' as '|u1'.
  if (code === 'u1') return 'uint8';
  const known: Record<string, DType> = { f8: 'float64', f4: 'float32', u2: 'uint16' };
  if (m && order !== '>' && order !== '|' && code in known) return known[code];
  const why = !m
    ? ''
    : order === '>' && code in known
      ? ' (big-endian; convert with a.astype(a.dtype.newbyteorder("<")))'
      : code in known
        ? ''
        : ` (${describeCode(m[2], m[3])})`;
  return fail(`unsupported descr ${JSON.stringify(descr)}${why}; allowed: ${ALLOWED_DESCR}`);
}

function describeCode(kind: string, size: string): string {
  const kinds: Record<string, string> = {
    b: 'bool',
    i: 'signed integer',
    u: 'unsigned integer',
    f: 'float',
    c: 'complex',
    O: 'Python object',
    S: 'byte string',
    U: 'unicode string',
    V: 'raw bytes',
    M: 'datetime',
    m: 'timedelta',
  };
  return `${kinds[kind] ?? 'unknown kind'} of ${size} byte${size === '1' ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------

/**
 * Encodes an array as `.npy`, byte-identical to `numpy.save`: a v1 header (v2 only if the
 * header would not fit in 65535 bytes), keys sorted, padded so the data starts at a
 * multiple of 64, C order, little-endian.
 */
export function encodeNpy(a: NDArray): Uint8Array {
  checkArray(a, 'output');
  const header =
    `{'descr': '${DESCR_OF[a.dtype]}', 'fortran_order': False, 'shape': ${pyTupleRepr(a.shape)}, }` +
    ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(a.shape[0]).length);
  // The header is ASCII, so its length in characters is its length in bytes. As in numpy,
  // a header too long for v1's 16-bit length switches to v2 (unreachable with at most 4
  // dimensions, but it keeps the writer honest if the limit ever grows).
  let major = 1;
  let { prefix, padded } = wrapHeader(header.length, 10);
  if (padded > 0xffff) {
    major = 2;
    ({ prefix, padded } = wrapHeader(header.length, 12));
  }
  const itemsize = ITEMSIZE[a.dtype];
  const out = new Uint8Array(prefix + padded + a.data.length * itemsize);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.fill(0x20, prefix + header.length, prefix + padded - 1);
  out[prefix + padded - 1] = 0x0a; // '\n'

  const data = out.subarray(prefix + padded);
  data.set(bytesOf(a.data));
  if (!LITTLE_ENDIAN) swapBytes(data, itemsize);
  return out;
}

/**
 * numpy's `_wrap_header`: header + spaces + '\n' so that prefix + header is a multiple
 * of 64. Like numpy, it pads a full 64 bytes when the header already ends on a boundary.
 */
function wrapHeader(headerLength: number, prefix: number): { prefix: number; padded: number } {
  const hlen = headerLength + 1; // + '\n'
  const padlen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  return { prefix, padded: hlen + padlen };
}

/** Python's repr of a tuple of ints: `(5,)`, `(3, 4)`. */
function pyTupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function bytesOf(data: AnyTypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Reverses the bytes of every element in place (only on big-endian hosts). */
function swapBytes(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  for (let i = 0; i < bytes.length; i += itemsize) bytes.subarray(i, i + itemsize).reverse();
}

// ---------------------------------------------------------------------------------------
// A tiny parser for the Python literals numpy writes in headers
// ---------------------------------------------------------------------------------------

/** A Python tuple, kept apart from lists so that `shape: [3, 4]` is rejected as numpy does. */
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyValue[] | PyTuple | Map<string, PyValue>;

/**
 * Parses the subset of Python literal syntax that `ast.literal_eval` would need for a
 * .npy header: dicts with string keys, strings ('…' or "…"), non-negative integers
 * (Python 2 numpy wrote `3L`), True/False/None, tuples and lists; any whitespace and
 * trailing commas. Throws Error with a short reason on anything else.
 */
export function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  const skip = (): void => {
    while (pos < text.length && isSpace(text[pos])) pos++;
  };
  const error = (what: string): never => {
    throw new Error(`${what} at offset ${pos}`);
  };
  const expect = (c: string): void => {
    skip();
    if (text[pos] !== c) error(`expected '${c}'`);
    pos++;
  };

  // Items of a bracketed sequence; `isTuple` applies Python's one-element-tuple rule.
  const sequence = (close: string, isTuple: boolean): PyValue => {
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      skip();
      if (text[pos] === close) break;
      items.push(value());
      skip();
      if (text[pos] === ',') {
        pos++;
        sawComma = true;
      } else if (text[pos] !== close) error(`expected ',' or '${close}'`);
    }
    pos++;
    // `(5)` is just the integer 5 in Python, not a tuple.
    if (isTuple && items.length === 1 && !sawComma) return items[0];
    return isTuple ? new PyTuple(items) : items;
  };

  const value = (): PyValue => {
    skip();
    const c = text[pos];
    if (c === undefined) return error('unexpected end of header');
    if (c === '{') {
      pos++;
      const map = new Map<string, PyValue>();
      for (;;) {
        skip();
        if (text[pos] === '}') break;
        const key = value();
        if (typeof key !== 'string') error('dict key is not a string');
        if (map.has(key as string)) error(`duplicate key '${key as string}'`);
        expect(':');
        map.set(key as string, value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') error("expected ',' or '}'");
      }
      pos++;
      return map;
    }
    if (c === '(') {
      pos++;
      return sequence(')', true);
    }
    if (c === '[') {
      pos++;
      return sequence(']', false);
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) error('unterminated string');
      const s = text.slice(pos + 1, end);
      // numpy's descrs never need escapes; refuse them rather than decode them wrongly.
      if (s.includes('\\') || s.includes('\n')) error('escaped or multi-line string');
      pos = end + 1;
      return s;
    }
    const word = /^(?:[0-9]+[lL]?|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(pos, pos + 64))?.[0];
    if (word === undefined) return error(`unexpected character ${JSON.stringify(c)}`);
    pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    if (/^[0-9]/.test(word)) {
      const n = Number(word.replace(/[lL]$/, ''));
      if (!Number.isSafeInteger(n)) error(`integer ${word} is too large`);
      return n;
    }
    return error(`unknown name ${word}`);
  };

  const result = value();
  skip();
  if (pos !== text.length) error('unexpected text after the dict');
  return result;
}

/** Python-like repr, for error messages. */
function describePy(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof PyTuple) {
    return v.items.length === 1 ? `(${describePy(v.items[0])},)` : `(${v.items.map(describePy).join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(describePy).join(', ')}]`;
  return `{${[...v].map(([k, x]) => `'${k}': ${describePy(x)}`).join(', ')}}`;
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function decodeUtf8(bytes: Uint8Array, fail: (reason: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('the v3 header is not valid UTF-8');
  }
}

function hexPreview(bytes: Uint8Array, n: number): string {
  if (bytes.length === 0) return '(empty file)';
  return [...bytes.subarray(0, n)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The header as one short printable line. */
function preview(header: string): string {
  const line = JSON.stringify(header.trimEnd());
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
