#!/usr/bin/env node
// Single-thread CPU time of W12 (conv2d N=8, 64→64, 56×56, 3×3, padding 1, float32), forward
// and backward (grad input + grad weight), convkit against PyTorch with torch.set_num_threads(1).
// CPU time (process.cpuUsage / time.process_time) hardly moves when other processes share the
// cores, where wall-clock medians swing 2–5×; `node bench/run.mjs --only W12,W12B` gives wall time.
//   node bench/nn-cpu.mjs [--reps N] [--no-torch] [--plain]
import { spawnSync } from 'node:child_process';
import { PYTHON, cpuMs as cpuMsOf, fill } from './lib.mjs';

const args = process.argv.slice(2);
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 7;
const convkit = await import('../dist/index.js');
const { setWinogradSimd } = await import('../dist/nn/winograd-simd.js');
const [N, C, O, H, W, K] = [8, 64, 64, 56, 56, 3];

const cpuMs = (fn) => cpuMsOf(fn, reps);

const x = convkit.ndarray(fill(new Float32Array(N * C * H * W), 12, 1), [N, C, H, W]);
const w = convkit.ndarray(fill(new Float32Array(O * C * K * K), 13, 1), [O, C, K, K]);
const gy = convkit.ndarray(fill(new Float32Array(N * O * H * W), 14, 1), [N, O, H, W]);
const grads = { padding: 1, gradBias: false };
const ours = {};
if (args.includes('--plain')) setWinogradSimd(false);
ours.forward = cpuMs(() => convkit.conv2d(x, w, null, { padding: 1 }));
ours.backward = cpuMs(() => convkit.conv2dBackward(x, w, gy, grads));
ours.gradInput = cpuMs(() => convkit.conv2dBackward(x, w, gy, { ...grads, gradWeight: false }));
ours.gradWeight = cpuMs(() => convkit.conv2dBackward(x, w, gy, { ...grads, gradInput: false }));

let torch = {};
if (!args.includes('--no-torch')) {
  const py = `
import time, torch
torch.set_num_threads(1)
x = torch.rand(${N}, ${C}, ${H}, ${W}); w = torch.rand(${O}, ${C}, 3, 3)
gy = torch.rand(${N}, ${O}, ${H}, ${W})
def cpu(f, reps=${reps}):
    f(); ts = []
    for _ in range(reps):
        t = time.process_time(); f(); ts.append(time.process_time() - t)
    return sorted(ts)[len(ts) // 2] * 1000
def fwd():
    with torch.no_grad(): torch.nn.functional.conv2d(x, w, padding=1)
def bwd():  # grad input + grad weight, as bench/peers.py times it
    with torch.no_grad():
        torch.ops.aten.convolution_backward(
            gy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, [True, True, False])
f = cpu(fwd); b = cpu(bwd)
print(f"{f:.1f} {b:.1f}")`;
  const r = spawnSync(PYTHON, ['-c', py], { encoding: 'utf8' });
  const [f, b] = r.stdout.trim().split(' ').map(Number);
  torch = { forward: f, backward: b };
}
for (const k of Object.keys(ours)) {
  const t = torch[k];
  console.log(
    `W12 ${k.padEnd(10)} convkit ${ours[k].toFixed(1).padStart(7)} ms` +
      (t ? `   torch ${t.toFixed(1).padStart(6)} ms   ratio ${(ours[k] / t).toFixed(2)}` : ''),
  );
}
