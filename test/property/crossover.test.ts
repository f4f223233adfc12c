// The pool crossover as planned (not forced off as in the other engine tests): two threads for
// a 1080p 3×3 float32 filter (about 2 M units of work, which two threads run in 0.7–0.8 of one
// thread's time here), one for images below 1.5 M units (where a pool costs about what it
// saves, or more). Session 14 moved the threshold from 4 M; see docs/engine.md, "Crossover".
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray, planCorrelate, workersReady } from '../../src/index.js';

before(async () => {
  assert.equal(await workersReady(2), 1, 'the pool worker loaded');
});

const kernel = ndarray(Float64Array.from([1, 2, 0, -1, 0.5, 3, 0, -2, 1]), [3, 3]);
const plan = (h: number, w: number, dtype: 'float32' | 'uint8' = 'float32', channels = 1) => {
  const shape = channels > 1 ? [h, w, channels] : [h, w];
  const n = h * w * channels;
  const data = dtype === 'uint8' ? new Uint8Array(n) : new Float32Array(n);
  return planCorrelate(ndarray(data, shape), kernel, { backend: 'wasm', threads: 2 });
};

test('two threads from 1.5 M units of work: 1080p 3×3 float32 on two, 720×1440 on one', () => {
  const hd = plan(1080, 1920);
  assert.equal(hd.backend, 'wasm');
  assert.equal(hd.threads, 2, hd.reason);
  const small = plan(720, 1440);
  assert.equal(small.threads, 1, small.reason);
  assert.match(small.reason, /too small for more workers/);
  // 3×3 on uint8 gray counts the same work per output element as float32
  assert.equal(plan(1080, 1920, 'uint8').threads, 2);
  assert.equal(plan(540, 960, 'uint8').threads, 1);
});
