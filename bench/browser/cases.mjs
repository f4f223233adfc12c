// The workloads of DESIGN.md that opencv.js also has, as the browser bench runs them: the same
// data (bench/data.mjs, the same seeds as bench/workloads/*) and the same calls as the Node
// bench. Loaded by the bench page (opencv.js side) and by its module worker (convkit side).
import { fill } from '../data.mjs';

const K1 = [1, 2, 0, -1, 0.5, 3, 0, -2, 1];
const K2 = [0.1, 0.2, 0.05, -0.1, 0.6, 0.2, 0.05, -0.05, -0.05];
const UHD = (quick) => (quick ? [540, 960] : [2160, 3840]);
const FHD = (quick) => (quick ? [270, 480] : [1080, 1920]);

/** A 2-D kernel for opencv.js (CV_32F, as cv2.filter2D converts it). */
const cvKernel = (cv, taps, n) => cv.matFromArray(n, n, cv.CV_32F, Array.from(taps));

/**
 * Each case: `id`, `title`, `input(quick)` → {data, shape}, and the two calls. `convkit(ck, a, o)`
 * runs convkit on NDArray `a` with engine options `o`; `opencv(cv, src, dst)` runs opencv.js on
 * Mats made from the same data (border REFLECT_101 = convkit's `mirror`, medianBlur's replicate).
 */
export const CASES = [
  {
    id: 'W1',
    title: '3×3 generic kernel, float32, 4K gray',
    input: (q) => ({ data: fill(new Float32Array(UHD(q)[0] * UHD(q)[1]), 1, 1), shape: UHD(q) }),
    convkit: (ck, a, o) =>
      ck.correlate(a, ck.ndarray(Float64Array.from(K1), [3, 3]), { border: 'mirror', ...o }),
    opencv: (cv, src, dst) => {
      const k = cvKernel(cv, K1, 3);
      return () => cv.filter2D(src, dst, -1, k, new cv.Point(-1, -1), 0, cv.BORDER_REFLECT_101);
    },
  },
  {
    id: 'W2',
    title: '3×3 kernel, uint8, 4K RGB',
    input: (q) => ({ data: fill(new Uint8Array(UHD(q)[0] * UHD(q)[1] * 3), 2, 256), shape: [...UHD(q), 3] }),
    convkit: (ck, a, o) =>
      ck.correlate(a, ck.ndarray(Float64Array.from(K2), [3, 3]), { border: 'mirror', ...o }),
    opencv: (cv, src, dst) => {
      const k = cvKernel(cv, K2, 3);
      return () => cv.filter2D(src, dst, -1, k, new cv.Point(-1, -1), 0, cv.BORDER_REFLECT_101);
    },
  },
  ...[
    ['W3', 2, 3],
    ['W4', 10, 4],
  ].map(([id, sigma, seed]) => ({
    id,
    title: `Gaussian σ=${sigma}, float32, 4K gray`,
    input: (q) => ({ data: fill(new Float32Array(UHD(q)[0] * UHD(q)[1]), seed, 1), shape: UHD(q) }),
    convkit: (ck, a, o) => ck.gaussianBlur(a, { sigma, ksize: [0, 0], ...o }),
    opencv: (cv, src, dst) => () =>
      cv.GaussianBlur(src, dst, new cv.Size(0, 0), sigma, sigma, cv.BORDER_REFLECT_101),
  })),
  {
    id: 'W5',
    title: 'box 45×45, uint8, 4K RGB',
    input: (q) => ({ data: fill(new Uint8Array(UHD(q)[0] * UHD(q)[1] * 3), 5, 256), shape: [...UHD(q), 3] }),
    convkit: (ck, a, o) => ck.boxFilter(a, { ksize: [45, 45], ...o }),
    opencv: (cv, src, dst) => () =>
      cv.blur(src, dst, new cv.Size(45, 45), new cv.Point(-1, -1), cv.BORDER_REFLECT_101),
  },
  {
    id: 'W6',
    title: 'median 5×5, uint8, 4K RGB',
    input: (q) => ({ data: fill(new Uint8Array(UHD(q)[0] * UHD(q)[1] * 3), 6, 256), shape: [...UHD(q), 3] }),
    convkit: (ck, a, o) => ck.medianFilter(a, 5, o),
    opencv: (cv, src, dst) => () => cv.medianBlur(src, dst, 5),
  },
  {
    id: 'W7',
    title: 'median 45×45, uint8, 1080p gray',
    input: (q) => ({ data: fill(new Uint8Array(FHD(q)[0] * FHD(q)[1]), 7, 256), shape: FHD(q) }),
    convkit: (ck, a, o) => ck.medianFilter(a, 45, o),
    opencv: (cv, src, dst) => () => cv.medianBlur(src, dst, 45),
  },
  {
    id: 'W8',
    title: 'bilateral d=9, σ 75/75, uint8, 1080p RGB',
    input: (q) => ({ data: fill(new Uint8Array(FHD(q)[0] * FHD(q)[1] * 3), 8, 256), shape: [...FHD(q), 3] }),
    convkit: (ck, a, o) => ck.bilateralFilter(a, 9, 75, 75, o),
    opencv: (cv, src, dst) => () => cv.bilateralFilter(src, dst, 9, 75, 75, cv.BORDER_REFLECT_101),
  },
  {
    id: 'W9',
    title: '31×31 non-separable kernel, float32, 1080p gray',
    input: (q) => ({ data: fill(new Float32Array(FHD(q)[0] * FHD(q)[1]), 9, 1), shape: FHD(q) }),
    kernel: () => fill(new Float64Array(31 * 31), 99, 1).map((v) => v - 0.5),
    convkit(ck, a, o) {
      return ck.correlate(a, ck.ndarray(this.kernel(), [31, 31]), o); // zero border, as in bench/workloads/w09
    },
    opencv(cv, src, dst) {
      const k = cvKernel(cv, this.kernel(), 31);
      return () => cv.filter2D(src, dst, -1, k, new cv.Point(-1, -1), 0, cv.BORDER_CONSTANT);
    },
  },
];
