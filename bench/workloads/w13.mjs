// W13: FFT convolution, 2048² float32 with a 101×101 kernel (shape same, zero border:
// what SciPy's fftconvolve/oaconvolve(mode="same") compute).
import { fill, handOff, warmed } from '../lib.mjs';

export default {
  id: 'W13',
  title: 'FFT convolution 2048² float32, 101×101 kernel',
  setup({ convkit, quick }) {
    const n = quick ? 512 : 2048;
    const input = convkit.ndarray(fill(new Float32Array(n * n), 13, 1), [n, n]);
    const kernel = convkit.ndarray(
      fill(new Float64Array(101 * 101), 131, 1).map((v) => v - 0.5),
      [101, 101],
    );
    convkit.startWorkers(); // a warm pool, as in a long-running process (as every workload)
    return {
      size: `${n}×${n}, 101×101 kernel`,
      bytes: n * n * 4 * 2,
      files: [handOff(convkit, 'w13-in', input), handOff(convkit, 'w13-k', kernel)],
      ours: {
        'convkit convolve (auto)': warmed(() => convkit.convolve(input, kernel)),
      },
    };
  },
};
