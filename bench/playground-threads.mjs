#!/usr/bin/env node
// Edit → result time in the built playground (web/dist) in Debian's chromium, served with and
// without the cross-origin isolation headers, i.e. with the engine's worker pool and without.
// Wall-clock, so run it on a quiet machine; each figure is the median of `--reps` edits (the
// border toggled between replicate and symmetric: same cost, a new result each time).
// Usage: npm run build:web && node --import tsx bench/playground-threads.mjs [--reps 5] [--size 3000x2000]
import { parseArgs } from 'node:util';
import { encodePng, ndarray } from '../src/index.ts';
import { dist, launch, serve } from '../test/browser/harness.ts';

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, size: { type: 'string', default: '3000x2000' } },
});
const reps = Number(values.reps);
const [w, h] = values.size.split('x').map(Number);
const data = new Uint8Array(w * h * 3);
let s = 17;
for (let i = 0; i < data.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  data[i] = ((Math.floor(i / (w * 3)) >> 2) + ((i % (w * 3)) >> 3) + (s >>> 26)) & 255;
}
const png = Buffer.from(encodePng(ndarray(data, [h, w, 3])));

const FILTERS = {
  'box 15×15': async (page) => {
    await page.selectOption('#filter', 'linear');
    await page.selectOption('#preset', 'named:box');
    await page.fill('#preset-params', 'ksize=15x15');
  },
  'Gaussian σ=2 (15×15)': async (page) => {
    await page.selectOption('#filter', 'linear');
    await page.selectOption('#preset', 'named:gaussian2d');
    await page.fill('#preset-params', 'sigma=2,truncate=3.5');
  },
  'median 5×5': async (page) => {
    await page.selectOption('#filter', 'median');
    await page.fill('#median-width', '5');
    await page.fill('#median-height', '5');
  },
  'bilateral d=9': async (page) => {
    await page.selectOption('#filter', 'bilateral');
    await page.fill('#bilateral-d', '9');
  },
};

const settled = (page) =>
  page.waitForFunction(() => !document.body.classList.contains('busy'), undefined, { timeout: 120_000 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers = { isolated: await serve(dist, { isolated: true }), plain: await serve(dist) };
const browser = await launch();
const rows = [];
try {
  for (const [name, set] of Object.entries(FILTERS)) {
    const row = { filter: name };
    for (const [kind, server] of Object.entries(servers)) {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#status[data-first-result-ms]', { timeout: 30_000 });
      await settled(page);
      await page.setInputFiles('#file', { name: 'large.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() =>
        document.getElementById('original-caption')?.textContent?.includes('large.png'),
      );
      await settled(page);
      await set(page);
      await settled(page);
      const update = [];
      const compute = [];
      const bands = [];
      for (let i = 0; i < reps; i++) {
        await page.check(`input[name="border"][value="${i % 2 ? 'replicate' : 'symmetric'}"]`);
        await settled(page);
        update.push(Number(await page.getAttribute('#status', 'data-update-ms')));
        compute.push(Number(await page.getAttribute('#status', 'data-compute-ms')));
        const b = (k) => page.getAttribute('#status', `data-${k}`);
        bands.push(`${await b('worker-bands')}/${await b('bands')}`);
      }
      row[kind] = {
        bands: bands.join(' '),
        update: median(update),
        compute: median(compute),
      };
      await page.close();
    }
    rows.push(row);
    const f = (r) => `${r.update.toFixed(0)} ms (compute ${r.compute.toFixed(0)}, worker bands ${r.bands})`;
    console.log(
      `${name.padEnd(22)} isolated ${f(row.isolated)}   not isolated ${f(row.plain)}   ×${(row.plain.update / row.isolated.update).toFixed(2)}`,
    );
  }
} finally {
  await browser.close();
  for (const s of Object.values(servers)) await s.close();
}
