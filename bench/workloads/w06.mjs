// W6: median 5×5, uint8, 4K RGB, border replicate (OpenCV medianBlur's). Uniform random
// pixels: the sorting networks' cost does not depend on the data.
import { fill, handOff, nodePeer, warmed } from '../lib.mjs';

export default {
  id: 'W6',
  title: 'median 5×5, uint8, 4K RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Uint8Array(h * w * 3), 6, 256), [h, w, 3]);
    convkit.startWorkers(); // a warm pool, as in a long-running process (as every workload)
    const run = (opts) => warmed(() => convkit.medianFilter(input, 5, opts));
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w06-in', input)],
      params: { ksize: 5 },
      ours: {
        'convkit medianFilter (auto = simd: WebAssembly SIMD, engine threads)': run({}),
        'convkit medianFilter SIMD, 1 thread': run({ threads: 1 }),
        'convkit medianFilter (network, plain TS)': () =>
          convkit.medianFilter(input, 5, { method: 'network' }),
      },
      async nodePeers() {
        const sharp = (await nodePeer('sharp'))?.default;
        if (!sharp) return { 'sharp median': 'not installed (cd bench && npm install)' };
        const raw = { raw: { width: w, height: h, channels: 3 } };
        return {
          'sharp median (libvips)': () => sharp(input.data, raw).median(5).raw().toBuffer(),
        };
      },
    };
  },
};
