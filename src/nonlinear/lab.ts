/**
 * 8-bit colour ↔ CIE L*a*b* in OpenCV's fixed-point arithmetic (cvtColor with
 * COLOR_LBGR2Lab / COLOR_Lab2LBGR: linear RGB, D65 white, no sRGB gamma), reproduced bit for
 * bit so that non-local means on colour images works in the same Lab values as
 * fastNlMeansDenoisingColored. Tables are rebuilt from OpenCV's published constants, with its
 * float32 ("softfloat") steps emulated by Math.fround.
 *
 * 8-bit Lab: L = L*·255/100, a = a* + 128, b = b* + 128.
 */

import { roundHalfEven } from '../core/cast.js';

const fround = Math.fround;

// sRGB → XYZ (D65) and back, rows X, Y, Z (R, G, B columns); D65 white point.
const RGB2XYZ = [0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227];
const XYZ2RGB = [3.240479, -1.53715, -0.498535, -0.969256, 1.875991, 0.041556, 0.055648, -0.204043, 1.057311];
const D65 = [0.950456, 1, 1.088754];

const LAB_SHIFT = 12;
const GAMMA_SHIFT = 3;
const LAB_SHIFT2 = LAB_SHIFT + GAMMA_SHIFT;
const CBRT_TAB_SIZE = ((256 * 3) / 2) << GAMMA_SHIFT;
const LUT_BASE = 1 << 14;
const MIN_AB = -8145;
const INV_GAMMA_SHIFT = 12;

/** CV_DESCALE: (x + 2^(n−1)) >> n on int32. */
function descale(x: number, n: number): number {
  return (x + (1 << (n - 1))) >> n;
}

function sat8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

interface Tables {
  cbrt: Int32Array;
  fwd: Int32Array;
  inv: Int32Array;
  yf: Int32Array;
  abToXZ: Int32Array;
}

let tables: Tables | undefined;

function build(): Tables {
  const lthresh = fround(fround(216) / fround(24389));
  const lscale = fround(fround(841) / fround(108));
  const lbias = fround(fround(16) / fround(116));
  const cbScale = fround(1 / fround(255 * (1 << GAMMA_SHIFT)));
  const cbrt = new Int32Array(CBRT_TAB_SIZE);
  for (let i = 0; i < CBRT_TAB_SIZE; i++) {
    const x = fround(cbScale * i);
    // mulAdd is a fused multiply-add: x·lscale is exact in float64 before the one rounding
    const f = x < lthresh ? fround(x * lscale + lbias) : fround(Math.cbrt(x));
    cbrt[i] = roundHalfEven(fround((1 << LAB_SHIFT2) * f));
  }
  // OpenCV's software cbrt returns one float32 step below Math.cbrt's correctly rounded value
  // at i = 324 (0.15882353): 32768·f = 17745.5 becomes 17745.49 there, which rounds down.
  // Checked against cv2.cvtColor on all 2^24 colours: no other entry differs.
  cbrt[324] -= 1;
  // coefficients for source channels in B, G, R order (blueIdx 0)
  const fwd = new Int32Array(9);
  for (let i = 0; i < 3; i++) {
    // OpenCV's order of operations: (2^12 · c) / white
    const s = (c: number) => roundHalfEven(((1 << LAB_SHIFT) * c) / D65[i]);
    fwd[i * 3 + 2] = s(RGB2XYZ[i * 3]);
    fwd[i * 3 + 1] = s(RGB2XYZ[i * 3 + 1]);
    fwd[i * 3] = s(RGB2XYZ[i * 3 + 2]);
  }
  // inverse: output channels B, G, R
  const inv = new Int32Array(9);
  for (let i = 0; i < 3; i++) {
    const s = (c: number) => roundHalfEven((1 << LAB_SHIFT) * c * D65[i]);
    inv[i + 6] = s(XYZ2RGB[i]);
    inv[i + 3] = s(XYZ2RGB[i + 3]);
    inv[i] = s(XYZ2RGB[i + 6]);
  }
  const yf = new Int32Array(512);
  for (let i = 0; i < 256; i++) {
    let y: number;
    let ify: number;
    if (i <= 20) {
      y = roundHalfEven(fround(fround(i * LUT_BASE * 20 * 9) / fround(17 * 29 * 29 * 29)));
      ify = roundHalfEven(
        fround(
          LUT_BASE * fround(fround(fround(16) / fround(116)) + fround(fround(i * 5) / fround(3 * 17 * 29))),
        ),
      );
    } else {
      const fy = fround(
        fround(fround(i * 100 * LUT_BASE) / fround(255 * 116)) + fround(fround(16 * LUT_BASE) / fround(116)),
      );
      ify = roundHalfEven(fy);
      y = roundHalfEven(fround(fround(fround(fy * fy) * fy) / fround(LUT_BASE * LUT_BASE)));
    }
    yf[i * 2] = y;
    yf[i * 2 + 1] = ify;
  }
  const n = (LUT_BASE * 9) / 4;
  const abToXZ = new Int32Array(n);
  const bias = Math.trunc((Math.trunc((LUT_BASE * 16) / 116) * 108) / 841);
  for (let i = MIN_AB; i < n + MIN_AB; i++) {
    abToXZ[i - MIN_AB] =
      i <= 3390
        ? Math.trunc((i * 108) / 841) - bias
        : Math.trunc((Math.trunc((i * i) / LUT_BASE) * i) / LUT_BASE);
  }
  return { cbrt, fwd, inv, yf, abToXZ };
}

/**
 * Converts interleaved 8-bit colour (3 or 4 channels; `blueFirst`: channel 0 is blue, as in
 * OpenCV, else red) to 8-bit L, a, b planes.
 */
export function colourToLab(
  src: Uint8Array,
  channels: number,
  blueFirst: boolean,
  L: Uint8Array,
  A: Uint8Array,
  B: Uint8Array,
): void {
  tables ??= build();
  const { cbrt, fwd } = tables;
  const Lscale = Math.trunc((116 * 255 + 50) / 100);
  const Lshift = -Math.trunc((16 * 255 * (1 << LAB_SHIFT2) + 50) / 100);
  const ab0 = 128 * (1 << LAB_SHIFT2);
  const bi = blueFirst ? 0 : 2;
  const ri = 2 - bi;
  for (let p = 0, s = 0; p < L.length; p++, s += channels) {
    // linear "gamma" table: value·8
    const c0 = src[s + bi] << GAMMA_SHIFT;
    const c1 = src[s + 1] << GAMMA_SHIFT;
    const c2 = src[s + ri] << GAMMA_SHIFT;
    const fX = cbrt[descale(c0 * fwd[0] + c1 * fwd[1] + c2 * fwd[2], LAB_SHIFT)];
    const fY = cbrt[descale(c0 * fwd[3] + c1 * fwd[4] + c2 * fwd[5], LAB_SHIFT)];
    const fZ = cbrt[descale(c0 * fwd[6] + c1 * fwd[7] + c2 * fwd[8], LAB_SHIFT)];
    L[p] = sat8(descale(Lscale * fY + Lshift, LAB_SHIFT2));
    A[p] = sat8(descale(500 * (fX - fY) + ab0, LAB_SHIFT2));
    B[p] = sat8(descale(200 * (fY - fZ) + ab0, LAB_SHIFT2));
  }
}

/**
 * Converts 8-bit L, a, b planes back to interleaved colour (`channels` 3 or 4; a 4th channel
 * is left untouched), channel order as in colourToLab.
 */
export function labToColour(
  L: Uint8Array,
  A: Uint8Array,
  B: Uint8Array,
  dst: Uint8Array,
  channels: number,
  blueFirst: boolean,
): void {
  tables ??= build();
  const { inv, yf, abToXZ } = tables;
  const shift = LAB_SHIFT + (14 - INV_GAMMA_SHIFT);
  const aBias = Math.trunc((128 * LUT_BASE) / 500);
  const bBias = Math.trunc((128 * LUT_BASE) / 200) - 1;
  const bi = blueFirst ? 0 : 2;
  const ri = 2 - bi;
  for (let p = 0, d = 0; p < L.length; p++, d += channels) {
    const l = L[p];
    const y = yf[l * 2];
    const ify = yf[l * 2 + 1];
    const adiv = ((5 * A[p] * 53687 + (1 << 7)) >> 13) - aBias;
    const bdiv = ((B[p] * 41943 + (1 << 4)) >> 9) - bBias;
    const x = abToXZ[ify + adiv - MIN_AB];
    const z = abToXZ[ify - bdiv - MIN_AB];
    dst[d + bi] = toByte(descale(inv[0] * x + inv[1] * y + inv[2] * z, shift));
    dst[d + 1] = toByte(descale(inv[3] * x + inv[4] * y + inv[5] * z, shift));
    dst[d + ri] = toByte(descale(inv[6] * x + inv[7] * y + inv[8] * z, shift));
  }
}

/** Clamps to the inverse-gamma table range, then scales by 255/4096 (linear, no gamma). */
function toByte(v: number): number {
  const c = v < 0 ? 0 : v > 4095 ? 4095 : v;
  return ((c << 8) - c) >> INV_GAMMA_SHIFT;
}
