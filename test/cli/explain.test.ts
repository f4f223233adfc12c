// The built CLI (dist/cli/main.js): explain, borders, compare, and kernel warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from '../../src/io/png.js';
import { FIXTURES, ROOT, loadNpy, spawnCli as convkit } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-explain-'));
const ASTRONAUT = join(ROOT, 'samples', 'astronaut.png');
const CROP = join(FIXTURES, 'explain', 'box-rgb.in.npy'); // 37×41×3 uint8

type Term = {
  pixel: number[];
  tap: number[];
  x: number;
  h: number;
  product: number;
  border?: string;
  from?: number[];
};

/** The (pixel, tap) pairs of a JSON explanation, as sortable strings. */
const pairsOf = (j: { terms: Term[] }) => j.terms.map((t) => JSON.stringify([t.pixel, t.tap])).sort();

/** Every [[i, j], tap(i, j)] for i, j in lo..lo+2, as sortable strings. */
function blogPairs(lo: number, tap: (i: number, j: number) => number[]): string[] {
  const out: string[] = [];
  for (let i = lo; i <= lo + 2; i++)
    for (let j = lo; j <= lo + 2; j++) out.push(JSON.stringify([[i, j], tap(i, j)]));
  return out.sort();
}

test('CLI explain reproduces the blog’s two worked examples (JSON)', () => {
  const conv = convkit('explain --image 7x7 --kernel letters --at 1,1 --centered --format json'.split(' '));
  assert.equal(conv.status, 0, conv.stderr);
  const c = JSON.parse(conv.stdout);
  assert.equal(c.op, 'convolve');
  assert.equal(c.indexing, 'centered');
  assert.deepEqual(c.at, [1, 1]);
  // convolution at [1, 1]: pixels [0..2, 0..2] meet taps [1 − i, 1 − j]
  assert.deepEqual(
    pairsOf(c),
    blogPairs(0, (i, j) => [1 - i, 1 - j]),
  );

  // commander must take "-1,-1" as the value of --at, not as an option
  const args =
    'explain --image 7x7 --kernel LETTERS --at -1,-1 --centered --op correlate --format json'.split(' ');
  const corr = convkit(args.map((a) => (a === 'LETTERS' ? 'a b c; d e f; g h i' : a)));
  assert.equal(corr.status, 0, corr.stderr);
  const k = JSON.parse(corr.stdout);
  // correlation at [−1, −1]: pixels [−2..0, −2..0] meet taps [i + 1, j + 1] (= the kernel unflipped)
  assert.deepEqual(
    pairsOf(k),
    blogPairs(-2, (i, j) => [i + 1, j + 1]),
  );
  assert.equal(k.terms[0].h, 'a');
  assert.equal(
    k.sum,
    'a·x[-2, -2] + b·x[-2, -1] + c·x[-2, 0] + d·x[-1, -2] + e·x[-1, -1] + f·x[-1, 0] + g·x[0, -2] + h·x[0, -1] + i·x[0, 0]',
  );
});

test('CLI explain: the explained output equals convkit convolve/correlate at the same position (PNG, edge positions, every border)', () => {
  const kernel = '1 2 0; -1 0 3; 0 0 -2';
  const cases: [string, string, number, number, number][] = [
    ['convolve', 'mirror', 0, 0, 0],
    ['convolve', 'wrap', 511, 3, 1],
    ['convolve', 'constant', 200, 511, 2],
    ['correlate', 'replicate', 511, 511, 0],
    ['correlate', 'symmetric', 0, 300, 2],
  ];
  for (const [op, border, m, n, ch] of cases) {
    const out = join(work, `${op}-${border}.npy`);
    const r = convkit([
      op,
      ASTRONAUT,
      '--kernel',
      kernel,
      '--scale',
      '1/3',
      '--border',
      border,
      '--method',
      'direct',
      '--dtype',
      'float64',
      '-q',
      '-o',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const y = loadNpy(out);
    const e = convkit([
      'explain',
      '--image',
      ASTRONAUT,
      '--kernel',
      kernel,
      '--scale',
      '1/3',
      '--op',
      op,
      '--border',
      border,
      '--at',
      `${m},${n}`,
      '--channel',
      String(ch),
      '--dtype',
      'float64',
      '--format',
      'json',
      '-q',
    ]);
    assert.equal(e.status, 0, e.stderr);
    const j = JSON.parse(e.stdout);
    assert.equal(j.output, y.data[(m * 512 + n) * 3 + ch], `${op} ${border} ${m},${n},${ch}`);
    assert.equal(j.sum, j.output);
    const outside = j.terms.filter((t: Term) => t.border);
    assert.ok(outside.length > 0);
    assert.ok(outside.every((t: Term) => t.border === border));
  }
});

test('CLI explain text: formula, grids, provenance of border pixels and the sum; -o picks the format by extension', () => {
  const r = convkit([
    'explain',
    '--image',
    '1 2 3 4; 5 6 7 8; 9 10 11 12',
    '--kernel',
    '1 2 0; 0 0 0; 0 0 -1',
    '--at',
    '0,3',
    '--border',
    'mirror',
    '-q',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /y\[m, n\] = Σ_i Σ_j h\[m − i \+ 1, n − j \+ 1\] · x\[i, j\]/);
  assert.match(r.stdout, /Kernel as laid over the image \(flipped in both axes: convolution\)/);
  assert.match(r.stdout, /h\[0, 0\] · x\[1, 4\]\s+=\s+1 · 7 = 7\s+x\[1, 4\] is x\[1, 2\] \(mirror border\)/);
  assert.match(r.stdout, /y\[0, 3\] = Σ h·x = 16\n/);
  const md = join(work, 'e.md');
  const svg = join(work, 'e.svg');
  assert.equal(
    convkit(['explain', '--image', '5x5', '--kernel', 'letters', '--at', '0,0', '--centered', '-o', md])
      .status,
    0,
  );
  assert.match(readFileSync(md, 'utf8'), /^### convolve: y\[0, 0\], centered indices/);
  assert.equal(
    convkit(['explain', '--image', '5x5', '--kernel', 'letters', '--at', '0,0', '--centered', '-o', svg])
      .status,
    0,
  );
  assert.match(readFileSync(svg, 'utf8'), /^<svg /);
});

test('CLI explain: even sizes under --centered say which convention is used (stderr for JSON)', () => {
  const r = convkit([
    'explain',
    '--image',
    '6x4',
    '--kernel',
    '1 2; 3 4',
    '--at',
    '0,0',
    '--centered',
    '--format',
    'json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: centered indices: the image has an even height 4 and width 6, so it has no centre element; its \[0, 0\] is zero-based \[2, 3\]/,
  );
  assert.match(r.stderr, /the 2×2 kernel has no centre element; its \[0, 0\] is its anchor/);
  assert.equal(JSON.parse(r.stdout).notes.length, 3);
});

// [name, args, pattern of the one error line]
const ERRORS: [string, string[], RegExp][] = [
  [
    'position outside the output',
    ['explain', '--image', '7x7', '--kernel', 'letters', '--at', '7,0'],
    /Expected R,C with 0 ≤ R ≤ 6 and 0 ≤ C ≤ 6 \(inside the 7×7 output\) for --at, got \[7, 0\]/,
  ],
  [
    'centered position outside',
    ['explain', '--image', '7x7', '--kernel', 'letters', '--at', '4,0', '--centered'],
    /-3 ≤ R ≤ 3 .* for --at, got \[4, 0\]/,
  ],
  [
    'malformed position',
    ['explain', '--image', '7x7', '--kernel', 'letters', '--at', 'middle'],
    /for --at, got "middle"/,
  ],
  ['bad image', ['explain', '--image', 'photo', '--kernel', '1', '--at', '0,0'], /for --image, got "photo"/],
  [
    'bad format',
    ['explain', '--image', '3x3', '--kernel', '1', '--at', '0,0', '--format', 'html'],
    /Expected one of text, markdown, svg, json for --format, got "html"/,
  ],
  [
    'bad op',
    ['explain', '--image', '3x3', '--kernel', '1', '--at', '0,0', '--op', 'conv'],
    /Expected one of convolve, correlate for --op, got "conv"/,
  ],
  [
    'bad channel',
    ['explain', '--image', ASTRONAUT, '--kernel', '1', '--at', '0,0', '--channel', '3'],
    /from 0 to 2 .* for --channel, got 3/,
  ],
  [
    'ragged letters',
    ['explain', '--image', '3x3', '--kernel', 'a b; c', '--at', '0,0'],
    /rows of equal length .* for --kernel/,
  ],
  ['letter grid too large', ['borders', '--size', '8x8'], /at most 52 pixels .* for --size, got "8x8"/],
  ['unknown border', ['borders', '--border', 'mirrored'], /for --border, got "mirrored"/],
  [
    'image without -o',
    ['borders', ASTRONAUT],
    /Expected -o OUT\.png \(or \.jpg\) for the padded picture of IN, got no -o/,
  ],
  ['unknown filter', ['compare', CROP, '--filter', 'blur', '--sizes', '3'], /for --filter, got "blur"/],
  [
    'bad sizes',
    ['compare', CROP, '--filter', 'box', '--sizes', '3,,5'],
    /comma-separated list of positive integers.* for --sizes, got "3,,5"/,
  ],
  ['no output', ['compare', CROP, '--filter', 'box', '--sizes', '3'], /-o grid.png.*--html/],
];

for (const [name, args, pattern] of ERRORS) {
  test(`CLI error: ${name} → one line, exit 2, no output file`, () => {
    const target = join(work, `err-${name.replace(/\W+/g, '-')}.${args[0] === 'explain' ? 'json' : 'png'}`);
    const withOut = name === 'no output' || name === 'image without -o' ? args : [...args, '-o', target];
    const r = convkit(withOut);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^convkit \w+: error: /);
    assert.match(lines[0], pattern);
    assert.equal(existsSync(target), false);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
}

test('CLI borders: the lecture letter grids on stdout', () => {
  const r = convkit(['borders']);
  assert.equal(r.status, 0, r.stderr);
  for (const m of ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'])
    assert.match(r.stdout, new RegExp(`^${m} `, 'm'));
  // mirror = the lecture's reflecting boundaries: the third row is "c b a b c d e d c"
  const mirror = r.stdout.split('\n\n').find((b) => b.startsWith('mirror'))!;
  assert.ok(mirror.includes('  c b │ a b c d e │ d c'));
  assert.ok(mirror.includes('  m l   k l m n o   n m'));
  const one = convkit(['borders', '--border', 'zero', '--pad', '1', '--size', '3x2']);
  assert.equal(one.stdout.split('\n')[0].startsWith('constant'), true);
  assert.match(one.stdout, / {2}0 │ a b c │ 0/);
});

test('CLI borders IN: a PNG of the padded image with the image pixels untouched', () => {
  const out = join(work, 'wrap.png');
  const r = convkit(['borders', CROP, '--border', 'wrap', '--pad', '10', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const pic = decodePng(new Uint8Array(readFileSync(out)));
  assert.deepEqual(pic.shape, [57, 61, 3]);
  const x = loadNpy(CROP);
  // Interior and far border pixels are exact copies (wrap: pixel [−10, −10] is [27, 31]).
  for (const [r0, c0, sr, sc] of [
    [10, 10, 0, 0],
    [46, 50, 36, 40],
    [0, 0, 27, 31],
    [56, 60, 9, 9],
  ]) {
    for (let ch = 0; ch < 3; ch++)
      assert.equal(pic.data[(r0 * 61 + c0) * 3 + ch], x.data[(sr * 41 + sc) * 3 + ch]);
  }
  const grid = join(work, 'all.png');
  assert.equal(convkit(['borders', CROP, '-o', grid, '--columns', '5']).status, 0);
  const g = decodePng(new Uint8Array(readFileSync(grid)));
  assert.ok(g.shape[1] > 5 * (41 + 2 * 9));
});

test('CLI compare: grid PNG, HTML report, progress on stderr (silenced by -q)', () => {
  const out = join(work, 'grid.png');
  const html = join(work, 'report.html');
  const r = convkit([
    'compare',
    CROP,
    '--filter',
    'box',
    '--sizes',
    '3,5,9',
    '-o',
    out,
    '--html',
    html,
    '--columns',
    '2',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stderr
      .trim()
      .split('\n')
      .map((l) => l.replace(/ \(.*\)$/, '')),
    ['convkit compare: 1/3 3×3 box', 'convkit compare: 2/3 5×5 box', 'convkit compare: 3/3 9×9 box'],
  );
  const g = decodePng(new Uint8Array(readFileSync(out)));
  assert.equal(g.shape[1], 2 * 41 + 3 * 8);
  assert.equal(g.shape[0], 2 * (37 + 16) + 3 * 8);
  // Tile 4 (9×9 box) sits at row 1, column 1: it equals OpenCV's blur exactly.
  const want = loadNpy(join(FIXTURES, 'explain', 'box-rgb-9.npy'));
  const y0 = 8 + 37 + 16 + 8 + 16;
  const x0 = 8 + 41 + 8;
  for (const [r0, c0] of [
    [0, 0],
    [18, 20],
    [36, 40],
  ]) {
    for (let ch = 0; ch < 3; ch++)
      assert.equal(g.data[((y0 + r0) * g.shape[1] + x0 + c0) * 3 + ch], want.data[(r0 * 41 + c0) * 3 + ch]);
  }
  const page = readFileSync(html, 'utf8');
  assert.equal((page.match(/<img src="data:image\/png;base64,/g) ?? []).length, 4);
  assert.match(page, /--filter box --sizes 3,5,9/);
  const quiet = convkit(['compare', CROP, '--filter', 'box', '--sizes', '3', '-o', out, '-q']);
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stderr, '');
});

test('CLI kernel warnings: convolve/correlate warn about asymmetric and even kernels; -q and --no-warnings silence', () => {
  const img = CROP;
  const out = join(work, 'w.npy');
  const asym = convkit(['convolve', img, '--kernel', '-1 0 1', '-o', out]);
  assert.equal(asym.status, 0);
  assert.match(
    asym.stderr,
    /^convkit convolve: warning: the 1×3 kernel is not symmetric under a 180° rotation.*did you mean correlate\? \(--quiet silences this\)\n$/,
  );
  const even = convkit(['correlate', img, '--kernel', '1 1; 1 1', '-o', out]);
  assert.match(even.stderr, /even height and width, so no element is its centre: element \[1, 1\]/);
  assert.equal(convkit(['convolve', img, '--kernel', '-1 0 1', '-q', '-o', out]).stderr, '');
  assert.equal(convkit(['convolve', img, '--kernel', '-1 0 1', '--no-warnings', '-o', out]).stderr, '');
  assert.equal(convkit(['convolve', img, '--kernel', '1 2 1', '-o', out]).stderr, '');
});

test('CLI kernel warnings: convkit gaussian warns when a size cuts the Gaussian hard; -q silences', () => {
  const out = join(work, 'g.npy');
  const r = convkit(['gaussian', CROP, '--sigma', '10', '--ksize', '11x11', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /^convkit gaussian: warning: the Gaussian with σ = 10 cut to 11 taps keeps only 41\.8% .* 53 taps or more keep 99%/,
  );
  assert.equal(convkit(['gaussian', CROP, '--sigma', '10', '--ksize', '11x11', '-q', '-o', out]).stderr, '');
  assert.equal(convkit(['gaussian', CROP, '--sigma', '2', '-o', out]).stderr, '');
});
