// W8: bilateral d = 9, σ_color = 75, σ_space = 75, uint8, 1080p RGB, border mirror (OpenCV's
// default). convkit's uint8 result is bit-identical to OpenCV's.
import { fill, handOff } from '../lib.mjs';

export default {
  id: 'W8',
  title: 'bilateral d=9, 75, 75, uint8, 1080p RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [270, 480] : [1080, 1920];
    const input = convkit.ndarray(fill(new Uint8Array(h * w * 3), 8, 256), [h, w, 3]);
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers(); // a warm pool, as in a long-running process
    const run = (opts) => {
      const fn = () => convkit.bilateralFilter(input, 9, 75, 75, opts);
      fn(); // warm-up: the WebAssembly loops tier up during the first run
      return fn;
    };
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w08-in', input)],
      params: { d: 9, sigma_color: 75, sigma_space: 75 },
      ours: {
        'convkit bilateralFilter (auto)': run({}),
        'convkit WASM SIMD, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
        'convkit plain TS (reference)': run({ backend: 'js' }),
      },
    };
  },
};
