#!/usr/bin/env node
// Single-thread CPU-time ratios for W8 (bilateral) and W10 (non-local means): convkit
// (WebAssembly SIMD and plain TypeScript, threads 1) against OpenCV with cv2.setNumThreads(1),
// on the workloads' own inputs. CPU time (process.cpuUsage / time.process_time) hardly moves
// when other processes share the cores; `node bench/run.mjs --only W8,W10` gives wall clock.
//   node bench/cpu-nonlinear.mjs [--quick] [--reps N] [--no-js]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PYTHON, machine } from './lib.mjs';
import w08 from './workloads/w08.mjs';
import w10 from './workloads/w10.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 5;
const convkit = await import('../dist/index.js');

function cpuMs(fn, n = reps) {
  fn();
  const ts = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    ts.push((d.user + d.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

const PY = `
import sys, time, numpy as np, cv2
cv2.setNumThreads(1)
op, reps, f = sys.argv[1], int(sys.argv[2]), sys.argv[3]
a = np.load(f)
if a.ndim == 3: a = a[:, :, ::-1].copy()  # any channel order: the cost is the same
run = {'bil': lambda: cv2.bilateralFilter(a, 9, 75, 75),
       'nlm': lambda: cv2.fastNlMeansDenoising(a, None, 10, 7, 21)}[op]
run()
ts = []
for _ in range(reps):
    t = time.process_time(); run(); ts.append((time.process_time() - t) * 1000)
ts.sort(); print(ts[len(ts) // 2])
`;

const cases = [
  ['W8', w08, 'bil', (x, o) => convkit.bilateralFilter(x, 9, 75, 75, o)],
  ['W10', w10, 'nlm', (x, o) => convkit.nlMeans(x, 10, o)],
];
console.log(`single-thread CPU time (median of ${reps}) — ${machine()}${quick ? ', quick sizes' : ''}`);
console.log('workload  convkit WASM  convkit plain TS  OpenCV 1 thread  WASM ÷ OpenCV');
for (const [id, workload, op, run] of cases) {
  // the workload's own input (its setup writes it for the Python peers)
  const stub = { ...convkit, bilateralFilter: () => undefined, nlMeans: () => undefined };
  const ctx = await workload.setup({ convkit: stub, quick });
  const x = convkit.decodeNpy(new Uint8Array(readFileSync(ctx.files[0])));
  const wasm = cpuMs(() => run(x, { backend: 'wasm', threads: 1 }));
  // the plain-TS NLM takes ~10 s at full size: fewer runs
  const js = args.includes('--no-js') ? NaN : cpuMs(() => run(x, { backend: 'js' }), op === 'nlm' ? 1 : reps);
  let cv = NaN;
  if (existsSync(PYTHON)) {
    const r = spawnSync(PYTHON, ['-c', PY, op, String(reps), ctx.files[0]], { encoding: 'utf8' });
    cv = Number(r.stdout.trim());
  }
  const f = (v) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(
    `${id.padEnd(8)} ${f(wasm)}  ${f(js).padStart(16)}  ${f(cv).padStart(15)}  ${(wasm / cv).toFixed(2).padStart(12)}×`,
  );
}
