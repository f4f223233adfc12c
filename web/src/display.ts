/**
 * Arrays to RGBA for a canvas. Integer images show as stored (uint16 scaled to 8 bits);
 * float images through a mapping, because their values have no fixed range: `stretch`
 * (min → black, max → white), `signed` (0 → mid-grey, ±max|v| → white/black: edges keep
 * their sign) or `magnitude` (|v| / max|v|). Alpha shows as alpha.
 */
import { type NDArray, imageDims } from '../../src/index.js';
import type { DisplayMapping } from './protocol.js';

export interface Rendered {
  readonly rgba: Uint8ClampedArray;
  /** Smallest and largest colour value (alpha excluded). */
  readonly range: [number, number];
}

export function toRGBA(a: NDArray, mapping: DisplayMapping = 'stretch', alphaMax = 255): Rendered {
  const { height, width, channels } = imageDims(a);
  const n = height * width;
  const hasAlpha = a.alpha === true;
  const colours = hasAlpha ? channels - 1 : channels;
  const d = a.data;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < colours; c++) {
      const v = d[p * channels + c];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  let offset = 0;
  let gain = 1;
  if (a.dtype === 'uint16') gain = 255 / 65535;
  else if (a.dtype !== 'uint8') {
    const big = Math.max(Math.abs(min), Math.abs(max));
    if (mapping === 'stretch') {
      gain = max > min ? 255 / (max - min) : 0;
      offset = max > min ? -min * gain : min > 0 ? 255 : 0;
    } else if (mapping === 'signed') {
      gain = big > 0 ? 127.5 / big : 0;
      offset = 127.5;
    } else {
      gain = big > 0 ? 255 / big : 0;
    }
  }
  const abs = mapping === 'magnitude' && a.dtype !== 'uint8' && a.dtype !== 'uint16';
  const alphaGain = 255 / alphaMax;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    const base = p * channels;
    if (colours >= 3) {
      for (let c = 0; c < 3; c++) {
        const v = d[base + c];
        rgba[q + c] = (abs ? Math.abs(v) : v) * gain + offset;
      }
    } else {
      const v = d[base];
      rgba[q] = rgba[q + 1] = rgba[q + 2] = (abs ? Math.abs(v) : v) * gain + offset;
    }
    rgba[q + 3] = hasAlpha ? d[base + channels - 1] * alphaGain : 255;
  }
  return { rgba, range: [min, max] };
}
