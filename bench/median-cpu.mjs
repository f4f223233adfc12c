#!/usr/bin/env node
// Single-thread CPU time of W6 (median 5×5, uint8 4K RGB) and W7 (median 45×45, uint8 1080p
// gray): convkit (each method, threads 1) against OpenCV medianBlur with cv2.setNumThreads(1).
// CPU time (process.cpuUsage / time.process_time) hardly moves when other processes share the
// cores, where wall-clock medians swing 2–5×; `npm run bench` gives the wall-clock picture.
//   node bench/median-cpu.mjs [--quick] [--reps N] [--only W6|W7]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PYTHON, fill, handOff, machine } from './lib.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 5;
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : ['W6', 'W7'];
const convkit = await import('../dist/index.js');

function cpuMs(fn) {
  fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    ts.push((d.user + d.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

const [h6, w6] = quick ? [540, 960] : [2160, 3840];
const [h7, w7] = quick ? [270, 480] : [1080, 1920];
const cases = [
  {
    id: 'W6',
    input: convkit.ndarray(fill(new Uint8Array(h6 * w6 * 3), 6, 256), [h6, w6, 3]),
    k: 5,
    methods: ['simd', 'network'],
  },
  {
    id: 'W7',
    input: convkit.ndarray(fill(new Uint8Array(h7 * w7), 7, 256), [h7, w7]),
    k: 45,
    methods: ['simd', 'histogram'],
  },
].filter((c) => only.includes(c.id));

const PY = `
import sys, time, numpy as np, cv2
cv2.setNumThreads(1)
k, reps, f = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
a = np.load(f)
run = lambda: cv2.medianBlur(a, k)
run()
ts = []
for _ in range(reps):
    t = time.process_time(); run(); ts.append((time.process_time() - t) * 1000)
ts.sort(); print(ts[len(ts) // 2])
`;

console.log(`single-thread CPU time (median of ${reps}) — ${machine()}`);
for (const c of cases) {
  let cv = NaN;
  if (existsSync(PYTHON)) {
    const file = handOff(convkit, `cpu-median-${c.id}`, c.input);
    const r = spawnSync(PYTHON, ['-c', PY, String(c.k), String(reps), file], { encoding: 'utf8' });
    cv = Number(r.stdout.trim());
  }
  for (const m of c.methods) {
    const opts = { method: m, threads: 1 };
    const t = cpuMs(() => convkit.medianFilter(c.input, c.k, opts));
    console.log(
      `${c.id} ${c.k}×${c.k} ${m.padEnd(13)} ${t.toFixed(1).padStart(8)} ms   OpenCV 1 thread ${cv.toFixed(1)} ms   ratio ${(t / cv).toFixed(2)}×`,
    );
  }
}
