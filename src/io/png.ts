/**
 * PNG codec on top of fast-png (pure JS, browser-safe).
 *
 * decodePng: 8- and 16-bit gray, gray+alpha, RGB and RGBA; palette images expanded to RGB
 * (or RGBA when they carry a tRNS chunk); 1/2/4-bit gray scaled to 0..255 uint8.
 * encodePng: uint8 or uint16 arrays of shape [H, W] or [H, W, 1..4] → 8- or 16-bit PNG.
 */
import { convertIndexedToRgb, decode, encode, type DecodedPng } from 'fast-png';

import { FormatError, invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, checkArray, ndarray } from '../core/ndarray.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG colour types (IHDR byte 9) and the bit depths the PNG spec allows for each. */
const COLOR_TYPES: Record<number, { name: string; depths: number[]; channels: number }> = {
  0: { name: 'gray', depths: [1, 2, 4, 8, 16], channels: 1 },
  2: { name: 'RGB', depths: [8, 16], channels: 3 },
  3: { name: 'palette', depths: [1, 2, 4, 8], channels: 1 },
  4: { name: 'gray+alpha', depths: [8, 16], channels: 2 },
  6: { name: 'RGBA', depths: [8, 16], channels: 4 },
};

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

const fail = (reason: string): never => {
  throw new FormatError('PNG', reason);
};

/**
 * Decodes PNG bytes. Gray → [H, W]; gray+alpha, RGB, RGBA → [H, W, C] (with `alpha: true`
 * for C = 2 and 4). 8-bit and lower give uint8, 16-bit gives uint16. A tRNS colour key on
 * a gray or RGB image is ignored (no alpha channel is made up). Corrupt, truncated or
 * unsupported bytes throw FormatError('PNG', reason).
 */
export function decodePng(bytes: Uint8Array): NDArray {
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  const header = readHeader(bytes);

  let png: DecodedPng;
  try {
    // checkCrc: without it a flipped byte inside IDAT decodes silently to wrong pixels.
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    return fail(`corrupt or truncated file (${reasonOf(e)})`);
  }
  // fast-png re-reads a repeated IHDR; the pixels must match the header we checked.
  const info = COLOR_TYPES[header.colorType];
  if (
    png.width !== header.width ||
    png.height !== header.height ||
    png.depth !== header.depth ||
    png.channels !== info.channels
  ) {
    fail(`corrupt file: more than one IHDR chunk`);
  }

  const { width, height, depth } = header;
  const pixels = width * height;
  let data: Uint8Array | Uint16Array;
  let channels: number;
  if (header.colorType === 3) {
    // Palette: fast-png expands indices to RGB, or RGBA when a tRNS chunk gave alphas.
    if (!png.palette || png.palette.length === 0) fail('corrupt file: palette image without a PLTE chunk');
    try {
      data = convertIndexedToRgb(png);
    } catch (e) {
      return fail(`corrupt file (${reasonOf(e)})`);
    }
    channels = data.length / pixels;
  } else if (depth < 8) {
    data = unpackGray(png.data as Uint8Array, width, height, depth);
    channels = 1;
  } else {
    data =
      png.data instanceof Uint16Array
        ? png.data
        : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
    channels = info.channels;
  }
  const wide = data instanceof Uint16Array;
  if ((depth === 16) !== wide || data.length !== pixels * channels) {
    fail(
      `corrupt file: decoded ${data.length} samples, expected ${pixels * channels} (${width}x${height}x${channels})`,
    );
  }
  if (channels === 1) return ndarray(data, [height, width]);
  return ndarray(data, [height, width, channels], { alpha: channels === 2 || channels === 4 });
}

/**
 * Reads and checks the signature and IHDR ourselves, so that we can refuse unsupported
 * files with a clear reason and huge dimensions before fast-png allocates for them.
 */
function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    fail(
      `not a PNG file: the first bytes are ${hex(bytes.subarray(0, 8))}, expected 89 50 4e 47 0d 0a 1a 0a`,
    );
  }
  if (bytes.length < 8 + 8 + 13 + 4) fail(`truncated file: only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') {
    fail(`corrupt file: the first chunk is not a 13-byte IHDR`);
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  const colorType = bytes[25];
  const interlace = bytes[28];
  const info = COLOR_TYPES[colorType];
  if (!info) {
    fail(
      `unknown colour type ${colorType}; allowed: 0 (gray), 2 (RGB), 3 (palette), 4 (gray+alpha), 6 (RGBA)`,
    );
  }
  if (!info.depths.includes(depth)) {
    fail(`bit depth ${depth} is not valid for ${info.name} images; allowed: ${info.depths.join(', ')}`);
  }
  if (interlace > 1) fail(`unknown interlace method ${interlace}; allowed: 0 (none), 1 (Adam7)`);
  // fast-png's Adam7 decoder treats each sample as a whole byte, which is wrong below 8 bits.
  if (interlace === 1 && depth < 8) {
    fail(
      `interlaced (Adam7) ${depth}-bit ${info.name} images are not supported; re-save without interlacing`,
    );
  }
  if (width === 0 || height === 0) fail(`empty image: ${width}x${height}`);
  // Palette images may expand to 4 channels.
  const outChannels = colorType === 3 ? 4 : info.channels;
  if (width * height * outChannels > MAX_ELEMENTS) {
    fail(`image ${width}x${height} is too large: at most ${MAX_ELEMENTS} samples are allowed`);
  }
  // Deflate expands at most 1032:1, so the IDAT chunks bound the image size. Checking this
  // first keeps a corrupt header from making fast-png allocate gigabytes for nothing.
  const idat = idatLength(bytes, view);
  const rawBytes = height * Math.ceil((width * info.channels * depth) / 8);
  if (rawBytes > idat * MAX_DEFLATE_RATIO + 1024) {
    fail(`corrupt or truncated file: ${idat} bytes of image data cannot hold a ${width}x${height} image`);
  }
  return { width, height, depth, colorType };
}

const MAX_DEFLATE_RATIO = 1032;

/** Total length of the IDAT chunks present in `bytes` (a truncated chunk counts what is there). */
function idatLength(bytes: Uint8Array, view: DataView): number {
  let total = 0;
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const isIdat =
      bytes[at + 4] === 0x49 && bytes[at + 5] === 0x44 && bytes[at + 6] === 0x41 && bytes[at + 7] === 0x54;
    if (isIdat) total += Math.min(length, bytes.length - at - 8);
    at += 12 + length;
  }
  return total;
}

/** Unpacks 1/2/4-bit gray rows (each padded to a whole byte) and scales them to 0..255. */
function unpackGray(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const bytesPerRow = Math.ceil((width * depth) / 8);
  if (packed.length !== bytesPerRow * height) {
    fail(`corrupt file: decoded ${packed.length} bytes, expected ${bytesPerRow * height}`);
  }
  const scale = 255 / ((1 << depth) - 1); // 1-bit ×255, 2-bit ×85, 4-bit ×17: exact integers
  const mask = (1 << depth) - 1;
  const perByte = 8 / depth;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * bytesPerRow;
    for (let x = 0; x < width; x++) {
      const byte = packed[row + Math.floor(x / perByte)];
      const shift = 8 - depth * ((x % perByte) + 1); // most significant bits first
      out[y * width + x] = ((byte >> shift) & mask) * scale;
    }
  }
  return out;
}

/**
 * Encodes a uint8 or uint16 image as an 8- or 16-bit PNG. Shapes: [H, W] and [H, W, 1]
 * → gray, [H, W, 2] → gray+alpha, [H, W, 3] → RGB, [H, W, 4] → RGBA. Anything else
 * throws InvalidArgumentError for option 'output'.
 */
export function encodePng(a: NDArray): Uint8Array {
  checkArray(a, 'output');
  if (a.dtype !== 'uint8' && a.dtype !== 'uint16') {
    invalidArgument(
      'output',
      'a uint8 or uint16 image for PNG (use --dtype uint8 or write .npy)',
      `a ${a.dtype} array`,
    );
  }
  const [height, width, channels = 1] = a.shape;
  if (a.shape.length < 2 || a.shape.length > 3 || channels > 4) {
    invalidArgument(
      'output',
      'an H×W or H×W×C image with C = 1 to 4 for PNG (write .npy for other shapes)',
      `shape [${a.shape.join(', ')}]`,
    );
  }
  const depth = a.dtype === 'uint8' ? 8 : 16;
  return encode({ width, height, channels, depth, data: a.data as Uint8Array | Uint16Array });
}

function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${message.replace(/[:.]\s*$/, '')}${cause}`;
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '(empty file)';
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
