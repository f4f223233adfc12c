/**
 * JPEG codec on top of jpeg-js (pure JS). decodeJpeg is browser-safe; encodeJpeg relies on
 * jpeg-js's encoder, which returns a Node Buffer, so it is meant for Node.
 */
import jpeg from 'jpeg-js';

import { FormatError, invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, checkArray, ndarray } from '../core/ndarray.js';

/**
 * Limits passed to jpeg-js so that a hostile file cannot make it allocate without bound.
 * jpeg-js keeps 256 bytes per 8×8 block per component (4 bytes per sample) plus the
 * output: a 4K RGB photo (3840×2160) needs about 130 MB, a 100-megapixel one about 1.5 GB.
 */
const MAX_RESOLUTION_MP = 100;
const MAX_MEMORY_MB = 2048;

const fail = (reason: string): never => {
  throw new FormatError('JPEG', reason);
};

/**
 * Decodes JPEG bytes to uint8. A grayscale JPEG (one component in its frame header) gives
 * [H, W]; colour ones (YCbCr, RGB, CMYK/YCCK, which jpeg-js converts) give [H, W, 3].
 * Corrupt, truncated or unsupported bytes throw FormatError('JPEG', reason).
 */
export function decodeJpeg(bytes: Uint8Array): NDArray {
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    fail(`not a JPEG file: the first bytes are ${hex(bytes.subarray(0, 4))}, expected ff d8 ff`);
  }
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true, // a plain Uint8Array, no Node Buffer: keeps this browser-safe
      formatAsRGBA: false,
      maxResolutionInMP: MAX_RESOLUTION_MP,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    });
  } catch (e) {
    return fail(`corrupt, truncated or unsupported file (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height, data } = image;
  if (!(width >= 1 && height >= 1)) fail(`empty image: ${width}x${height}`);
  if (width * height * 3 > MAX_ELEMENTS) fail(`image ${width}x${height} is too large`);
  if (data.length !== width * height * 3) {
    fail(`corrupt file: decoded ${data.length} bytes, expected ${width * height * 3}`);
  }
  // jpeg-js always returns RGB, replicating the luma of a one-component image into all
  // three channels; we look at the frame header to give gray files back as [H, W].
  if (frameComponents(bytes) === 1) {
    const gray = new Uint8Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = data[3 * i];
    return ndarray(gray, [height, width]);
  }
  return ndarray(data, [height, width, 3]);
}

/**
 * The number of components in the first SOFn (start of frame) segment, or undefined if
 * none is found before the first scan. Walks the marker segments from the start.
 */
export function frameComponents(bytes: Uint8Array): number | undefined {
  let at = 2; // after SOI
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // standalone markers: TEM, RSTn
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI or SOS before any SOF
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc): length, precision, height, width, Nf.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 < bytes.length ? bytes[at + 9] : undefined;
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

/**
 * Encodes a uint8 image as a baseline JPEG (4:4:4, no chroma subsampling). Shapes: [H, W]
 * and [H, W, 1] (gray, written as RGB with equal channels, so they decode as [H, W, 3])
 * and [H, W, 3]. `quality` is an integer from 1 to 100 (default 92).
 */
export function encodeJpeg(a: NDArray, quality = 92): Uint8Array {
  checkArray(a, 'output');
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    invalidArgument('quality', 'an integer from 1 to 100', quality);
  }
  if (a.dtype !== 'uint8') {
    invalidArgument(
      'output',
      'a uint8 image for JPEG (use --dtype uint8, or write PNG or .npy)',
      `a ${a.dtype} array`,
    );
  }
  const [height, width, channels = 1] = a.shape;
  if (a.shape.length < 2 || a.shape.length > 3 || (channels !== 1 && channels !== 3)) {
    const hint =
      channels === 2 || channels === 4
        ? 'drop the alpha channel or write PNG'
        : 'write PNG or .npy for other shapes';
    invalidArgument(
      'output',
      `an H×W, H×W×1 or H×W×3 image for JPEG (${hint})`,
      `shape [${a.shape.join(', ')}]`,
    );
  }
  // jpeg-js reads RGBA pixels (and ignores A).
  const src = a.data as Uint8Array;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    if (channels === 1) {
      rgba[j] = rgba[j + 1] = rgba[j + 2] = src[i];
    } else {
      rgba[j] = src[3 * i];
      rgba[j + 1] = src[3 * i + 1];
      rgba[j + 2] = src[3 * i + 2];
    }
    rgba[j + 3] = 255;
  }
  const { data } = jpeg.encode({ width, height, data: rgba }, quality);
  // A plain Uint8Array that owns its bytes, not a view into Node's Buffer pool.
  return new Uint8Array(data);
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '(empty file)';
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
