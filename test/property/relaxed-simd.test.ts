// The relaxed-SIMD build (fused multiply-add in the float32 loops, wasm/madd.ts). Node 20
// runs it only with --experimental-wasm-relaxed-simd, so a child process with that flag loads
// it (workers included: V8 flags are per process) and checks every guarantee the default build
// has: float32 within DESIGN.md's tolerance of the plain-TypeScript reference, uint8
// bit-identical (certified rounding), and identical results for one and two threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const CHILD = `
import { boxFilter, correlate, gaussianBlur, ndarray, engineInfo } from './src/index.ts';
import { setPoolCrossover } from './src/engine/backend.ts';
import { warmPoolAsync } from './src/engine/pool.ts';
import { generatedCalls } from './src/engine/taps-jit.ts';
setPoolCrossover(0);
await warmPoolAsync(2);
let a = 12345;
const r = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
const failures = [];
const within = (got, want, what) => {
  let scale = 0;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.data.length; i++)
    if (!(Math.abs(got.data[i] - want.data[i]) <= 1e-5 * scale)) return void failures.push(what + ' at ' + i);
};
const same = (x, y, what) => {
  for (let i = 0; i < x.data.length; i++)
    if (!Object.is(x.data[i], y.data[i])) return void failures.push(what + ' differs at ' + i);
};
const modes = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];
let cases = 0;
for (let c = 0; c < 24; c++) {
  const h = 40 + Math.floor(r() * 260), w = 5 + Math.floor(r() * 200), ch = c % 3 === 0 ? 3 : 1;
  const border = modes[c % 5];
  const shape = ch === 1 ? [h, w] : [h, w, ch];
  const f = ndarray(Float32Array.from({ length: h * w * ch }, () => (r() - 0.3) * 100), shape);
  const u = ndarray(Uint8Array.from({ length: h * w * ch }, () => Math.floor(r() * 256)), shape);
  const k3 = [0, 1, 2].map(() => [0, 1, 2].map(() => r() * 2 - 0.8));
  // zero corners: the tap list, through a generated register-blocked loop (engine/taps-jit.ts)
  const k3z = k3.map((row, i) => row.map((v, j) => ((i + j) % 2 === 0 && i !== 1 ? 0 : v)));
  const k5 = [0, 1, 2, 3, 4].map(() => [0, 1, 2, 3, 4].map(() => r() - 0.3));
  const sigma = 0.8 + r() * 3;
  for (const [name, run, exact] of [
    ['3x3 float32', (o) => correlate(f, k3, { border, ...o }), false],
    ['3x3 float32 with zero taps', (o) => correlate(f, k3z, { border, ...o }), false],
    ['5x5 float32 taps', (o) => correlate(f, k5, { border, method: 'direct', ...o }), false],
    ['3x3 uint8', (o) => correlate(u, k3, { border, ...o }), true],
    ['gaussian float32', (o) => gaussianBlur(f, { sigma, border, ...o }), false],
    ['separable uint8 to float32', (o) => gaussianBlur(u, { sigma, border, dtype: 'float32', ...o }), false],
    ['box uint8', (o) => boxFilter(u, { ksize: [3, 5], border, ...o }), true],
  ]) {
    const ref = run({ backend: 'js' });
    const one = run({ backend: 'wasm', threads: 1 });
    const two = run({ backend: 'wasm', threads: 2 });
    if (exact) same(one, ref, name + ' vs reference');
    else within(one, ref, name + ' vs reference');
    same(two, one, name + ' two threads');
    cases++;
  }
}
console.log(JSON.stringify({ relaxed: engineInfo().relaxedSimd, cases, generated: generatedCalls.count, failures: failures.slice(0, 5) }));
`;

function child(extraEnv: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', CHILD],
    {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      env: { ...process.env, ...extraEnv },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    relaxed: boolean;
    cases: number;
    generated: number;
    failures: string[];
  };
}

test('the relaxed-SIMD build keeps every guarantee: float32 within tolerance, uint8 exact, threads identical', () => {
  const r = child();
  assert.equal(r.relaxed, true, 'the host validated relaxed SIMD, so the relaxed build is loaded');
  assert.equal(r.cases, 168);
  assert.ok(r.generated > 0, 'the zero-tap kernels ran a generated loop with fused multiply-adds');
  assert.deepEqual(r.failures, []);
});

test('CONVKIT_RELAXED_SIMD=0 keeps the default build where relaxed SIMD would run', () => {
  const r = child({ CONVKIT_RELAXED_SIMD: '0' });
  assert.equal(r.relaxed, false);
  assert.deepEqual(r.failures, []);
});
