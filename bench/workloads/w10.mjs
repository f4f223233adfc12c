// W10: non-local means h = 10, template 7, search 21, uint8, 1024² gray. The input is a
// smooth synthetic scene plus Gaussian noise (σ = 15), the filter's use case (on uniform noise
// almost every weight is 0). convkit's result is bit-identical to OpenCV's.
import { handOff } from '../lib.mjs';

/** A deterministic smooth image with edges, plus N(0, 15²) noise (Box–Muller on mulberry32). */
function noisyScene(h, w) {
  let a = 10;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const clean = 128 + 60 * Math.sin(x / 37) * Math.cos(y / 23) + (((x >> 6) + (y >> 6)) % 2 ? 40 : -40);
      const noise = 15 * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
      out[y * w + x] = Math.max(0, Math.min(255, Math.round(clean + noise)));
    }
  }
  return out;
}

export default {
  id: 'W10',
  title: 'non-local means h=10, 7, 21, uint8, 1024² gray',
  setup({ convkit, quick }) {
    const n = quick ? 256 : 1024;
    const input = convkit.ndarray(noisyScene(n, n), [n, n]);
    const cores = convkit.engineInfo().cores;
    convkit.startWorkers(); // a warm pool, as in a long-running process
    const run = (opts) => {
      const fn = () => convkit.nlMeans(input, 10, opts);
      fn(); // warm-up: the WebAssembly loops tier up during the first run
      return fn;
    };
    return {
      size: `${n}×${n}`,
      bytes: n * n * 2,
      files: [handOff(convkit, 'w10-in', input)],
      params: { h: 10, template: 7, search: 21 },
      ours: {
        'convkit nlMeans (auto)': run({}),
        'convkit WASM SIMD, 1 thread': run({ backend: 'wasm', threads: 1 }),
        [`convkit WASM SIMD, ${cores} threads`]: run({ backend: 'wasm', threads: cores }),
      },
    };
  },
};
