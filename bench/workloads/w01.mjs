// W1: 3×3 generic (non-separable) kernel, float32, 4K gray, border mirror (OpenCV's default).
import { engineRow, fill, handOff } from '../lib.mjs';

export default {
  id: 'W1',
  title: '3×3 generic kernel, float32, 4K gray',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Float32Array(h * w), 1, 1), [h, w]);
    const kernel = convkit.ndarray(Float64Array.from([1, 2, 0, -1, 0.5, 3, 0, -2, 1]), [3, 3]);
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers(); // a warm pool, as in a long-running process
    const run = (opts) => {
      const fn = () => convkit.correlate(input, kernel, { border: 'mirror', ...opts });
      // Two extra warm-ups: the WebAssembly loops are tiered up (Liftoff → TurboFan) in the
      // background during the first runs, in this thread and in the workers.
      fn();
      fn();
      return fn;
    };
    return {
      size: `${w}×${h}`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, 'w01-in', input), handOff(convkit, 'w01-k', kernel)],
      ours: {
        'convkit correlate (auto)': run({}),
        // into a reused result array (the `out` option; OpenCV's dst): no fresh 25–33 MB result to fault in
        'convkit correlate into out (auto)': run({ out: convkit.zeros([h, w], 'float32') }),
        // input and result in engine memory (engineArray): every thread filters in place
        'convkit engine arrays (auto)': engineRow(
          convkit,
          input,
          (inside, out) => () => convkit.correlate(inside, kernel, { border: 'mirror', out }),
        ),
        'convkit WASM SIMD, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
        'convkit plain TS (reference)': run({ backend: 'js' }),
      },
    };
  },
};
