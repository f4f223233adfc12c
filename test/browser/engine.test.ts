// The speed engine in chromium: the built modules (dist/, plain ES modules) loaded by a
// cross-origin-isolated page. On the page's main thread the SIMD loops run but no pool (it may
// not block); inside a module worker the pool runs too, and both agree with plain TypeScript
// exactly (uint8) or within the float32 tolerance. Engine arrays (shared WebAssembly memory)
// are filtered in place there, by the pool's worker and by the worker itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launch, root, skipReason } from './harness.js';

const DIST = join(root, 'dist');

const PAGE = `<!doctype html><script type="module">
import { correlate } from '/dist/linear/correlate.js';
import { ndarray } from '/dist/core/ndarray.js';
import { engineInfo } from '/dist/engine/backend.js';
import { simdReady } from '/dist/engine/simd.js';
await simdReady();
const out = { isolated: crossOriginIsolated, main: engineInfo() };
const img = ndarray(Float32Array.from({ length: 120 * 170 }, (_, i) => ((i * 7919) % 1000) / 7), [120, 170]);
const k = [[1, 2, 0], [-1, 0.5, 3], [0, -2, 1]];
const js = correlate(img, k, { backend: 'js' });
const w = correlate(img, k, { backend: 'wasm' });
let scale = 0, diff = 0;
js.data.forEach((v, i) => { scale = Math.max(scale, Math.abs(v)); diff = Math.max(diff, Math.abs(v - w.data[i])); });
out.mainWithin = diff <= 1e-5 * scale;
const worker = new Worker('/worker.js', { type: 'module' });
out.worker = await new Promise((r) => (worker.onmessage = (e) => r(e.data)));
window.RESULT = out;
</script>`;

const WORKER = `
import { correlate } from '/dist/linear/correlate.js';
import { planCorrelate } from '/dist/linear/plan.js';
import { ndarray } from '/dist/core/ndarray.js';
import { engineInfo, setPoolCrossover, startWorkers, workersReady } from '/dist/engine/backend.js';
import { lastPoolRun, setCallerClaims } from '/dist/engine/pool.js';
import { engineArray, releaseEngineArray } from '/dist/engine/heap.js';
import { setBandRows } from '/dist/engine/bands.js';
import { inPlaceCounts } from '/dist/engine/inplace.js';
setPoolCrossover(0);
const img = ndarray(Uint8Array.from({ length: 500 * 130 * 3 }, (_, i) => (i * 7919) % 256), [500, 130, 3]);
const k = [[0.1, 0.2, 0.05], [-0.1, 0.6, 0.2], [0.05, -0.05, -0.05]];
const js = correlate(img, k, { backend: 'js' });
const one = correlate(img, k, { backend: 'wasm', threads: 1 });
// Starts the pool's worker without waiting: a nested worker loads through its parent's event
// loop, so a blocking wait here would only block its loading (it used to, for 10 s).
const t0 = performance.now();
const readyAtStart = startWorkers(2);
const startMs = performance.now() - t0;
const planBefore = planCorrelate(img, k, { backend: 'wasm', threads: 2 }).reason;
// Wait until it has loaded, yielding to this worker's event loop. Under a loaded CI machine
// 300 ms was not always enough.
const ready = await workersReady(2, 30000);
const planAfter = planCorrelate(img, k, { backend: 'wasm', threads: 2 }).reason;
setCallerClaims(false); // every band on the pool's worker
const two = correlate(img, k, { backend: 'wasm', threads: 2 });
// Engine arrays: float32 3×3 in place, every band on the pool's worker, then on this thread.
setBandRows(8);
const f = ndarray(Float32Array.from({ length: 200 * 150 }, (_, i) => ((i * 7919) % 1000) / 7), [200, 150]);
const kf = [[1, 2, 0], [-1, 0.5, 3], [0, -2, 1]];
const want = correlate(f, kf, { backend: 'wasm', threads: 1 });
const fin = engineArray([200, 150], 'float32');
fin.data.set(f.data);
const fout = engineArray([200, 150], 'float32');
correlate(fin, kf, { backend: 'wasm', threads: 2, out: fout });
const engineWorkerBands = lastPoolRun.workerBands;
// An ordinary float32 array: staged into engine memory, where the pool's worker filters it in place.
const staged = correlate(f, kf, { backend: 'wasm', threads: 2 });
const stagedRun = { ...lastPoolRun };
setCallerClaims(true);
const before = inPlaceCounts.inPlace;
const fout1 = engineArray([200, 150], 'float32');
correlate(fin, kf, { backend: 'wasm', threads: 1, out: fout1 });
postMessage({
  engineShared: fin.data.buffer instanceof SharedArrayBuffer,
  engineSameTwo: fout.data.every((v, i) => v === want.data[i]),
  engineSameOne: fout1.data.every((v, i) => v === want.data[i]),
  engineWorkerBands,
  engineInPlace: inPlaceCounts.inPlace - before,
  stagedSame: staged.data.every((v, i) => v === want.data[i]),
  stagedRun,
  released: releaseEngineArray(fin) && releaseEngineArray(fout) && releaseEngineArray(fout1),
  ready,
  readyAtStart,
  startMs,
  planBefore,
  planAfter,
  info: engineInfo(),
  sameOne: one.data.every((v, i) => v === js.data[i]),
  sameTwo: two.data.every((v, i) => v === js.data[i]),
  workerBands: lastPoolRun.workerBands,
  bands: lastPoolRun.bands,
});
`;

describe('engine in chromium', { skip: skipReason }, () => {
  let server: Server;
  let url = '';
  let context: BrowserContext;
  let close: () => Promise<void>;
  before(async () => {
    assert.ok(existsSync(join(DIST, 'engine', 'worker.js')), 'npm run build first');
    server = createServer((req, res) => {
      // cross-origin isolation: SharedArrayBuffer and Atomics.wait in workers
      const h = {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      };
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') return void res.writeHead(200, { ...h, 'content-type': 'text/html' }).end(PAGE);
      if (path === '/worker.js')
        return void res.writeHead(200, { ...h, 'content-type': 'text/javascript' }).end(WORKER);
      const file = join(DIST, path.replace(/^\/dist\//, ''));
      if (path.startsWith('/dist/') && file.startsWith(DIST) && existsSync(file))
        return void res.writeHead(200, { ...h, 'content-type': 'text/javascript' }).end(readFileSync(file));
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    ({ context, close } = await launch());
  });
  after(async () => {
    await close?.();
    await new Promise<void>((ok) => server?.close(() => ok()));
  });

  test('SIMD on the main thread, SIMD and the worker pool in a worker, results as plain TypeScript', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { RESULT?: unknown }).RESULT, null, {
      timeout: 60000,
    });
    const r = (await page.evaluate(() => (window as unknown as { RESULT: unknown }).RESULT)) as {
      isolated: boolean;
      main: { simd: boolean; pool: boolean; poolReason: string };
      mainWithin: boolean;
      worker: {
        ready: number;
        readyAtStart: number;
        startMs: number;
        planBefore: string;
        planAfter: string;
        info: { simd: boolean; pool: boolean; workers: number; workersLoaded: number };
        sameOne: boolean;
        sameTwo: boolean;
        workerBands: number;
        bands: number;
        engineShared: boolean;
        engineSameTwo: boolean;
        engineSameOne: boolean;
        engineWorkerBands: number;
        engineInPlace: number;
        stagedSame: boolean;
        stagedRun: { input: string; bands: number; workerBands: number; workerInPlace: number };
        released: boolean;
      };
    };
    assert.deepEqual(errors, []);
    assert.equal(r.isolated, true);
    assert.equal(r.main.simd, true);
    assert.equal(r.main.pool, false);
    assert.match(r.main.poolReason, /browser main thread/);
    assert.equal(r.mainWithin, true);
    assert.equal(r.worker.info.simd, true);
    assert.equal(r.worker.info.pool, true);
    // startWorkers in a browser worker starts the pool's worker and returns at once (its
    // worker cannot load meanwhile); workersReady resolves once it has loaded.
    assert.equal(r.worker.readyAtStart, 0);
    assert.ok(r.worker.startMs < 2000, `startWorkers took ${r.worker.startMs} ms`);
    assert.equal(r.worker.ready, 1, 'the pool worker loaded');
    assert.equal(r.worker.info.workers, 1);
    assert.equal(r.worker.info.workersLoaded, 1);
    // The plan says when the pool's worker has not loaded yet, and how to wait for it.
    assert.match(
      r.worker.planBefore,
      /2 threads.*0 of 1 workers loaded so far \(await workersReady\(\) first\)/,
    );
    assert.doesNotMatch(r.worker.planAfter, /workers loaded/);
    assert.equal(r.worker.sameOne, true);
    assert.equal(r.worker.sameTwo, true);
    assert.ok(r.worker.bands > 1);
    assert.equal(r.worker.workerBands, r.worker.bands, 'the pool worker ran every band');
    // Engine arrays in shared WebAssembly memory, filtered in place by the pool's worker and
    // by this worker, give the padded path's values exactly.
    assert.equal(r.worker.engineShared, true);
    assert.ok(r.worker.engineWorkerBands > 2, 'the pool worker ran the engine-array bands');
    assert.equal(r.worker.engineSameTwo, true);
    assert.equal(r.worker.engineSameOne, true);
    assert.ok(r.worker.engineInPlace > 0, 'bands ran in place');
    // An ordinary float32 array on the pool: staged into engine memory, filtered there in place.
    assert.equal(r.worker.stagedSame, true);
    assert.equal(r.worker.stagedRun.input, 'engine');
    assert.equal(r.worker.stagedRun.workerBands, r.worker.stagedRun.bands);
    assert.ok(r.worker.stagedRun.workerInPlace > 2, JSON.stringify(r.worker.stagedRun));
    assert.equal(r.worker.released, true);
  });
});
