// W5: box 45×45, uint8, 4K RGB, border mirror: OpenCV blur(x, (45, 45)).
import { fill, handOff } from '../lib.mjs';

export default {
  id: 'W5',
  title: 'box 45×45, uint8, 4K RGB',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Uint8Array(h * w * 3), 5, 256), [h, w, 3]);
    return {
      size: `${w}×${h}×3`,
      bytes: h * w * 3 * 2,
      files: [handOff(convkit, 'w05-in', input)],
      params: { ksize: 45 },
      ours: {
        'convkit boxFilter (running sums, plain TS)': () => convkit.boxFilter(input, { ksize: [45, 45] }),
      },
    };
  },
};
