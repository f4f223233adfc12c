#!/usr/bin/env node
// convkit in the browser beside opencv.js, in one run: Debian's chromium (driven by
// playwright-core, never a downloaded browser) loads a cross-origin-isolated page; convkit runs
// in a module worker (so its pool may use more threads, as the playground's worker does) and
// opencv.js (@techstark/opencv-js, the npm build: WebAssembly SIMD, one thread) on the page.
//   node bench/browser.mjs [--quick] [--only W1,W3] [--reps N] [--rounds N]
// Not a test: nothing here passes or fails. Workloads: bench/browser/cases.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const CHROMIUM = process.env.CONVKIT_CHROMIUM ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const reps = Number(flag('--reps') ?? (quick ? 5 : 7));
const rounds = Number(flag('--rounds') ?? (quick ? 1 : 3));
const only = flag('--only')?.toUpperCase() ?? '';

const root = new URL('..', import.meta.url).pathname;
const { CASES } = await import('./browser/cases.mjs');
const ids = CASES.map((c) => c.id).filter((id) => !only || only.split(',').includes(id));
if (!ids.length) process.exit(0); // --only named none of the workloads opencv.js has

const missing = [
  [existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`],
  [existsSync(join(root, 'dist', 'index.js')), 'dist/ (npm run build)'],
].filter(([ok]) => !ok);
if (missing.length) {
  console.log(`browser bench skipped: missing ${missing.map(([, what]) => what).join(', ')}`);
  process.exit(0);
}
const opencvFile = join(root, 'bench', 'node_modules', '@techstark', 'opencv-js', 'dist', 'opencv.js');
const { chromium } = await import('playwright-core');

const PAGE = `<!doctype html><meta charset="utf-8"><title>convkit browser bench</title>
<script src="/opencv.js"></script>
<script type="module">
import { CASES } from '/bench/browser/cases.mjs';
import { median } from '/bench/data.mjs';
const { ids, quick, reps, rounds, haveCv } = ${JSON.stringify({ ids, quick, reps, rounds, haveCv: existsSync(opencvFile) })};
function time(fn) {
  fn();
  const ts = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
  return median(ts);
}
// The Emscripten module is a thenable resolving to itself: it travels wrapped, never awaited.
const { cv } = haveCv
  ? await new Promise((ok) => {
      const m = globalThis.cv;
      if (m.Mat) ok({ cv: m });
      else if (typeof m.then === 'function') m.then((x) => ok({ cv: x }));
      else m.onRuntimeInitialized = () => ok({ cv: m });
    })
  : {};
const worker = new Worker('/worker.mjs', { type: 'module' });
worker.onerror = (e) => console.error('the convkit worker failed to load', e.message ?? '');
const ask = (msg) => new Promise((ok) => { worker.onmessage = (e) => ok(e.data); worker.postMessage(msg); });
const info = await ask({ warm: true });
// Rounds: every case again, convkit's rows then opencv.js's; each figure is the median of its
// round medians (a slow spell of the shared host lands on one round, not on one side).
const rows = ids.map((id) => ({ id, title: CASES.find((x) => x.id === id).title, runs: {} }));
for (let round = 0; round < rounds; round++)
  for (const row of rows) {
    const c = CASES.find((x) => x.id === row.id);
    const got = await ask({ id: row.id, quick, reps });
    if (cv) {
      const { data, shape } = c.input(quick);
      const type = { Float32Array: cv.CV_32FC1, Uint8Array: shape[2] === 3 ? cv.CV_8UC3 : cv.CV_8UC1 }[data.constructor.name];
      const src = new cv.Mat(shape[0], shape[1], type);
      (type === cv.CV_32FC1 ? src.data32F : src.data).set(data);
      const dst = new cv.Mat();
      got.opencvjs = time(c.opencv(cv, src, dst));
      src.delete(); dst.delete();
    }
    for (const [k, ms] of Object.entries(got)) (row.runs[k] ??= []).push(ms);
  }
for (const row of rows) for (const [k, ms] of Object.entries(row.runs)) row[k] = median(ms);
window.RESULT = { info, rows, ua: navigator.userAgent, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
</script>`;

const WORKER = `
// The library's modules one by one: dist/index.js also re-exports the PNG/JPEG codecs, whose
// bare npm imports a page without a bundler cannot resolve.
import { ndarray } from '/dist/core/ndarray.js';
import { correlate } from '/dist/linear/correlate.js';
import { gaussianBlur } from '/dist/filters/gaussian.js';
import { boxFilter } from '/dist/filters/box.js';
import { medianFilter } from '/dist/nonlinear/median.js';
import { bilateralFilter } from '/dist/nonlinear/bilateral.js';
import { engineInfo, workersReady } from '/dist/engine/backend.js';
import { simdReady } from '/dist/engine/simd.js';
const ck = { ndarray, correlate, gaussianBlur, boxFilter, medianFilter, bilateralFilter, engineInfo, workersReady, simdReady };
import { CASES } from '/bench/browser/cases.mjs';
import { median } from '/bench/data.mjs';
onmessage = async ({ data: m }) => {
  if (m.warm) {
    await ck.simdReady();
    // The pool's workers load through this worker's event loop: until they have, every run
    // would be on this thread alone (W1, the first case, ran so until session 8).
    await ck.workersReady();
    return postMessage(ck.engineInfo());
  }
  const c = CASES.find((x) => x.id === m.id);
  const { data, shape } = c.input(m.quick);
  const a = ck.ndarray(data, shape);
  const out = {};
  // 'out': into a reused result array (the \`out\` option), as opencv.js writes into its reused dst Mat.
  const first = c.convkit(ck, a, {});
  const reused = ck.ndarray(new first.data.constructor(first.data.length), first.shape);
  for (const [name, o] of [['auto', {}], ['one', { threads: 1 }], ['out', { out: reused }]]) {
    const fn = () => c.convkit(ck, a, o);
    if (name === 'out' && fn() !== reused) continue; // not a linear filter: no out option
    for (let i = 0; i < 10; i++) fn(); // steady state: a fresh worker's first 5–10 4K calls run slower (bench/lib.mjs timeIt)
    const ts = [];
    for (let i = 0; i < m.reps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
    out[name] = median(ts);
  }
  postMessage(out);
};`;

const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const js = { ...headers, 'content-type': 'text/javascript' };
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/') return void res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
  if (path === '/favicon.ico') return void res.writeHead(204).end();
  if (path === '/worker.mjs') return void res.writeHead(200, js).end(WORKER);
  if (path === '/opencv.js' && existsSync(opencvFile))
    return void res.writeHead(200, js).end(readFileSync(opencvFile));
  const file = join(root, path);
  const allowed = /^\/(dist\/.*\.js|bench\/data\.mjs|bench\/browser\/cases\.mjs)$/.test(path);
  if (allowed && file.startsWith(root) && existsSync(file))
    return void res.writeHead(200, js).end(readFileSync(file));
  if (process.env.BENCH_DEBUG) console.error(`404 ${path}`);
  res.writeHead(404).end();
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('crash', () => console.error('the page crashed'));
  page.on(
    'console',
    (m) => (m.type() === 'error' || process.env.BENCH_DEBUG) && console.error(`page: ${m.text()}`),
  );
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.RESULT, null, { timeout: 30 * 60 * 1000, polling: 500 });
  const r = await page.evaluate(() => window.RESULT);
  const version = r.ua.match(/Chrome\/([\d.]+)/)?.[1] ?? r.ua;
  console.log(
    `convkit browser bench — chromium ${version}, ${r.cores} cores, cross-origin isolated: ${r.isolated}; ` +
      `convkit in a module worker (SIMD: ${r.info.simd}${r.info.relaxedSimd ? ' with relaxed SIMD (fused multiply-add)' : ''}, pool workers loaded: ${r.info.workersLoaded}), ` +
      `opencv.js on the page; ${quick ? 'quick sizes' : 'DESIGN.md sizes'}, median of ${reps} runs after warm-ups` +
      `${rounds > 1 ? `, the median of ${rounds} rounds` : ''}\n`,
  );
  if (!existsSync(opencvFile))
    console.log('opencv.js not installed (npm --prefix bench install): convkit only\n');
  const pad = (s, n) => String(s).padStart(n);
  console.log(
    `${'workload'.padEnd(52)} ${pad('convkit', 9)} ${pad('1 thread', 9)} ${pad('into out', 9)} ${pad('opencv.js', 10)}  ratio  into out`,
  );
  for (const row of r.rows) {
    const ratio = (ms) => (row.opencvjs ? pad(`${(ms / row.opencvjs).toFixed(2)}×`, 6) : '');
    const cvms = row.opencvjs ? `${row.opencvjs.toFixed(1)} ms` : '—';
    console.log(
      `${`${row.id} ${row.title}`.padEnd(52)} ${pad(`${row.auto.toFixed(1)} ms`, 9)} ${pad(`${row.one.toFixed(1)} ms`, 9)} ${pad(row.out ? `${row.out.toFixed(1)} ms` : '—', 9)} ${pad(cvms, 10)}  ${ratio(row.auto)}  ${row.out ? ratio(row.out) : ''}`,
    );
  }
  if (rounds > 1) {
    console.log('\nrounds (ms, in the order run):');
    const list = (xs) => (xs ? xs.map((ms) => ms.toFixed(1)).join(' ') : '—');
    for (const row of r.rows)
      console.log(
        `  ${row.id.padEnd(4)} fresh ${list(row.runs.auto)} | into out ${list(row.runs.out)} | opencv.js ${list(row.runs.opencvjs)}`,
      );
  }
  console.log(
    '\nratio = convkit (default threads) ÷ opencv.js; < 1 means convkit is faster. "into out": convkit writing' +
      '\ninto a reused result array (the out option), as opencv.js writes into its reused dst Mat.',
  );
} finally {
  await browser.close();
  server.close();
}
