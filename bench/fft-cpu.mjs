#!/usr/bin/env node
// Single-thread CPU-time ratios for the FFT workloads W9, W11, W13: convkit (WebAssembly SIMD
// and plain TypeScript, one thread) against SciPy fftconvolve and OpenCV (cv2.setNumThreads(1)).
// CPU time (process.cpuUsage / time.process_time) hardly moves when other processes share the
// cores, where wall-clock medians swing 2–5× (see bench/cpu.mjs for W1–W5).
//   node bench/fft-cpu.mjs [--quick] [--reps N] [--only W9,W13] [--no-peers] [--no-js]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PYTHON, fill, handOff, machine } from './lib.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const reps = Number(opt('--reps', 5));
const only = opt('--only', 'W9,W11,W13').split(',');
const convkit = await import('../dist/index.js');

/** Median and minimum CPU ms of `reps` runs after two warm-ups (the first compiles the SIMD code). */
function cpuMs(fn) {
  fn();
  fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    ts.push((d.user + d.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  last.min = ts[0];
  return ts[ts.length >> 1];
}
const last = { min: NaN };

const [h, w] = quick ? [270, 480] : [1080, 1920];
const n13 = quick ? 512 : 2048;
// The same data as bench/workloads/w09.mjs, w11.mjs, w13.mjs.
const img9 = convkit.ndarray(fill(new Float32Array(h * w), 9, 1), [h, w]);
const k9 = convkit.ndarray(
  fill(new Float64Array(31 * 31), 99, 1).map((v) => v - 0.5),
  [31, 31],
);
const img11 = convkit.ndarray(fill(new Float32Array(h * w), 11, 1), [h, w]);
const t11 = new Float32Array(64 * 64);
for (let r = 0; r < 64; r++) t11.set(img11.data.subarray((100 + r) * w + 200, (100 + r) * w + 264), r * 64);
const tpl11 = convkit.ndarray(t11, [64, 64]);
const img13 = convkit.ndarray(fill(new Float32Array(n13 * n13), 13, 1), [n13, n13]);
const k13 = convkit.ndarray(
  fill(new Float64Array(101 * 101), 131, 1).map((v) => v - 0.5),
  [101, 101],
);

const cases = [
  ['W9', (o) => convkit.correlate(img9, k9, { method: 'fft', ...o }), [img9, k9], 'fftconv', 'f2d'],
  [
    'W11',
    (o) => convkit.matchTemplate(img11, tpl11, { method: 'ccoeff-normed', correlation: 'fft', ...o }),
    [img11, tpl11],
    'match',
    'match',
  ],
  ['W13', (o) => convkit.convolve(img13, k13, { method: 'fft', ...o }), [img13, k13], 'fftconv', 'f2d'],
];

const PY = `
import sys, time, numpy as np, cv2, scipy.signal as ss
cv2.setNumThreads(1)
op, reps, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
a = [np.load(f) for f in files]
f = {'fftconv': lambda: ss.fftconvolve(a[0], a[1].astype(np.float32), mode='same'),
     'f2d': lambda: cv2.filter2D(a[0], -1, a[1].astype(np.float32), borderType=cv2.BORDER_CONSTANT),
     'match': lambda: cv2.matchTemplate(a[0], a[1], cv2.TM_CCOEFF_NORMED)}[op]
f()
ts = []
for _ in range(reps):
    t = time.process_time(); f(); ts.append((time.process_time() - t) * 1000)
ts.sort(); print(ts[len(ts) // 2])
`;

function peer(op, files) {
  if (args.includes('--no-peers') || !existsSync(PYTHON)) return NaN;
  const r = spawnSync(PYTHON, ['-c', PY, op, String(reps), ...files], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

console.log(`single-thread CPU time (median of ${reps}) — ${machine()}`);
console.log('workload  convkit WASM (min)         plain TS   SciPy 1 thr  OpenCV 1 thr  WASM ÷ best peer');
for (const [id, run, arrays, opA, opB] of cases) {
  if (!only.includes(id)) continue;
  const wasm = cpuMs(() => run({ backend: 'wasm', threads: 1 }));
  const wasmMin = last.min;
  const js = args.includes('--no-js') ? NaN : cpuMs(() => run({ backend: 'js', threads: 1 }));
  const files = arrays.map((a, i) => handOff(convkit, `fftcpu-${id}-${i}`, a));
  const a = opA === opB ? NaN : peer(opA, files);
  const b = peer(opB, files);
  const best = Math.min(...[a, b].filter((v) => !Number.isNaN(v)));
  const f = (v) => `${v.toFixed(1)} ms`.padStart(12);
  console.log(
    `${id.padEnd(8)} ${f(wasm)} (${wasmMin.toFixed(1)})  ${f(js)}  ${f(a)}  ${f(b)}  ${(wasm / best).toFixed(2).padStart(10)}×`,
  );
}
