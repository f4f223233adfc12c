#!/usr/bin/env node
// Fits the constants of the `auto` cost model (src/linear/plan.ts, src/linear/fft.ts) on this
// machine and measures the direct/FFT crossovers. Times are CPU time (process.cpuUsage), the
// minimum of several runs, which is far steadier than wall time on a shared machine.
//   npm run build && node bench/fit-plan.mjs [--quick]
import { JS_BUTTERFLIES } from '../dist/fft/butterflies.js';
import { TileCorrelator } from '../dist/fft/correlate.js';
import { FFT_COST } from '../dist/linear/fft.js';
import { DIRECT_COST } from '../dist/linear/plan.js';
import * as convkit from '../dist/index.js';
import { cpuTimes, fill, machine } from './lib.mjs';

const quick = process.argv.includes('--quick');
const REPS = quick ? 3 : 7;

/** The best CPU time of `reps` runs after one warm-up. */
const cpuMs = (fn, reps = REPS) => cpuTimes(fn, reps)[0];

console.log(`fit-plan — ${machine()}\n`);

// 1. ns per point per butterfly stage, by radix: one radix repeated, 16 lanes, forward + inverse.
console.log('butterfly stages (16 lanes, forward DIF + inverse DIT, in cache):');
const stage = {};
for (const [r, count] of [
  [4, 5],
  [2, 9],
  [3, 6],
  [5, 4],
  [7, 3],
]) {
  const n = r ** count;
  const L = 16;
  const re = fill(new Float64Array(n * L), 1, 1);
  const im = fill(new Float64Array(n * L), 2, 1);
  const spans = [];
  const twr = [];
  const twi = [];
  for (let k = 1, span = n; k <= count; k++) {
    span /= r;
    spans.push(span);
    twr.push(new Float64Array(span * (r - 1)).fill(Math.SQRT1_2));
    twi.push(new Float64Array(span * (r - 1)).fill(Math.SQRT1_2));
  }
  const reps = Math.max(1, Math.round(4e5 / (n * L)));
  const ms = cpuMs(() => {
    for (let i = 0; i < reps; i++) {
      for (let k = 0; k < count; k++) JS_BUTTERFLIES.dif[r](re, im, L, L, n, spans[k], twr[k], twi[k], -1);
      for (let k = count - 1; k >= 0; k--)
        JS_BUTTERFLIES.dit[r](re, im, L, L, n, spans[k], twr[k], twi[k], 1);
    }
  });
  // Two passes (forward and inverse) of `count` stages over n·L points, `reps` times.
  stage[r] = (ms * 1e6) / (reps * 2 * count * n * L);
  console.log(`  radix ${r}: ${stage[r].toFixed(2)} ns per point per stage (model: ${FFT_COST.stage[r]})`);
}

// 2. The tile-buffer traffic per point per pair of tiles: a correlation run minus its stages.
console.log('\ntile passes (correlation runs minus their modelled stages):');
const stageCost = (n) => {
  let c = 0;
  let m = n;
  for (const r of [7, 5, 3, 4, 2])
    while (m % r === 0) {
      c += stage[r];
      m /= r;
    }
  return c;
};
const traffic = [];
for (const [oh, ow, k, n1, n2] of [
  [1080, 1920, 31, 256, 512],
  [1080, 1920, 31, 128, 128],
  [1017, 1857, 64, 320, 1024],
  [2048, 2048, 101, 1125, 1125],
]) {
  const src = fill(new Float32Array((oh + k - 1) * (ow + k - 1)), 3, 1);
  const dst = new Float32Array(oh * ow);
  const taps = { data: fill(new Float64Array(k * k), 4, 1), rows: k, cols: k };
  const c = new TileCorrelator(taps, n1, n2);
  const job = {
    src: { data: src, offset: 0, stride: ow + k - 1 },
    dst: { data: dst, offset: 0, stride: ow },
    height: oh,
    width: ow,
  };
  const ms = cpuMs(() => c.run([job]));
  const b1 = n1 - k + 1;
  const b2 = n2 - k + 1;
  const pairs = Math.ceil((Math.ceil(oh / b1) * Math.ceil(ow / b2)) / 2);
  const stagesNs =
    pairs *
    ((Math.min(n1, oh + k - 1) + Math.min(b1, oh)) * n2 * stageCost(n2) + 2 * n1 * n2 * stageCost(n1));
  const perPoint = (ms * 1e6 - stagesNs) / (pairs * n1 * n2);
  traffic.push({ points: n1 * n2, perPoint });
  console.log(
    `  ${oh}×${ow}, ${k}×${k}, tiles ${n1}×${n2}: ${ms.toFixed(1)} ms → ${perPoint.toFixed(2)} ns per tile point per pair`,
  );
}
console.log(`  (model: ${FFT_COST.pass} ns, + ${FFT_COST.bigTile} ns above ${FFT_COST.l2Points} points)`);

// 3. Direct: ns per tap per output.
console.log('\ndirect method (1080p float32, mirror border):');
const img = convkit.ndarray(fill(new Float32Array(1080 * 1920), 5, 1), [1080, 1920]);
for (const k of [3, 5, 7, 9, 11]) {
  const kernel = convkit.ndarray(fill(new Float64Array(k * k), 6, 1), [k, k]);
  const ms = cpuMs(() => convkit.correlate(img, kernel, { method: 'direct', border: 'mirror' }), 3);
  console.log(
    `  ${k}×${k}: ${ms.toFixed(1)} ms → ${((ms * 1e6) / (1080 * 1920 * k * k)).toFixed(3)} ns per tap·output`,
  );
}
console.log(
  `  (model: ${DIRECT_COST.generatedTap} ns ≤ 64 taps, ${DIRECT_COST.passTap} ns above, + ${DIRECT_COST.perOutput} ns per output)`,
);

// 4. Crossovers: the smallest square kernel for which FFT beats direct, and what auto picks.
console.log('\ncrossovers (square kernels, float32, constant border):');
for (const [h, w] of quick
  ? [[256, 256]]
  : [
      [256, 256],
      [512, 512],
      [1080, 1920],
    ]) {
  const x = convkit.ndarray(fill(new Float32Array(h * w), 7, 1), [h, w]);
  const rows = [];
  let crossing;
  for (const k of [3, 5, 7, 9, 11, 13, 15, 17, 21]) {
    const kernel = convkit.ndarray(fill(new Float64Array(k * k), 8, 1), [k, k]);
    const reps = h * w > 1e6 ? 2 : 4;
    const d = cpuMs(() => convkit.correlate(x, kernel, { method: 'direct' }), reps);
    const f = cpuMs(() => convkit.correlate(x, kernel, { method: 'fft' }), reps);
    const auto = convkit.planCorrelate(x, kernel).method;
    if (crossing === undefined && f < d) crossing = k;
    rows.push(`${k}: direct ${d.toFixed(1)} fft ${f.toFixed(1)} auto→${auto}`);
    if (f < d / 3) break;
  }
  console.log(
    `  ${w}×${h}: FFT first faster at ${crossing ?? '>21'}×${crossing ?? '>21'}\n    ${rows.join('\n    ')}`,
  );
}
