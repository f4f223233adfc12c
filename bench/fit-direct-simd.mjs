#!/usr/bin/env node
// The SIMD direct loop's cost against the FFT plan, one thread (CPU-time minimums): refits
// WASM_DIRECT (src/linear/plan.ts) and measures the direct/FFT crossover of `auto` with the
// engine. Kernels: non-negative (the f32 path while its tolerance guard allows) and mixed-sign.
//   npm run build && node bench/fit-direct-simd.mjs [--quick] [--js] [--f64]
import * as convkit from '../dist/index.js';
import { cpuTimes, fill, machine } from './lib.mjs';

const quick = process.argv.includes('--quick');
const backend = process.argv.includes('--js') ? 'js' : 'wasm';
const f64 = process.argv.includes('--f64');
const cpuMin = (fn, reps) => cpuTimes(fn, reps)[0];
console.log(`fit-direct-simd (${backend}${f64 ? ', float64' : ''}) — ${machine()}`);
const sizes = quick
  ? [[512, 512]]
  : [
      [256, 256],
      [512, 512],
      [1080, 1920],
    ];
for (const [h, w] of sizes) {
  const x = convkit.ndarray(fill(f64 ? new Float64Array(h * w) : new Float32Array(h * w), 7, 1), [h, w]);
  for (const signed of [false, true]) {
    const rows = [];
    for (const k of [3, 5, 7, 9, 11, 13, 15]) {
      const kd = fill(new Float64Array(k * k), 8, 1).map((v) => (signed ? v - 0.5 : v));
      const kernel = convkit.ndarray(kd, [k, k]);
      const reps = h * w > 1e6 ? 3 : 5;
      const o = { threads: 1, backend };
      const d = cpuMin(() => convkit.correlate(x, kernel, { method: 'direct', ...o }), reps);
      const f = cpuMin(() => convkit.correlate(x, kernel, { method: 'fft', ...o }), reps);
      const auto = convkit.planCorrelate(x, kernel, o);
      const ns = (d * 1e6) / (h * w);
      rows.push(
        `${k}×${k}: direct ${d.toFixed(1)} (${ns.toFixed(2)} ns/out) fft ${f.toFixed(1)} auto→${auto.method}`,
      );
    }
    console.log(`${w}×${h} ${signed ? 'mixed-sign' : 'non-negative'} kernels:\n  ${rows.join('\n  ')}`);
  }
}
