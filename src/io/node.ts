/**
 * Node-only file layer: reads and writes arrays as .npy, PNG or JPEG, chosen by the file
 * extension (case-insensitive). Writes are atomic: the bytes are encoded first, written to
 * a temporary file beside the target and renamed over it, so a failure leaves no output
 * file (and no temporary file). Input files are only ever opened for reading.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

import { FormatError, invalidArgument } from '../core/errors.js';
import type { NDArray } from '../core/ndarray.js';
import { decodeNpy, encodeNpy } from '../core/npy.js';
import { decodeJpeg, encodeJpeg } from './jpeg.js';
import { decodePng, encodePng } from './png.js';

type FileKind = 'npy' | 'png' | 'jpeg';

const KINDS: Record<string, FileKind> = { '.npy': 'npy', '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };
const ALLOWED_EXTENSIONS = 'a path ending in .npy, .png, .jpg or .jpeg';

/**
 * A file that cannot be read or written (missing, a directory, no permission…). The
 * message is one line: `cannot read "in.png": no such file`.
 */
export class FileError extends Error {
  override name = 'FileError';
  constructor(
    readonly path: string,
    readonly operation: 'read' | 'write',
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot ${operation} ${JSON.stringify(path)}: ${reason}`);
  }
}

export interface WriteOptions {
  /** JPEG quality, an integer from 1 to 100 (default 92). Ignored for other formats. */
  quality?: number;
}

/**
 * Reads an array from a .npy, .png, .jpg or .jpeg file. See decodeNpy, decodePng and
 * decodeJpeg for the shapes and dtypes they give. Throws InvalidArgumentError (option
 * 'input') for another extension, FileError when the file cannot be read, and FormatError
 * (its message naming the path) when the bytes are not a valid file of that kind.
 */
export async function readArray(path: string): Promise<NDArray> {
  const kind = kindOf(path, 'input');
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw fileError(path, 'read', e);
  }
  if (kind === 'npy') return decodeNpy(bytes, path);
  try {
    return kind === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (e) {
    throw withPath(e, path);
  }
}

/**
 * Writes an array as .npy, PNG or JPEG according to the extension of `path`, atomically.
 * The array is encoded before anything touches the disk, so an array the format cannot
 * hold (InvalidArgumentError, option 'output') leaves the file system untouched.
 */
export async function writeArray(path: string, a: NDArray, options: WriteOptions = {}): Promise<void> {
  const kind = kindOf(path, 'output');
  const bytes =
    kind === 'npy' ? encodeNpy(a) : kind === 'png' ? encodePng(a) : encodeJpeg(a, options.quality);
  await writeFileAtomic(path, bytes);
}

/**
 * Writes `bytes` to a unique temporary file in the target's directory (same file system,
 * so rename is atomic), flushes it, then renames it over `path`. On any failure the
 * temporary file is removed and the error is rethrown as FileError.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    // 'wx': fail rather than follow or clobber something already at the temporary name.
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync(); // the data is on disk before the rename makes it visible
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    if (created) await unlink(temp).catch(() => undefined);
    throw fileError(path, 'write', e);
  }
}

function kindOf(path: string, option: 'input' | 'output'): FileKind {
  if (typeof path !== 'string' || path === '') invalidArgument(option, ALLOWED_EXTENSIONS, path);
  const kind = KINDS[extname(path).toLowerCase()];
  if (kind === undefined) invalidArgument(option, ALLOWED_EXTENSIONS, path);
  return kind;
}

/** Turns a Node system error into a FileError with a short human reason. */
function fileError(path: string, operation: 'read' | 'write', e: unknown): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: operation === 'read' ? 'no such file' : 'no such directory',
    ENOTDIR: 'a parent of the path is not a directory',
    EISDIR: 'it is a directory',
    ENOTEMPTY: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EEXIST: 'a temporary file of the same name exists',
  };
  const reason = (code && reasons[code]) ?? (e instanceof Error ? e.message : String(e));
  return new FileError(path, operation, code, reason);
}

/** Adds the path to a FormatError from a codec: `PNG: "in.png": corrupt or truncated file (…)`. */
function withPath(e: unknown, path: string): unknown {
  if (!(e instanceof FormatError)) return e;
  const reason = e.message.startsWith(`${e.format}: `) ? e.message.slice(e.format.length + 2) : e.message;
  return new FormatError(e.format, `${JSON.stringify(path)}: ${reason}`);
}
