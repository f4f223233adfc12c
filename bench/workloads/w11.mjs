// W11: template matching, ccoeff-normed, a 64×64 template in a 1080p float32 image.
import { fill, handOff, warmed } from '../lib.mjs';

export default {
  id: 'W11',
  title: 'template match ccoeff-normed, 64×64 in 1080p float32',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [270, 480] : [1080, 1920];
    const image = convkit.ndarray(fill(new Float32Array(h * w), 11, 1), [h, w]);
    // The template is a patch of the image, so there is a true match to find.
    const t = new Float32Array(64 * 64);
    for (let r = 0; r < 64; r++) t.set(image.data.subarray((100 + r) * w + 200, (100 + r) * w + 264), r * 64);
    const template = convkit.ndarray(t, [64, 64]);
    convkit.startWorkers(); // a warm pool, as in a long-running process (as every workload)
    return {
      size: `${w}×${h}, 64×64 template`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, 'w11-in', image), handOff(convkit, 'w11-t', template)],
      ours: {
        'convkit matchTemplate (auto)': warmed(() =>
          convkit.matchTemplate(image, template, { method: 'ccoeff-normed' }),
        ),
      },
    };
  },
};
