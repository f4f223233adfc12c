// W7: median 45×45, uint8, 1080p gray, border replicate. Constant time per pixel
// (Perreault–Hébert histograms) in convkit and OpenCV alike.
import { fill, handOff, nodePeer, warmed } from '../lib.mjs';

export default {
  id: 'W7',
  title: 'median 45×45, uint8, 1080p gray',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [270, 480] : [1080, 1920];
    const input = convkit.ndarray(fill(new Uint8Array(h * w), 7, 256), [h, w]);
    convkit.startWorkers(); // a warm pool, as in a long-running process (as every workload)
    const run = (opts) => warmed(() => convkit.medianFilter(input, 45, opts));
    return {
      size: `${w}×${h}`,
      bytes: h * w * 2,
      files: [handOff(convkit, 'w07-in', input)],
      params: { ksize: 45 },
      ours: {
        'convkit medianFilter (auto = simd: WebAssembly SIMD histograms, engine threads)': run({}),
        'convkit medianFilter SIMD, 1 thread': run({ threads: 1 }),
        'convkit medianFilter (histogram, plain TS)': () =>
          convkit.medianFilter(input, 45, { method: 'histogram' }),
      },
      async nodePeers() {
        const sharp = (await nodePeer('sharp'))?.default;
        if (!sharp) return { 'sharp median': 'not installed (cd bench && npm install)' };
        const raw = { raw: { width: w, height: h, channels: 1 } };
        return {
          'sharp median (libvips)': () => sharp(input.data, raw).median(45).raw().toBuffer(),
        };
      },
    };
  },
};
