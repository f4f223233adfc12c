// W3: Gaussian σ = 2, float32, 4K gray. OpenCV's call GaussianBlur(x, (0, 0), 2): size from σ
// (round(8σ + 1) | 1 = 17 taps, the same as SciPy's truncate-4 rule), border mirror (REFLECT_101).
import { engineRow, fill, handOff } from '../lib.mjs';
import { openCvJs } from './w02.mjs';

export const gaussianWorkload = (id, sigma) => ({
  id,
  title: `Gaussian σ=${sigma}, float32, 4K gray`,
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Float32Array(h * w), 3, 1), [h, w]);
    const opts = { sigma, ksize: [0, 0] };
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers();
    const run = (more) => {
      const fn = () => convkit.gaussianBlur(input, { ...opts, ...more });
      fn(); // warm-ups: the WebAssembly loops tier up in the background during the first runs
      fn();
      return fn;
    };
    return {
      size: `${w}×${h}, ${2 * Math.round(4 * sigma) + 1} taps per axis`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, `${id.toLowerCase()}-in`, input)],
      params: { sigma },
      ours: {
        'convkit gaussianBlur (auto)': run({}),
        // into a reused result array (the `out` option; OpenCV's dst): no fresh 25–33 MB result to fault in
        'convkit gaussianBlur into out (auto)': run({ out: convkit.zeros([h, w], 'float32') }),
        // input and result in engine memory (engineArray): no staging or collecting copies
        'convkit engine arrays (auto)': engineRow(
          convkit,
          input,
          (inside, out) => () => convkit.gaussianBlur(inside, { ...opts, out }),
        ),
        'convkit WASM SIMD separable, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD separable, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
        'convkit separable, plain TS (reference)': run({ backend: 'js' }),
      },
      async nodePeers() {
        const { cv } = (await openCvJs()) ?? {};
        if (!cv) return { 'opencv.js GaussianBlur': 'not installed (npm --prefix bench install)' };
        const src = new cv.Mat(h, w, cv.CV_32F);
        src.data32F.set(input.data);
        const dst = new cv.Mat();
        const zero = new cv.Size(0, 0);
        return {
          'opencv.js GaussianBlur (WASM)': () =>
            cv.GaussianBlur(src, dst, zero, sigma, sigma, cv.BORDER_REFLECT_101),
        };
      },
    };
  },
});

export default gaussianWorkload('W3', 2);
