// W1: 3×3 generic (non-separable) kernel, float32, 4K gray, border mirror (OpenCV's default).
import { fill, handOff } from '../lib.mjs';

export default {
  id: 'W1',
  title: '3×3 generic kernel, float32, 4K gray',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Float32Array(h * w), 1, 1), [h, w]);
    const kernel = convkit.ndarray(Float64Array.from([1, 2, 0, -1, 0.5, 3, 0, -2, 1]), [3, 3]);
    return {
      size: `${w}×${h}`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, 'w01-in', input), handOff(convkit, 'w01-k', kernel)],
      ours: {
        'convkit correlate': () => convkit.correlate(input, kernel, { border: 'mirror' }),
        'convkit correlate, direct (plain TS)': () =>
          convkit.correlate(input, kernel, { border: 'mirror', method: 'direct' }),
      },
    };
  },
};
