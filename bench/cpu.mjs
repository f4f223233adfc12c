#!/usr/bin/env node
// Single-thread CPU-time ratios for W1–W5: convkit (WASM SIMD and plain TypeScript, threads 1)
// against OpenCV with cv2.setNumThreads(1). CPU time (process.cpuUsage / time.process_time)
// hardly moves when other processes share the cores, where wall-clock medians swing 2–5×:
// use it to compare loops on a busy machine; `npm run bench` gives the wall-clock picture.
//   node bench/cpu.mjs [--quick] [--reps N] [--only W3,W4] [--no-js]
import { cpuMs, fill, handOff, machine, pythonCpuMs } from './lib.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 7;
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : undefined;
const noJs = args.includes('--no-js');
const convkit = await import('../dist/index.js');
const [h, w] = quick ? [540, 960] : [2160, 3840];

const gray = convkit.ndarray(fill(new Float32Array(h * w), 1, 1), [h, w]);
const rgb = convkit.ndarray(fill(new Uint8Array(h * w * 3), 2, 256), [h, w, 3]);
const k1 = convkit.ndarray(Float64Array.from([1, 2, 0, -1, 0.5, 3, 0, -2, 1]), [3, 3]);
const k2 = convkit.ndarray(Float64Array.from([0.1, 0.2, 0.05, -0.1, 0.6, 0.2, 0.05, -0.05, -0.05]), [3, 3]);
const cases = [
  ['W1', (o) => convkit.correlate(gray, k1, { border: 'mirror', ...o }), [gray, k1], 'f2d'],
  ['W2', (o) => convkit.correlate(rgb, k2, { border: 'mirror', ...o }), [rgb, k2], 'f2d'],
  ['W3', (o) => convkit.gaussianBlur(gray, { sigma: 2, ksize: [0, 0], ...o }), [gray], 'g2'],
  ['W4', (o) => convkit.gaussianBlur(gray, { sigma: 10, ksize: [0, 0], ...o }), [gray], 'g10'],
  ['W5', (o) => convkit.boxFilter(rgb, { ksize: [45, 45], ...o }), [rgb], 'box'],
];

const PY = `
import sys, time, numpy as np, cv2
cv2.setNumThreads(1)
op, reps, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
a = [np.load(f) for f in files]
R = cv2.BORDER_REFLECT_101
f = {'f2d': lambda: cv2.filter2D(a[0], -1, a[1].astype(np.float32), borderType=R),
     'g2': lambda: cv2.GaussianBlur(a[0], (0, 0), 2, borderType=R),
     'g10': lambda: cv2.GaussianBlur(a[0], (0, 0), 10, borderType=R),
     'box': lambda: cv2.blur(a[0], (45, 45), borderType=R)}[op]
f(); f()
ts = []
for _ in range(reps):
    t = time.process_time(); f(); ts.append((time.process_time() - t) * 1000)
ts.sort(); print(ts[len(ts) // 2])
`;

console.log(`single-thread CPU time (median of ${reps}) — ${machine()}, ${w}×${h}`);
console.log('workload  convkit WASM  convkit plain TS  OpenCV 1 thread  WASM ÷ OpenCV');
for (const [id, run, arrays, op] of cases) {
  if (only && !only.includes(id)) continue;
  const wasm = cpuMs(() => run({ backend: 'wasm', threads: 1 }), reps, 2);
  const js = noJs ? NaN : cpuMs(() => run({ backend: 'js' }), reps, 2);
  const files = arrays.map((a, i) => handOff(convkit, `cpu-${id}-${i}`, a));
  const cv = pythonCpuMs(PY, [op, reps, ...files]);
  const f = (v) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(
    `${id.padEnd(8)} ${f(wasm)}  ${f(js).padStart(16)}  ${f(cv).padStart(15)}  ${(wasm / cv).toFixed(2).padStart(12)}×`,
  );
}
