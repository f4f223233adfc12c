/** Drawing match boxes on a picture of the image (for `convkit match --draw`). */
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';

/** A box: top-left corner (row, col) and size. */
export interface Box {
  readonly row: number;
  readonly col: number;
  readonly height: number;
  readonly width: number;
}

export interface DrawOptions {
  /** Box colour as [r, g, b] 0..255 (default red [255, 0, 0]). */
  color?: readonly [number, number, number];
  /** Line width in pixels (default 2, drawn inside the box). */
  thickness?: number;
}

/**
 * An 8-bit RGB copy of an image with box outlines drawn on it. Gray images become
 * gray RGB; an alpha channel is dropped; uint16 is scaled by 1/257; float images in
 * [0, 1] are scaled by 255 and other float ranges are stretched min..max to 0..255.
 *
 * @example
 *   const picture = drawBoxes(scene, [{ row: 20, col: 33, height: 9, width: 11 }]);
 *   await writeArray('match.png', picture);
 */
export function drawBoxes(image: NDArray, boxes: readonly Box[], options: DrawOptions = {}): NDArray {
  checkArray(image, 'image');
  if (image.shape.length === 1) invalidArgument('image', 'an H×W or H×W×C image to draw on', 'a 1-D signal');
  const color = options.color ?? [255, 0, 0];
  const thickness = options.thickness ?? 2;
  if (!Number.isInteger(thickness) || thickness < 1)
    invalidArgument('thickness', 'a positive integer', thickness);
  const { height, width, channels } = imageDims(image);
  const colour = channels >= 3 ? 3 : 1;
  const d = image.data;
  let scale = 1;
  let offset = 0;
  if (image.dtype === 'uint16') scale = 1 / 257;
  else if (image.dtype === 'float32' || image.dtype === 'float64') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      if (channels === 2 || channels === 4) if (i % channels === channels - 1) continue;
      const v = d[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo >= 0 && hi <= 1) scale = 255;
    else if (hi > lo) {
      scale = 255 / (hi - lo);
      offset = lo;
    }
  }
  const out = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < 3; k++) {
      const v = d[p * channels + (colour === 3 ? k : 0)];
      out[p * 3 + k] = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round((v - offset) * scale))) : 0;
    }
  }
  const paint = (r: number, c: number) => {
    if (r < 0 || c < 0 || r >= height || c >= width) return;
    const o = (r * width + c) * 3;
    out[o] = color[0];
    out[o + 1] = color[1];
    out[o + 2] = color[2];
  };
  for (const b of boxes) {
    for (let t = 0; t < thickness; t++) {
      const top = b.row + t;
      const bottom = b.row + b.height - 1 - t;
      const left = b.col + t;
      const right = b.col + b.width - 1 - t;
      for (let c = left; c <= right; c++) {
        paint(top, c);
        paint(bottom, c);
      }
      for (let r = top; r <= bottom; r++) {
        paint(r, left);
        paint(r, right);
      }
    }
  }
  return ndarray(out, [height, width, 3]);
}
