/**
 * A minimal RGB canvas for the pictures explain makes (border pictures, comparison
 * grids): filled rectangles, frames, bitmap-font text and image tiles. Pixels are 8-bit
 * RGB; `canvasToArray` gives an H×W×3 uint8 NDArray ready for `writeArray`.
 */
import { isIntegerDType, integerMax } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { MAX_ELEMENTS, type NDArray, imageDims, ndarray } from '../core/ndarray.js';
import { rasterizeText, textHeight, textWidth } from './font.js';

export type RGB = readonly [number, number, number];

export interface Canvas {
  readonly width: number;
  readonly height: number;
  /** Row-major RGB, 3 bytes per pixel. */
  readonly data: Uint8Array;
}

export const WHITE: RGB = [255, 255, 255];
export const BLACK: RGB = [0, 0, 0];

export function createCanvas(width: number, height: number, background: RGB = WHITE): Canvas {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    invalidArgument('canvas', 'positive integer width and height', `${width}×${height}`);
  }
  if (width * height * 3 > MAX_ELEMENTS) {
    invalidArgument('canvas', `at most ${MAX_ELEMENTS / 3} pixels`, `${width}×${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < data.length; p += 3) {
    data[p] = background[0];
    data[p + 1] = background[1];
    data[p + 2] = background[2];
  }
  return { width, height, data };
}

export function setPixel(c: Canvas, x: number, y: number, rgb: RGB): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height) return;
  const p = (y * c.width + x) * 3;
  c.data[p] = rgb[0];
  c.data[p + 1] = rgb[1];
  c.data[p + 2] = rgb[2];
}

export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, rgb: RGB): void {
  for (let yy = Math.max(0, y); yy < Math.min(c.height, y + h); yy++)
    for (let xx = Math.max(0, x); xx < Math.min(c.width, x + w); xx++) setPixel(c, xx, yy, rgb);
}

/**
 * A frame `thickness` pixels wide whose outer edge is the rectangle (x, y, w, h), dashed
 * in two colours (`dash` pixels each) so that it shows on any image.
 */
export function strokeRect(
  c: Canvas,
  x: number,
  y: number,
  w: number,
  h: number,
  thickness: number,
  colors: readonly RGB[],
  dash = 6,
): void {
  const pick = (k: number) => colors[Math.floor(k / dash) % colors.length];
  for (let t = 0; t < thickness; t++) {
    for (let k = x + t; k < x + w - t; k++) {
      setPixel(c, k, y + t, pick(k - x));
      setPixel(c, k, y + h - 1 - t, pick(k - x));
    }
    for (let k = y + t; k < y + h - t; k++) {
      setPixel(c, x + t, k, pick(k - y));
      setPixel(c, x + w - 1 - t, k, pick(k - y));
    }
  }
}

/** Draws a line of text with its top-left at (x, y). */
export function drawText(c: Canvas, text: string, x: number, y: number, scale = 1, rgb: RGB = BLACK): void {
  rasterizeText(text, x, y, scale, (px, py) => setPixel(c, px, py, rgb));
}

/** Draws text centred horizontally in [x, x + w). */
export function drawTextCentered(
  c: Canvas,
  text: string,
  x: number,
  w: number,
  y: number,
  scale = 1,
  rgb: RGB = BLACK,
): void {
  drawText(c, text, x + Math.floor((w - textWidth(text, scale)) / 2), y, scale, rgb);
}

export { textWidth, textHeight };

/**
 * An image as 8-bit RGB for display: gray is repeated, alpha dropped, uint16 scaled by
 * 255/65535, floats taken as 0..255 (or 0..1 when `unitFloats`), rounded and clipped.
 */
export function toRgbCanvas(a: NDArray, unitFloats = false): Canvas {
  const { height, width, channels } = imageDims(a);
  const c = createCanvas(width, height);
  const scale = isIntegerDType(a.dtype) ? 255 / integerMax(a.dtype) : unitFloats ? 255 : 1;
  const colour = channels >= 3;
  const src = a.data;
  const clamp = (v: number) => (v > 255 ? 255 : v >= 0 ? Math.round(v) : 0); // NaN → 0
  for (let p = 0, q = 0; p < width * height; p++, q += channels) {
    const o = p * 3;
    if (colour) {
      c.data[o] = clamp(src[q] * scale);
      c.data[o + 1] = clamp(src[q + 1] * scale);
      c.data[o + 2] = clamp(src[q + 2] * scale);
    } else {
      const v = clamp(src[q] * scale);
      c.data[o] = c.data[o + 1] = c.data[o + 2] = v;
    }
  }
  return c;
}

/** Copies `src` into `dst` with its top-left at (x, y). */
export function blit(dst: Canvas, src: Canvas, x: number, y: number): void {
  for (let r = 0; r < src.height; r++) {
    const yy = y + r;
    if (yy < 0 || yy >= dst.height) continue;
    for (let k = 0; k < src.width; k++) {
      const xx = x + k;
      if (xx < 0 || xx >= dst.width) continue;
      const s = (r * src.width + k) * 3;
      const d = (yy * dst.width + xx) * 3;
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
    }
  }
}

/**
 * Shrinks a canvas to fit in `maxSide` × `maxSide` (keeping its aspect) by averaging the
 * source pixels each target pixel covers; a canvas that already fits is returned as is.
 */
export function fitCanvas(src: Canvas, maxSide: number): Canvas {
  const f = Math.min(1, maxSide / Math.max(src.width, src.height));
  if (f >= 1) return src;
  const w = Math.max(1, Math.round(src.width * f));
  const h = Math.max(1, Math.round(src.height * f));
  const out = createCanvas(w, h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * src.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * src.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / w));
      let r = 0,
        g = 0,
        b = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const s = (yy * src.width + xx) * 3;
          r += src.data[s];
          g += src.data[s + 1];
          b += src.data[s + 2];
        }
      const n = (y1 - y0) * (x1 - x0);
      const d = (y * w + x) * 3;
      out.data[d] = Math.round(r / n);
      out.data[d + 1] = Math.round(g / n);
      out.data[d + 2] = Math.round(b / n);
    }
  }
  return out;
}

/** The canvas as an H×W×3 uint8 array (shares no memory with the canvas). */
export function canvasToArray(c: Canvas): NDArray {
  return ndarray(Uint8Array.from(c.data), [c.height, c.width, 3]);
}
