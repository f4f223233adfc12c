// W8: bilateral d = 9, σ_color = 75, σ_space = 75, uint8, 1080p RGB, border mirror (OpenCV's
// default). convkit's uint8 result is bit-identical to OpenCV's.
import { fill, handOff } from '../lib.mjs';

export default {
  id: 'W8',
  title: 'bilateral d=9, 75, 75, uint8, 1080p RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [270, 480] : [1080, 1920];
    const input = convkit.ndarray(fill(new Uint8Array(h * w * 3), 8, 256), [h, w, 3]);
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w08-in', input)],
      params: { d: 9, sigma_color: 75, sigma_space: 75 },
      ours: {
        'convkit bilateralFilter (plain TS)': () => convkit.bilateralFilter(input, 9, 75, 75),
      },
    };
  },
};
