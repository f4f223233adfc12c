// FFT core: convkit's plans against fft.js (the best-kept JS FFT on npm, radix-4, powers
// of two only) on a complex 2-D transform, rows then columns, float64.
import { fill, nodePeer } from '../lib.mjs';

export default {
  id: 'FFT',
  title: 'complex 2-D FFT, float64 (convkit plans vs fft.js)',
  setup({ convkit, quick }) {
    const n = quick ? 256 : 1024;
    const re = fill(new Float64Array(n * n), 5, 1);
    const im = fill(new Float64Array(n * n), 6, 1);
    const plan = convkit.planFFT2(n, n);
    const outRe = new Float64Array(n * n);
    const outIm = new Float64Array(n * n);
    return {
      size: `${n}×${n} complex`,
      ours: {
        'convkit planFFT2().forward': () => plan.forward(re, im, outRe, outIm),
      },
      async nodePeers() {
        const mod = await nodePeer('fft.js');
        if (!mod) return { 'fft.js': 'not installed (npm --prefix bench install)' };
        const FFT = mod.default ?? mod;
        const f = new FFT(n);
        const z = f.createComplexArray();
        const row = f.createComplexArray();
        const out = f.createComplexArray();
        const data = new Float64Array(2 * n * n);
        for (let i = 0; i < n * n; i++) [data[2 * i], data[2 * i + 1]] = [re[i], im[i]];
        return {
          'fft.js (rows, then columns)': () => {
            for (let r = 0; r < n; r++) {
              const o = 2 * r * n;
              for (let i = 0; i < 2 * n; i++) row[i] = data[o + i];
              f.transform(out, row);
              for (let i = 0; i < 2 * n; i++) data[o + i] = out[i];
            }
            for (let c = 0; c < n; c++) {
              for (let i = 0; i < n; i++) {
                z[2 * i] = data[2 * (i * n + c)];
                z[2 * i + 1] = data[2 * (i * n + c) + 1];
              }
              f.transform(out, z);
              for (let i = 0; i < n; i++) {
                data[2 * (i * n + c)] = out[2 * i];
                data[2 * (i * n + c) + 1] = out[2 * i + 1];
              }
            }
          },
        };
      },
    };
  },
};
