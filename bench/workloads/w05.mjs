// W5: box 45×45, uint8, 4K RGB, border mirror: OpenCV blur(x, (45, 45)).
import { engineRow, fill, handOff } from '../lib.mjs';
import { openCvJs } from './w02.mjs';

export default {
  id: 'W5',
  title: 'box 45×45, uint8, 4K RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Uint8Array(h * w * 3), 5, 256), [h, w, 3]);
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers();
    const run = (more) => {
      const fn = () => convkit.boxFilter(input, { ksize: [45, 45], ...more });
      fn(); // warm-ups (WebAssembly tier-up)
      fn();
      return fn;
    };
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w05-in', input)],
      params: { ksize: 45 },
      ours: {
        'convkit boxFilter (auto)': run({}),
        // into a reused result array (the `out` option; OpenCV's dst): no fresh 25–33 MB result to fault in
        'convkit boxFilter into out (auto)': run({ out: convkit.zeros([h, w, 3], 'uint8') }),
        // input and result in engine memory (engineArray): no staging or collecting copies
        'convkit engine arrays (auto)': engineRow(
          convkit,
          input,
          (inside, out) => () => convkit.boxFilter(inside, { ksize: [45, 45], out }),
        ),
        'convkit WASM SIMD running sums, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD running sums, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
        'convkit running sums, plain TS (reference)': run({ backend: 'js' }),
      },
      async nodePeers() {
        const { cv } = (await openCvJs()) ?? {};
        if (!cv) return { 'opencv.js blur': 'not installed (npm --prefix bench install)' };
        const src = new cv.Mat(h, w, cv.CV_8UC3);
        src.data.set(input.data);
        const dst = new cv.Mat();
        const size = new cv.Size(45, 45);
        const anchor = new cv.Point(-1, -1);
        return { 'opencv.js blur (WASM)': () => cv.blur(src, dst, size, anchor, cv.BORDER_REFLECT_101) };
      },
    };
  },
};
