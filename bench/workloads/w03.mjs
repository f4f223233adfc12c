// W3: Gaussian σ = 2, float32, 4K gray. OpenCV's call GaussianBlur(x, (0, 0), 2): size from σ
// (round(8σ + 1) | 1 = 17 taps, the same as SciPy's truncate-4 rule), border mirror (REFLECT_101).
import { fill, handOff } from '../lib.mjs';

export const gaussianWorkload = (id, sigma) => ({
  id,
  title: `Gaussian σ=${sigma}, float32, 4K gray`,
  setup({ convkit, quick }) {
    const [h, w] = quick ? [540, 960] : [2160, 3840];
    const input = convkit.ndarray(fill(new Float32Array(h * w), 3, 1), [h, w]);
    const opts = { sigma, ksize: [0, 0] };
    return {
      size: `${w}×${h}, ${2 * Math.round(4 * sigma) + 1} taps per axis`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, `${id.toLowerCase()}-in`, input)],
      params: { sigma },
      ours: {
        'convkit gaussianBlur (separable, plain TS)': () => convkit.gaussianBlur(input, opts),
      },
    };
  },
});

export default gaussianWorkload('W3', 2);
