// W9: 31×31 non-separable kernel, float32, 1080p gray — where FFT convolution wins.
// convkit's default border (constant 0, the mathematical definition) is what SciPy's
// fftconvolve(mode="same") computes; OpenCV filter2D runs with BORDER_CONSTANT too.
import { fill, handOff, warmed } from '../lib.mjs';

export default {
  id: 'W9',
  title: '31×31 non-separable kernel, float32, 1080p gray',
  setup({ convkit, quick }) {
    const [h, w] = quick ? [270, 480] : [1080, 1920];
    const input = convkit.ndarray(fill(new Float32Array(h * w), 9, 1), [h, w]);
    const kdata = fill(new Float64Array(31 * 31), 99, 1).map((v) => v - 0.5);
    const kernel = convkit.ndarray(kdata, [31, 31]);
    convkit.startWorkers(); // a warm pool, as in a long-running process (as every workload)
    return {
      size: `${w}×${h}`,
      bytes: h * w * 4 * 2,
      files: [handOff(convkit, 'w09-in', input), handOff(convkit, 'w09-k', kernel)],
      ours: {
        'convkit correlate (auto)': warmed(() => convkit.correlate(input, kernel)),
        'convkit correlate, fft (plain TS)': () =>
          convkit.correlate(input, kernel, { method: 'fft', backend: 'js' }),
      },
    };
  },
};
