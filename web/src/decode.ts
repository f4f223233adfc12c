/**
 * Turns a user's file into an NDArray, in the worker, without sending it anywhere.
 *
 * PNG goes through convkit's own decoder (exact: 16-bit samples and straight alpha kept,
 * the same array the CLI reads). Every other format goes through the browser's decoder
 * (`createImageBitmap`, no colour-space conversion) and a canvas, which gives 8-bit RGBA.
 * Opaque images whose three channels agree become gray, opaque colour images RGB.
 *
 * Sizes are read from the file header first, so a huge image is refused before it is decoded.
 */
import { type NDArray, decodePng, ndarray } from '../../src/index.js';

/** Images up to 25 megapixels (e.g. 6000×4000): a few hundred MB of buffers at most. */
export const MAX_PIXELS = 25_000_000;
/** Files up to 100 MB. */
export const MAX_BYTES = 100 * 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A message for the page: says what was wrong with the user's file and what is accepted. */
export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

/** Width and height from a PNG, JPEG, GIF, BMP or WebP header; null when the format is not one of these. */
export function headerSize(b: Uint8Array): { format: string; width: number; height: number } | null {
  const u16be = (i: number) => (b[i] << 8) | b[i + 1];
  const u16le = (i: number) => b[i] | (b[i + 1] << 8);
  const u32be = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  const u32le = (i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  const ascii = (i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));
  if (b.length >= 24 && u32be(0) === 0x89504e47 && ascii(12, 4) === 'IHDR') {
    return { format: 'PNG', width: u32be(16), height: u32be(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the markers to the first start-of-frame (SOF0…SOF15 except DHT, JPG, DAC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return { format: 'JPEG', width: 0, height: 0 };
      const marker = b[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'JPEG', width: u16be(i + 7), height: u16be(i + 5) };
      }
      i += 2 + u16be(i + 2);
    }
    return { format: 'JPEG', width: 0, height: 0 };
  }
  if (b.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    return { format: 'GIF', width: u16le(6), height: u16le(8) };
  }
  if (b.length >= 26 && ascii(0, 2) === 'BM') {
    return { format: 'BMP', width: u32le(18) | 0, height: Math.abs(u32le(22) | 0) };
  }
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X')
      return { format: 'WebP', width: 1 + (u32le(24) & 0xffffff), height: 1 + (u32le(27) & 0xffffff) };
    if (chunk === 'VP8L') {
      const bits = u32le(21);
      return { format: 'WebP', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    if (chunk === 'VP8 ') return { format: 'WebP', width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
    return { format: 'WebP', width: 0, height: 0 };
  }
  return null;
}

function checkPixels(name: string, width: number, height: number): void {
  if (width * height > MAX_PIXELS) {
    throw new ImageInputError(
      `“${name}” is ${width}×${height} pixels (${((width * height) / 1e6).toFixed(1)} megapixels); ` +
        `the playground takes images up to ${MAX_PIXELS / 1e6} megapixels (e.g. 6000×4000). Scale it down first.`,
    );
  }
}

/** Decodes a file (or a fetched sample) into an image array. Throws ImageInputError with a message for the page. */
export async function decodeImage(blob: Blob, name: string): Promise<NDArray> {
  if (blob.size === 0) throw new ImageInputError(`“${name}” is empty (0 bytes): choose an image file.`);
  if (blob.size > MAX_BYTES) {
    throw new ImageInputError(
      `“${name}” is ${mb(blob.size)}; the playground takes files up to ${mb(MAX_BYTES)}.`,
    );
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = headerSize(bytes.subarray(0, 1 << 16));
  if (header && header.width > 0) checkPixels(name, header.width, header.height);
  if (header?.format === 'PNG') {
    try {
      return decodePng(bytes);
    } catch (e) {
      throw new ImageInputError(`“${name}” is not a readable PNG: ${(e as Error).message}`);
    }
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new ImageInputError(
      header
        ? `“${name}” looks like a ${header.format} file but this browser cannot decode it (damaged or unsupported).`
        : `“${name}” is not an image this browser can read. Choose a PNG, JPEG, WebP, GIF or BMP file.`,
    );
  }
  const { width, height } = bitmap;
  checkPixels(name, width, height);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx)
    throw new ImageInputError(
      'This browser gives no 2-D canvas in a worker; try a current Chrome, Firefox or Safari.',
    );
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return fromRGBA(ctx.getImageData(0, 0, width, height).data, width, height);
}

/** 8-bit RGBA pixels → gray [H, W], RGB [H, W, 3] or RGBA [H, W, 4] (alpha marked), whichever holds them exactly. */
export function fromRGBA(rgba: Uint8ClampedArray, width: number, height: number): NDArray {
  const n = width * height;
  let opaque = true;
  let gray = true;
  for (let q = 0; q < n * 4 && (opaque || gray); q += 4) {
    if (rgba[q + 3] !== 255) opaque = false;
    if (rgba[q] !== rgba[q + 1] || rgba[q] !== rgba[q + 2]) gray = false;
  }
  if (!opaque)
    return ndarray(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length).slice(), [height, width, 4], {
      alpha: true,
    });
  const channels = gray ? 1 : 3;
  const out = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[p * 4 + c];
  return ndarray(out, channels === 1 ? [height, width] : [height, width, 3]);
}
