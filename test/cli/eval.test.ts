// The library imported from `node --input-type=module -e …`: a worker inherits the process's
// Node options, and Node refuses to load a worker's file under --input-type, so the pools then
// start their workers from evaluated code that imports the file (nodeWorkerSource). Before,
// startWorkers waited out its 10-second timeout there and the engine ran on one thread;
// conv2dThreaded rejected. With a V8 option as well: a worker's own execArgv may not hold one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers.js';
import { nodeWorkerSource } from '../../src/engine/platform.js';

const dist = (p: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', p)).href);

test('nodeWorkerSource: the file itself, or evaluated code importing it under --input-type (either spelling)', () => {
  const href = 'file:///x/dist/engine/worker.js';
  assert.deepEqual(nodeWorkerSource(href, ['--enable-source-maps', '--experimental-wasm-relaxed-simd']), {
    source: new URL(href),
    eval: false,
  });
  for (const argv of [
    ['--input-type=module', '-e', 'x'],
    ['--input-type', 'commonjs', '-e', 'x'],
  ])
    assert.deepEqual(nodeWorkerSource(href, argv), {
      source: `import(${JSON.stringify(href)});`,
      eval: true,
    });
});

test('under node --input-type=module -e, both pools start their workers at once', () => {
  const code = `
    import { startWorkers, engineInfo, correlate, ndarray } from ${dist('index.js')};
    import { conv2dThreaded, closeThreads } from ${dist('nn/threads.js')};
    const t = performance.now();
    const started = startWorkers(2);
    const ms = performance.now() - t;
    const x = ndarray(Float32Array.from({ length: 2 * 3 * 6 * 6 }, (_, i) => (i % 7) - 3), [2, 3, 6, 6]);
    const w = ndarray(Float32Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => (i % 5) / 4), [4, 3, 3, 3]);
    const y = await conv2dThreaded(x, w, undefined, { padding: 1, threads: 2 });
    await closeThreads();
    console.log(JSON.stringify({ started, ms, loaded: engineInfo().workersLoaded, shape: y.shape }));
  `;
  // Not as a test runner's child (NODE_TEST_CONTEXT): a plain `node -e`.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(
    process.execPath,
    ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', code],
    {
      encoding: 'utf8',
      env,
      timeout: 60000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { started: number; ms: number; loaded: number; shape: number[] };
  assert.equal(got.started, 1);
  assert.equal(got.loaded, 1);
  assert.ok(got.ms < 5000, `startWorkers took ${got.ms} ms`);
  assert.deepEqual(got.shape, [2, 4, 6, 6]);
});
