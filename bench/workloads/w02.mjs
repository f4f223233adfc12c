// W2: 3×3 generic (non-separable) kernel, uint8, 4K RGB, border mirror (OpenCV's default).
// Our uint8 output is rounded half to even and bit-identical to the float64 reference; sharp
// and jimp compute differently rounded (truncated) results — they are timed, not compared.
import { engineRow, fill, handOff, nodePeer } from '../lib.mjs';

const K = [0.1, 0.2, 0.05, -0.1, 0.6, 0.2, 0.05, -0.05, -0.05];

export default {
  id: 'W2',
  title: '3×3 generic kernel, uint8, 4K RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const data = fill(new Uint8Array(h * w * 3), 2, 256);
    const input = convkit.ndarray(data, [h, w, 3]);
    const kernel = convkit.ndarray(Float64Array.from(K), [3, 3]);
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers();
    const run = (opts) => {
      const fn = () => convkit.correlate(input, kernel, { border: 'mirror', ...opts });
      // Two extra warm-ups: the WebAssembly loops are tiered up (Liftoff → TurboFan) in the
      // background during the first runs, in this thread and in the workers.
      fn();
      fn();
      return fn;
    };
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w02-in', input), handOff(convkit, 'w02-k', kernel)],
      ours: {
        'convkit correlate (auto)': run({}),
        // into a reused result array (the `out` option; OpenCV's dst): no fresh 25–33 MB result to fault in
        'convkit correlate into out (auto)': run({ out: convkit.zeros([h, w, 3], 'uint8') }),
        // input and result in engine memory (engineArray): no staging or collecting copies
        'convkit engine arrays (auto)': engineRow(
          convkit,
          input,
          (inside, out) => () => convkit.correlate(inside, kernel, { border: 'mirror', out }),
        ),
        'convkit WASM SIMD, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
        'convkit plain TS (reference)': run({ backend: 'js' }),
      },
      async nodePeers() {
        const peers = {};
        const sharp = (await nodePeer('sharp'))?.default;
        if (sharp) {
          const raw = { raw: { width: w, height: h, channels: 3 } };
          peers['sharp convolve (libvips)'] = () =>
            sharp(Buffer.from(data.buffer), raw)
              .convolve({ width: 3, height: 3, kernel: K, scale: 1 })
              .raw()
              .toBuffer();
        } else peers['sharp convolve'] = 'not installed (npm --prefix bench install)';
        const { cv } = (await openCvJs()) ?? {};
        if (cv) {
          const src = new cv.Mat(h, w, cv.CV_8UC3);
          src.data.set(data);
          const k = cv.matFromArray(3, 3, cv.CV_32F, K);
          const dst = new cv.Mat();
          const anchor = new cv.Point(-1, -1);
          peers['opencv.js filter2D (WASM)'] = () =>
            cv.filter2D(src, dst, -1, k, anchor, 0, cv.BORDER_REFLECT_101);
        } else peers['opencv.js filter2D'] = 'not installed (npm --prefix bench install)';
        const jimp = await nodePeer('jimp');
        if (jimp && !quick) {
          const rgba = new Uint8Array(h * w * 4);
          for (let p = 0; p < h * w; p++) {
            rgba[4 * p] = data[3 * p];
            rgba[4 * p + 1] = data[3 * p + 1];
            rgba[4 * p + 2] = data[3 * p + 2];
            rgba[4 * p + 3] = 255;
          }
          const Jimp = jimp.Jimp ?? jimp.default?.Jimp;
          const img = new Jimp({ width: w, height: h, data: Buffer.from(rgba.buffer) });
          const kk = [K.slice(0, 3), K.slice(3, 6), K.slice(6, 9)];
          peers['jimp convolution (pure JS, RGBA, 1 run)'] = {
            once: () => img.clone().convolution({ kernel: kk }),
          };
        } else if (!jimp) peers['jimp convolution'] = 'not installed (npm --prefix bench install)';
        return peers;
      },
    };
  },
};

/**
 * opencv.js (@techstark/opencv-js) once its WebAssembly runtime has initialised, as `{ cv }`, or
 * undefined. The Emscripten module is a thenable that resolves to itself, so it must never be
 * awaited or returned from an async function directly (that recurses forever): it travels
 * wrapped.
 */
export async function openCvJs() {
  const mod = await nodePeer('@techstark/opencv-js');
  if (!mod) return undefined;
  const cv = mod.default ?? mod;
  if (cv.Mat) return { cv };
  return await new Promise((resolve) => cv.then((m) => resolve({ cv: m })));
}
