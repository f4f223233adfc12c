// The playground in a real browser (Debian's chromium through playwright-core): the built site,
// served from 127.0.0.1, must compute what the library computes in Node, pixel for pixel.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type NDArray,
  bilateralFilter,
  convolve,
  correlate,
  encodePng,
  medianFilter,
  namedKernel,
  ndarray,
  planConvolve,
} from '../../src/index.js';
import { readArray } from '../../src/io/node.js';
import { loadNpy, rng } from '../helpers.js';
import { buildSite, dist, launch, root, serve, skipReason } from './harness.js';

const SHOTS = join(root, 'out', 'screenshots');

/** Waits until no request is being computed (runs are coalesced, so this is the latest settings' result). */
async function settled(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => !document.body.classList.contains('busy'), undefined, {
      timeout: 20_000,
    });
  } catch (e) {
    const state = await page.evaluate(() => ({
      status: document.getElementById('status')?.textContent,
      message: document.getElementById('message')?.textContent,
      kernel: document.getElementById('kernel-error')?.textContent,
      caption: document.getElementById('original-caption')?.textContent,
    }));
    throw new Error(`still busy after 20 s: ${JSON.stringify(state)}`, { cause: e });
  }
}

async function chooseSample(page: Page, id: string, file: string): Promise<void> {
  await page.selectOption('#sample', id);
  await page.waitForFunction(
    (f) => document.getElementById('original-caption')?.textContent?.includes(f),
    file,
  );
  await settled(page);
}

async function preset(page: Page, id: string, params: string): Promise<void> {
  await page.selectOption('#preset', id);
  await page.fill('#preset-params', params);
}

async function setKernel(page: Page, rows: number[][], scale = '1'): Promise<void> {
  await page.selectOption('#krows', String(rows.length));
  await page.selectOption('#kcols', String(rows[0].length));
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[0].length; c++) {
      await page.fill(`#kernel-grid input[data-row="${r}"][data-col="${c}"]`, String(rows[r][c]));
    }
  }
  await page.fill('#scale', scale);
  await settled(page);
}

/** The RGBA pixels a canvas shows (moved as base64: a plain array of a million numbers is slow to transfer). */
async function canvasPixels(page: Page, id: string) {
  const got = await page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, base64: btoa(s) };
  }, id);
  return { width: got.width, height: got.height, data: new Uint8Array(Buffer.from(got.base64, 'base64')) };
}

/** Compares what a canvas shows with a uint8 gray or RGB array; returns the first difference or null. */
function differs(shown: { width: number; height: number; data: Uint8Array }, want: NDArray): string | null {
  const [h, w] = want.shape;
  const ch = want.shape[2] ?? 1;
  if (shown.width !== w || shown.height !== h) return `size ${shown.width}×${shown.height}, want ${w}×${h}`;
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) {
      const v = want.data[p * ch + (ch === 1 ? 0 : c)];
      if (shown.data[p * 4 + c] !== v) {
        return `pixel (${Math.floor(p / w)}, ${p % w}) channel ${c}: page ${shown.data[p * 4 + c]}, library ${v}`;
      }
    }
  }
  return null;
}

async function explainAt(page: Page, row: number, col: number) {
  await page.fill('#px-row', String(row));
  await page.fill('#px-col', String(col));
  await page.locator('#px-col').dispatchEvent('change');
  await page.waitForFunction(
    ([r, c]) => {
      const e = document.getElementById('explain') as HTMLElement;
      return (
        e.dataset.row === String(r) && e.dataset.col === String(c) && e.querySelector('.stored') !== null
      );
    },
    [row, col],
  );
  return page.evaluate(() => ({
    sum: Number(document.querySelector<HTMLElement>('#explain .sum')?.dataset.sum),
    stored: Number(document.querySelector<HTMLElement>('#explain .stored')?.dataset.stored),
    agrees: document.querySelector('#explain .stored')?.classList.contains('ok'),
    text: document.getElementById('explain')?.textContent ?? '',
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('playground in chromium', { skip: skipReason }, () => {
  let page: Page;
  let base: string;
  let warnings: string[] = [];
  const requests: string[] = [];
  const pageErrors: string[] = [];
  let stop: () => Promise<void> = async () => {};

  before(async () => {
    warnings = await buildSite();
    const server = await serve(dist);
    base = server.url;
    const browser = await launch();
    stop = async () => {
      await browser.close();
      await server.close();
    };
    browser.context.on('request', (r) => void requests.push(r.url()));
    page = await browser.context.newPage();
    page.on('pageerror', (e) => void pageErrors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(base);
    await page.waitForSelector('#status[data-first-result-ms]', { timeout: 20_000 });
    await settled(page);
  });

  after(async () => stop());

  test('the bundle builds without Node-only imports', () => {
    assert.deepEqual(
      warnings.filter((w) => /externalized|node:|Buffer/i.test(w)),
      [],
    );
  });

  test('the sample shows with its licence and a first result', async (t) => {
    const first = Number(await page.getAttribute('#status', 'data-first-result-ms'));
    t.diagnostic(
      `time to first result (astronaut 512×512 RGB, 7×7 kernel), from navigation: ${first.toFixed(0)} ms`,
    );
    assert.ok(first > 0);
    assert.match((await page.textContent('#licence')) ?? '', /NASA.*public domain/);
    // The plan shown is the library's for the same input and kernel (the default preset):
    // the same method and backend as in Node. (Threads may differ: a page that is not
    // cross-origin isolated has no shared memory for the engine's worker pool.)
    const input = await readArray(join(root, 'samples/astronaut.png'));
    const plan = planConvolve(input, namedKernel('binomial2d', 'ksize=7x7'));
    const status = (await page.textContent('#status')) ?? '';
    assert.match(
      status,
      new RegExp(
        `^512×512 uint8 in [\\d.]+ m?s · plan: ${plan.method}, ${plan.backend.toUpperCase()}, \\d+ threads?$`,
      ),
    );
    assert.ok(
      (await page.getAttribute('#status', 'title'))?.startsWith(
        `${plan.method}: 512×512×3 output, 7×7 kernel`,
      ),
    );
  });

  test('gray sample: the page decodes the PNG as Node does, and correlate with Sobel x matches the library', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    const input = await readArray(join(root, 'samples/camera.png'));
    assert.equal(differs(await canvasPixels(page, 'original'), input), null);
    await page.selectOption('#preset', 'named:sobel');
    await page.check('input[name="operation"][value="correlate"]');
    await page.check('input[name="border"][value="replicate"]');
    await settled(page);
    const sobelX = [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ];
    const want = correlate(input, sobelX, { border: 'replicate' });
    assert.equal(differs(await canvasPixels(page, 'result'), want), null);
  });

  test('colour sample: an even, asymmetric kernel with fractions, convolution, wrap, full shape', async () => {
    await chooseSample(page, 'astronaut', 'astronaut.png');
    const k = [
      [1, 0, 2, 0, -1, 3],
      [0, 5, 0, 0, 0, 1],
      [2, 0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0, 4],
    ];
    await setKernel(page, k, '1/16');
    await page.check('input[name="operation"][value="convolve"]');
    await page.check('input[name="border"][value="wrap"]');
    await page.check('input[name="shape"][value="full"]');
    await settled(page);
    const input = await readArray(join(root, 'samples/astronaut.png'));
    const scaled = k.map((r) => r.map((v) => v / 16));
    const want = convolve(input, scaled, { border: 'wrap', shape: 'full' });
    assert.deepEqual(want.shape, [515, 517, 3]);
    assert.equal(differs(await canvasPixels(page, 'result'), want), null);
    await page.check('input[name="shape"][value="same"]');
    await settled(page);
  });

  test('the flip toggle: the laid kernel turns by 180° and each result matches the library', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    await page.selectOption('#preset', 'example:lecture-asym');
    await page.check('input[name="border"][value="constant"]');
    const input = await readArray(join(root, 'samples/camera.png'));
    const h = [
      [1, 2, 0],
      [0, 0, 0],
      [0, 0, -1],
    ];
    const laid = () => page.$$eval('#laid-grid span', (s) => s.map((e) => e.textContent));
    await page.check('input[name="operation"][value="correlate"]');
    await settled(page);
    await page.waitForFunction(() => !document.getElementById('laid-grid')?.classList.contains('turn'));
    assert.deepEqual(await laid(), ['1', '2', '0', '0', '0', '0', '0', '0', '−1']);
    const corr = await canvasPixels(page, 'result');
    assert.equal(differs(corr, correlate(input, h)), null);
    assert.match((await page.textContent('#facts')) ?? '', /Not symmetric/);

    await page.check('input[name="operation"][value="convolve"]');
    await settled(page);
    await page.waitForFunction(() => !document.getElementById('laid-grid')?.classList.contains('turn'));
    assert.deepEqual(await laid(), ['−1', '0', '0', '0', '0', '0', '0', '2', '1']);
    assert.match((await page.textContent('#laid-caption')) ?? '', /rotated by 180°/);
    const conv = await canvasPixels(page, 'result');
    assert.equal(differs(conv, convolve(input, h)), null);
    assert.notDeepEqual(conv.data, corr.data);
  });

  test('the border picker: the letter grid shows each mode as the README defines it, and the result follows', async () => {
    // The middle row k l m n o of the lecture's 5×5 letter image, extended by two on each
    // side (the constant border shows its value, 0).
    const rows: Record<string, string> = {
      constant: '00klmno00',
      replicate: 'kkklmnooo',
      symmetric: 'lkklmnoon',
      mirror: 'mlklmnonm',
      wrap: 'noklmnokl',
    };
    const input = await readArray(join(root, 'samples/camera.png'));
    await preset(page, 'named:box', 'ksize=5x5');
    for (const [mode, row] of Object.entries(rows)) {
      await page.check(`input[name="border"][value="${mode}"]`);
      const letters = await page.$$eval('.letters span', (s) => s.map((e) => e.textContent).join(''));
      assert.equal(letters.length, 81, mode);
      assert.equal(letters.slice(4 * 9, 5 * 9), row, mode);
      await settled(page);
      const want = convolve(
        input,
        Array.from({ length: 5 }, () => [1, 1, 1, 1, 1].map((v) => v / 25)),
        {
          border: mode,
        },
      );
      assert.equal(differs(await canvasPixels(page, 'result'), want), null, mode);
    }
    assert.equal(await page.isVisible('#cval-row'), false);
  });

  test('keyboard: arrows move between kernel cells, Tab leaves the grid', async () => {
    await page.selectOption('#preset', 'named:sobel');
    await page.focus('#kernel-grid input[data-row="0"][data-col="0"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const at = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return `${e.id || ''}${e.dataset.row ?? ''},${e.dataset.col ?? ''}`;
      });
    assert.equal(await at(), '1,1');
    await page.keyboard.press('Tab');
    assert.equal(await at(), 'scale,');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await at(), '1,1');
  });

  test('accessibility: every control has a name, and Tab visits them in reading order', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    await page.selectOption('#preset', 'named:sobel');
    await page.check('input[name="border"][value="constant"]');
    await settled(page);
    const unnamed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, button, canvas, table[role="grid"]'))
        .filter(
          (e) =>
            !(e as HTMLInputElement).labels?.length &&
            !e.getAttribute('aria-label') &&
            !e.getAttribute('aria-labelledby') &&
            !(e.tagName === 'BUTTON' && e.textContent?.trim()),
        )
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    // Start at the first focusable element, the skip link (blur() would keep the last click's place).
    await page.focus('a.skip');
    const order: string[] = ['A'];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const e = document.activeElement as HTMLInputElement;
          return e.id || (e.dataset.row ? 'cell' : e.name ? `${e.name}:${e.value}` : e.tagName);
        }),
      );
    }
    assert.deepEqual(order, [
      'A', // skip link
      'sample',
      'file',
      'filter',
      'preset',
      'preset-params',
      'krows',
      'kcols',
      'cell',
      'scale',
      'normalise',
      'anchor-row',
      'anchor-col',
      `operation:${await page.$eval('input[name="operation"]:checked', (e) => (e as HTMLInputElement).value)}`,
      'border:constant',
      'cval',
      'shape:same',
      'output',
      'px-row',
      'px-col',
      'px-channel',
      'indices',
      'SUMMARY', // the worked example "as text"
      'compare-filter',
      'compare-border',
      'compare-run',
    ]);
  });

  test('the worked example’s sum is the library’s float64 result, for each channel', async () => {
    await chooseSample(page, 'astronaut', 'astronaut.png');
    await page.selectOption('#preset', 'named:emboss');
    await page.check('input[name="operation"][value="convolve"]');
    await page.check('input[name="border"][value="mirror"]');
    await settled(page);
    const input = await readArray(join(root, 'samples/astronaut.png'));
    const emboss = [
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ];
    const exact = convolve(input, emboss, { border: 'mirror', dtype: 'float64' });
    const stored = convolve(input, emboss, { border: 'mirror' });
    for (const [row, col] of [
      [100, 300],
      [0, 511],
    ]) {
      for (const channel of [0, 2]) {
        await page.selectOption('#px-channel', String(channel));
        await page.waitForFunction(
          (c) => document.getElementById('explain')?.dataset.channel === String(c),
          channel,
        );
        const ex = await explainAt(page, row, col);
        const i = (row * 512 + col) * 3 + channel;
        assert.ok(
          Math.abs(ex.sum - exact.data[i]) <= 1e-9,
          `(${row}, ${col}) sum ${ex.sum} vs ${exact.data[i]}`,
        );
        assert.equal(ex.stored, stored.data[i]);
        assert.ok(ex.agrees);
      }
    }
  });

  test('the lecture’s 7×7 example: X mask, shape valid, gives the printed 5×5 result', async () => {
    await chooseSample(page, 'lecture', 'lecture');
    await page.selectOption('#preset', 'example:lecture-x');
    await page.check('input[name="shape"][value="valid"]');
    await page.check('input[name="border"][value="constant"]');
    await settled(page);
    assert.match((await page.textContent('#status')) ?? '', /^5×5 float64/);
    const printed = loadNpy(join(root, 'test/fixtures/golden/seed/lecture.out.npy'));
    // Click the middle of result pixel (1, 3): the pixels are large here, so the click is unambiguous.
    await page.locator('#result').scrollIntoViewIfNeeded();
    const box = await page.locator('#result').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + (3.5 * box.width) / 5, box.y + (1.5 * box.height) / 5);
    const explained = (r: number, c: number) =>
      page.waitForFunction(
        ([r, c]) => {
          const d = (document.getElementById('explain') as HTMLElement).dataset;
          return d.row === String(r) && d.col === String(c);
        },
        [r, c],
      );
    await explained(1, 3);
    assert.equal(await page.inputValue('#px-row'), '1');
    assert.equal(Number(await page.getAttribute('#explain .sum', 'data-sum')), printed.data[1 * 5 + 3]);
    // Clicking the input image picks the output pixel whose kernel is anchored there: input
    // (3, 3) is the centre of the 3×3 window of valid-output pixel (2, 2).
    await page.locator('#original').scrollIntoViewIfNeeded();
    const obox = await page.locator('#original').boundingBox();
    assert.ok(obox);
    await page.mouse.click(obox.x + (3.5 * obox.width) / 7, obox.y + (3.5 * obox.height) / 7);
    await explained(2, 2);
    assert.equal(await page.inputValue('#px-col'), '2');
    for (const [r, c] of [
      [0, 0],
      [0, 1],
      [2, 2],
      [3, 4],
      [4, 0],
      [4, 4],
    ]) {
      const ex = await explainAt(page, r, c);
      assert.equal(ex.sum, printed.data[r * 5 + c], `(${r}, ${c})`);
      assert.equal(ex.stored, printed.data[r * 5 + c]);
    }
    await page.selectOption('#indices', 'zero');
    await explainAt(page, 1, 1);
    await page.check('input[name="shape"][value="same"]');
    await settled(page);
  });

  test('median and bilateral: the page’s results are the library’s, with worked examples', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    await page.selectOption('#filter', 'median');
    await settled(page);
    assert.equal(await page.isChecked('input[name="border"][value="replicate"]'), true);
    assert.equal(await page.isVisible('#linear-controls'), false);
    await page.fill('#median-width', '6');
    await page.fill('#median-height', '3');
    await settled(page);
    const camera = await readArray(join(root, 'samples/camera.png'));
    const med = medianFilter(camera, [6, 3], { border: 'replicate' });
    assert.equal(differs(await canvasPixels(page, 'result'), med), null);
    const m = await explainAt(page, 0, 511);
    assert.equal(m.stored, med.data[511]);
    assert.ok(m.agrees);
    assert.match(m.text, /rank ⌊18\/2⌋ = 9/);

    await chooseSample(page, 'astronaut', 'astronaut.png');
    await page.selectOption('#filter', 'bilateral');
    await settled(page);
    assert.equal(await page.isChecked('input[name="border"][value="mirror"]'), true);
    const astronaut = await readArray(join(root, 'samples/astronaut.png'));
    const bil = bilateralFilter(astronaut, 9, 75, 75, { border: 'mirror' });
    assert.equal(differs(await canvasPixels(page, 'result'), bil), null);
    const b = await explainAt(page, 200, 250);
    assert.equal(b.stored, bil.data[(200 * 512 + 250) * 3]);
    assert.ok(b.agrees, b.text);
    // Bad input for the non-linear filters' own fields.
    await page.fill('#bilateral-sc', '-3');
    assert.match((await page.textContent('#kernel-error')) ?? '', /σ colour must be greater than 0/);
    await page.fill('#bilateral-sc', '75');
    await page.fill('#bilateral-d', '99');
    assert.match(
      (await page.textContent('#kernel-error')) ?? '',
      /Diameter “99” must be a whole number from 1 to 45/,
    );
    await page.fill('#bilateral-d', '9');
    await page.selectOption('#filter', 'linear');
    await settled(page);
    assert.equal(await page.isChecked('input[name="border"][value="constant"]'), true);
  });

  test('bad input gets a clear message in the page, never a blank result', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    await page.selectOption('#preset', 'named:box');
    await settled(page);
    const cell = '#kernel-grid input[data-row="1"][data-col="2"]';
    await page.fill(cell, 'abc');
    assert.match((await page.textContent('#kernel-error')) ?? '', /Row 2, column 3 “abc” is not a number/);
    assert.equal(await page.getAttribute(cell, 'aria-invalid'), 'true');
    assert.ok(await page.locator('#result.stale').count());
    await page.fill(cell, '1');
    await settled(page);
    assert.equal(await page.isVisible('#kernel-error'), false);

    await setKernel(page, [[0, 0]]);
    assert.match((await page.textContent('#kernel-error')) ?? '', /all zeros/);
    await page.selectOption('#preset', 'named:box');
    await page.fill('#scale', '1/x');
    assert.match((await page.textContent('#kernel-error')) ?? '', /Scale “1\/x” is not a number/);
    await page.fill('#scale', '1/9');
    await settled(page);
    // A named kernel's parameters: the library's message, or one about the editor's size.
    await preset(page, 'named:gaussian2d', 'sigma=5');
    assert.match((await page.textContent('#kernel-error')) ?? '', /is 41×41; the editor holds up to 15×15/);
    await page.fill('#preset-params', 'sigma=oops');
    assert.match(
      (await page.textContent('#kernel-error')) ?? '',
      /Expected a finite number for gaussian2d sigma, got "oops"/,
    );
    await page.fill('#preset-params', 'sigma=1.2');
    await settled(page);
    assert.equal(await page.isVisible('#kernel-error'), false);

    // A kernel larger than the image with shape valid: the library's own message.
    await chooseSample(page, 'lecture', 'lecture');
    await page.selectOption('#krows', '9');
    await page.check('input[name="shape"][value="valid"]');
    await settled(page);
    assert.match(
      (await page.textContent('#message')) ?? '',
      /shape "valid": the 9×3 kernel is larger than the 7×7 input/,
    );
    await page.check('input[name="shape"][value="same"]');
    await settled(page);
    assert.equal(await page.isVisible('#message'), false);

    const caption = await page.textContent('#original-caption');
    const tryFile = async (name: string, mimeType: string, buffer: Buffer, pattern: RegExp) => {
      await page.setInputFiles('#file', { name, mimeType, buffer });
      await page.waitForFunction(() => !(document.getElementById('message') as HTMLElement).hidden);
      assert.match((await page.textContent('#message')) ?? '', pattern);
      await settled(page);
      // The previous image and its result stay.
      assert.equal(await page.textContent('#original-caption'), caption);
    };
    await tryFile(
      'notes.txt',
      'text/plain',
      Buffer.from('not an image at all'),
      /“notes.txt” is not an image/,
    );
    // A PNG whose header says 20000×20000: refused before decoding.
    const huge = Buffer.alloc(64);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    huge.writeUInt32BE(20000, 16);
    huge.writeUInt32BE(20000, 20);
    await tryFile(
      'huge.png',
      'image/png',
      huge,
      /20000×20000 pixels \(400\.0 megapixels\).*up to 25 megapixels/,
    );
    const truncated = Buffer.from(huge);
    truncated.writeUInt32BE(64, 16);
    truncated.writeUInt32BE(64, 20);
    await tryFile('broken.png', 'image/png', truncated, /“broken.png” is not a readable PNG/);
    await tryFile('empty.jpg', 'image/jpeg', Buffer.alloc(0), /“empty.jpg” is empty/);
  });

  test('a JPEG from the picker is decoded by the browser and filtered like the library would', async () => {
    // Encode a small photo crop as JPEG with the library, then compare against what the page decoded.
    const { encodeJpeg } = await import('../../src/io/jpeg.js');
    const photo = await readArray(join(root, 'samples/astronaut.png'));
    const crop = new Uint8Array(64 * 80 * 3);
    for (let r = 0; r < 64; r++)
      crop.set(photo.data.subarray((r * 512 + 200) * 3, (r * 512 + 280) * 3), r * 80 * 3);
    const bytes = Buffer.from(encodeJpeg({ data: crop, shape: [64, 80, 3], dtype: 'uint8' }, 90));
    await page.setInputFiles('#file', { name: 'crop.jpg', mimeType: 'image/jpeg', buffer: bytes });
    await page.waitForFunction(() =>
      document.getElementById('original-caption')?.textContent?.includes('crop.jpg'),
    );
    await page.selectOption('#preset', 'named:sharpen');
    await settled(page);
    const shown = await canvasPixels(page, 'original');
    const decoded = new Uint8Array(64 * 80 * 3);
    for (let p = 0; p < 64 * 80; p++) for (let c = 0; c < 3; c++) decoded[p * 3 + c] = shown.data[p * 4 + c];
    const input = { data: decoded, shape: [64, 80, 3], dtype: 'uint8' } as const;
    const want = convolve(input, [
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ]);
    assert.equal(differs(await canvasPixels(page, 'result'), want), null);
  });

  test('a large photo: the page stays responsive while a long filter runs, and Stop ends it', async () => {
    const [w, h] = [3000, 2000];
    const data = new Uint8Array(w * h * 3);
    for (let r = 0; r < h; r++) for (let c = 0; c < w * 3; c++) data[r * w * 3 + c] = (r + c) & 255;
    const png = Buffer.from(encodePng(ndarray(data, [h, w, 3])));
    // The bilateral filter with a 45-pixel disc (about 1,600 weights per output pixel) is
    // seconds of work on 6 megapixels whatever the engine does; start small.
    await page.selectOption('#filter', 'bilateral');
    await page.fill('#bilateral-d', '3');
    await settled(page);
    await page.setInputFiles('#file', { name: 'large.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() =>
      document.getElementById('original-caption')?.textContent?.includes('large.png'),
    );
    await settled(page);
    assert.match((await page.textContent('#status')) ?? '', /^3000×2000 uint8/);
    await page.fill('#bilateral-d', '45');
    await page.waitForSelector('#stop', { state: 'visible' });
    // While the worker computes, the main thread stays free: no long task, a timer answers,
    // typing works.
    await page.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 0)));
    const roundTrip = Date.now() - t0;
    await page.fill('#bilateral-sc', '70');
    assert.equal(await page.inputValue('#bilateral-sc'), '70');
    await page.waitForTimeout(500);
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    assert.equal(await page.isVisible('#stop'), true, 'the filter is still being computed');
    assert.ok(roundTrip < 500, `timer round trip ${roundTrip} ms while the worker computes`);
    // On the main thread this run would be one task of seconds; the bound leaves room for a
    // machine shared with other jobs.
    assert.ok(longest < 300, `longest main-thread task ${longest} ms while the worker computes`);
    await page.click('#stop');
    assert.match((await page.textContent('#message')) ?? '', /Stopped/);
    await settled(page);
    assert.ok(await page.locator('#result.stale').count());
    assert.match((await page.textContent('#original-caption')) ?? '', /large\.png/);
    // Loading another image while a long computation runs ends that computation at once; a
    // file that turns out not to be an image leaves the previous image in place.
    await page.fill('#bilateral-sc', '75');
    await page.waitForSelector('#stop', { state: 'visible' });
    await page.setInputFiles('#file', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await page.waitForFunction(() => document.getElementById('message')?.textContent?.includes('notes.txt'));
    assert.match((await page.textContent('#original-caption')) ?? '', /large\.png/);
    await page.waitForSelector('#stop', { state: 'visible' });
    await page.fill('#bilateral-d', '3');
    const t1 = Date.now();
    await chooseSample(page, 'astronaut', 'astronaut.png');
    assert.ok(Date.now() - t1 < 5000, `the new image took ${Date.now() - t1} ms to arrive`);
    await page.selectOption('#filter', 'linear');
    await settled(page);
  });

  test('time per update for a 7×7 kernel on the 512×512 sample', async (t) => {
    await chooseSample(page, 'astronaut', 'astronaut.png');
    await page.selectOption('#preset', 'named:binomial2d');
    await settled(page);
    const compute: number[] = [];
    const update: number[] = [];
    for (const v of [401, 400, 402, 400, 399]) {
      await page.fill('#kernel-grid input[data-row="3"][data-col="3"]', String(v));
      await settled(page);
      compute.push(Number(await page.getAttribute('#status', 'data-compute-ms')));
      update.push(Number(await page.getAttribute('#status', 'data-update-ms')));
    }
    t.diagnostic(
      `7×7 on 512×512 RGB: compute ${median(compute).toFixed(0)} ms, cell edit → result painted ${median(update).toFixed(0)} ms (medians of 5)`,
    );
    assert.ok(median(update) >= median(compute));
  });

  test('compare grid: box and median sizes side by side', async () => {
    await chooseSample(page, 'camera', 'camera.png');
    for (const [filter, last] of [
      ['box', /^45×45 · /],
      ['median', /^45×45 · /],
    ] as const) {
      await page.selectOption('#compare-filter', filter);
      await page.click('#compare-run');
      await page.waitForFunction(
        () => !(document.getElementById('compare-run') as HTMLButtonElement).disabled,
        undefined,
        { timeout: 20_000 },
      );
      const captions = await page.$$eval('#compare-grid figcaption', (s) =>
        s.map((e) => e.textContent ?? ''),
      );
      assert.equal(captions.length, 6, filter);
      assert.match(captions[5], last, filter);
    }
    // The 45×45 median, read back from its canvas, is the library's.
    const shown = await page.evaluate(() => {
      const c = document.querySelectorAll<HTMLCanvasElement>('#compare-grid canvas')[5];
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      return Array.from(d.filter((_, i) => i % 4 === 0).slice(0, 2048));
    });
    const camera = await readArray(join(root, 'samples/camera.png'));
    const want = medianFilter(camera, 45, { border: 'mirror' });
    assert.deepEqual(shown, Array.from(want.data.slice(0, 2048)));
  });

  test('screenshots at 1280×800 and 390×844', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await chooseSample(page, 'astronaut', 'astronaut.png');
    await page.selectOption('#preset', 'named:emboss');
    await settled(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'playground-1280x800.png') });
    await page.screenshot({ path: join(SHOTS, 'playground-1280x800.jpg'), type: 'jpeg', quality: 85 });
    await page.screenshot({ path: join(SHOTS, 'playground-1280-full.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'playground-390x844.png') });
    await page.evaluate(() => document.getElementById('results-heading')?.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, 'playground-390x844-result.png') });
    await page.screenshot({ path: join(SHOTS, 'playground-390x844-result.jpg'), type: 'jpeg', quality: 85 });
    // Nothing wider than the phone screen: no sideways scrolling of the page.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no request went anywhere but the local server, and the page raised no errors', () => {
    const foreign = requests.filter(
      (u) => !u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    assert.deepEqual(foreign, []);
    assert.deepEqual(pageErrors, []);
  });
});

// Threads: the same built site served twice, once with the cross-origin isolation headers (as
// `vite preview` and a configured host send them) and once without (a plain static host). A
// 15×15 box on 3000×2000 RGB is ~60 M tap-units, past the engine's pool crossover even before
// any worker has started, so it is the real decision, with no test hook.
describe('playground threads in chromium', { skip: skipReason }, () => {
  const [w, h] = [3000, 2000];
  let input: NDArray;
  let png: Buffer;
  let browser: Awaited<ReturnType<typeof launch>>;
  const servers: { url: string; close: () => Promise<void> }[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(join(dist, 'index.html'))) await buildSite();
    const random = rng(17);
    const data = new Uint8Array(w * h * 3);
    // Smooth ramps plus noise: every band differs, so a band run twice or misplaced shows.
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w * 3; c++) data[r * w * 3 + c] = ((r >> 2) + (c >> 3) + random() * 64) & 255;
    }
    input = ndarray(data, [h, w, 3]);
    png = Buffer.from(encodePng(input));
    servers.push(await serve(dist, { isolated: true }), await serve(dist));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  /** Opens the page, loads the large image, runs the 15×15 box and times three edits. */
  async function boxRun(url: string) {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => void pageErrors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('#status[data-first-result-ms]', { timeout: 20_000 });
    await settled(page);
    await page.setInputFiles('#file', { name: 'large.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() =>
      document.getElementById('original-caption')?.textContent?.includes('large.png'),
    );
    await settled(page);
    await page.check('input[name="border"][value="replicate"]');
    await preset(page, 'named:box', 'ksize=15x15');
    await settled(page);
    const update: number[] = [];
    const compute: number[] = [];
    const workerBands: number[] = [];
    // A box is symmetric, so the flip toggle recomputes the same result: three timed edits.
    for (const op of ['correlate', 'convolve', 'correlate']) {
      await page.check(`input[name="operation"][value="${op}"]`);
      await settled(page);
      update.push(Number(await page.getAttribute('#status', 'data-update-ms')));
      compute.push(Number(await page.getAttribute('#status', 'data-compute-ms')));
      workerBands.push(Number(await page.getAttribute('#status', 'data-worker-bands')));
    }
    const result = {
      isolated: await page.evaluate(() => crossOriginIsolated),
      threads: Number(await page.getAttribute('#status', 'data-threads')),
      status: (await page.textContent('#status')) ?? '',
      reason: (await page.getAttribute('#status', 'title')) ?? '',
      note: (await page.textContent('#threads-note')) ?? '',
      pixels: await canvasPixels(page, 'result'),
      update,
      compute,
      workerBands,
    };
    await page.close();
    return result;
  }

  test('isolated: the plan uses the pool, its workers run bands, pixels equal the one-thread result', async (t) => {
    const r = await boxRun(servers[0].url);
    const want = correlate(input, namedKernel('box', 'ksize=15x15'), { border: 'replicate', threads: 1 });
    assert.equal(r.isolated, true);
    assert.ok(r.threads > 1, `plan threads ${r.threads}: ${r.reason}`);
    assert.match(r.status, /plan: separable, WASM, [2-9]\d* threads/);
    assert.match(r.note, /large filters use up to \d+ \(this page is cross-origin isolated\)/);
    assert.ok(Math.max(...r.workerBands) > 0, `pool workers ran no band: ${r.workerBands.join(', ')}`);
    assert.equal(differs(r.pixels, want), null);
    t.diagnostic(
      `15×15 box on 3000×2000 RGB, isolated (${r.threads} threads, worker bands ${r.workerBands.join('/')}): compute ${median(r.compute).toFixed(0)} ms, edit → result ${median(r.update).toFixed(0)} ms (medians of 3)`,
    );
  });

  test('without the headers: one thread, the page says why, the same pixels', async (t) => {
    const r = await boxRun(servers[1].url);
    const want = correlate(input, namedKernel('box', 'ksize=15x15'), { border: 'replicate', threads: 1 });
    assert.equal(r.isolated, false);
    assert.equal(r.threads, 1);
    assert.match(r.reason, /one thread: .*not cross-origin isolated/);
    assert.match(r.note, /does not send the cross-origin isolation headers/);
    assert.deepEqual(r.workerBands, [0, 0, 0]);
    assert.equal(differs(r.pixels, want), null);
    t.diagnostic(
      `15×15 box on 3000×2000 RGB, not isolated (1 thread): compute ${median(r.compute).toFixed(0)} ms, edit → result ${median(r.update).toFixed(0)} ms (medians of 3)`,
    );
  });

  test('the threaded pages raised no errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
