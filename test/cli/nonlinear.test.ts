// `convkit median | bilateral | nlmeans` through the built CLI: the golden cases, help text and
// every bad-input path (one line, non-zero exit, no output file).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray } from '../../src/core/ndarray.js';
import { ROOT, loadNpy, loadSuite, spawnCli as convkit, cliGolden, type GoldenCase } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-nonlinear-'));

function npy(name: string, a: Parameters<typeof encodeNpy>[0]): string {
  const p = join(work, name);
  writeFileSync(p, encodeNpy(a));
  return p;
}

// The library runs every case of both suites (test/golden/nonlinear.test.ts); through the CLI
// (a process each) the shared suite's 14 and a sample of ours keep this file fast.
const CLI_SAMPLE = /^(med05|med09|bil12|bil15|nlm17|nlm20|nlm21)$/;

test('golden median/bilateral/nlmeans cases (filters suite + a sample of nonlinear) through the CLI', async () => {
  const ours = (c: GoldenCase) => /^(median|bilateral|nlmeans)$/.test(c.op);
  const { passed, failures } = await cliGolden(
    convkit,
    work,
    [
      ['filters', ours],
      ['nonlinear', (c) => ours(c) && CLI_SAMPLE.test(c.id)],
    ],
    // nlmeans of the shared suite allows a mean difference; ours matches OpenCV exactly
    { tolerance: (c) => ('mean_abs_diff' in c.tolerance ? { max_abs_diff: 0 } : c.tolerance) },
  );
  assert.deepEqual(failures, []);
  assert.equal(passed, 14 + 7);
});

test('--help of each command says what the parameters mean and states the defaults', () => {
  const median = convkit(['median', '--help']).stdout;
  assert.match(median, /rank ⌊kw·kh\/2⌋/);
  assert.match(median, /upper of the two middle/);
  assert.match(median, /default: "replicate"/);
  const bil = convkit(['bilateral', '--help']).stdout;
  assert.match(bil, /--sigma-color SC in grey levels/);
  assert.match(bil, /--sigma-space SS in pixels/);
  assert.match(bil, /radius r = ⌊D\/2⌋/);
  assert.match(bil, /default: "mirror"/);
  const nlm = convkit(['nlmeans', '--help']).stdout;
  assert.match(nlm, /--h H +strength in grey levels/);
  assert.match(nlm, /default: "7"/);
  assert.match(nlm, /default: "21"/);
  assert.match(nlm, /identical to OpenCV's/);
});

test('a PNG goes through each command and keeps its size and dtype', () => {
  const png = join(work, 'astronaut.png');
  copyFileSync(join(ROOT, 'samples', 'astronaut.png'), png);
  for (const args of [
    ['median', png, '--ksize', '5'],
    ['bilateral', png, '--diameter', '5', '--sigma-color', '40', '--sigma-space', '3'],
    ['nlmeans', png, '--h', '6', '--template', '3', '--search', '5'],
  ]) {
    const out = join(work, `${args[0]}.png`);
    const r = convkit([...args, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const back = join(work, `${args[0]}.npy`);
    assert.equal(convkit(['median', out, '--ksize', '1', '-o', back]).status, 0);
    const a = loadNpy(back);
    assert.deepEqual(a.shape, [512, 512, 3]);
    assert.equal(a.dtype, 'uint8');
  }
});

test('median --threads: 1 and 2 threads write the same file, on the network and histogram paths', () => {
  const png = join(work, 'astronaut-threads.png');
  copyFileSync(join(ROOT, 'samples', 'astronaut.png'), png);
  for (const k of ['5', '15']) {
    const outs = ['1', '2'].map((t) => {
      const out = join(work, `median-${k}-t${t}.npy`);
      const r = convkit(['median', png, '--ksize', k, '--threads', t, '-o', out]);
      assert.equal(r.status, 0, r.stderr);
      return loadNpy(out);
    });
    assert.deepEqual(outs[1].data, outs[0].data);
  }
});

test('nlmeans --channel-order: rgb on a channel-swapped array equals bgr on the original', () => {
  const { dir, cases } = loadSuite('filters');
  const c = cases.find((k) => k.id === 'nlm26')!;
  const x = loadNpy(join(dir, c.input as string));
  const swapped = new Uint8Array(x.data.length);
  for (let i = 0; i < x.data.length; i += 3)
    [swapped[i], swapped[i + 1], swapped[i + 2]] = [x.data[i + 2], x.data[i + 1], x.data[i]];
  const inSwapped = npy('swapped.npy', ndarray(swapped, x.shape));
  const out = join(work, 'swapped-out.npy');
  assert.equal(convkit(['nlmeans', inSwapped, '--h', '8', '--channel-order', 'rgb', '-o', out]).status, 0);
  const got = loadNpy(out).data;
  const want = loadNpy(join(dir, c.expected as string)).data;
  for (let i = 0; i < want.length; i += 3)
    assert.deepEqual([got[i + 2], got[i + 1], got[i]], [want[i], want[i + 1], want[i + 2]]);
});

const gray = npy(
  'gray.npy',
  ndarray(
    Uint8Array.from({ length: 30 }, (_, i) => i * 7),
    [5, 6],
  ),
);
const float = npy(
  'float.npy',
  ndarray(
    Float32Array.from({ length: 30 }, (_, i) => i / 7),
    [5, 6],
  ),
);
const rgb = npy(
  'rgb.npy',
  ndarray(
    Uint8Array.from({ length: 90 }, (_, i) => i),
    [5, 6, 3],
  ),
);

// [name, args (without -o), pattern the one error line must match]
const ERRORS: [string, string[], RegExp][] = [
  ['median window 0', ['median', gray, '--ksize', '0'], /for --ksize, got "0"/],
  ['median window malformed', ['median', gray, '--ksize', '3x'], /N or WxH .* for --ksize, got "3x"/],
  [
    'median window beyond memory',
    ['median', gray, '--ksize', '5000x5000'],
    /at most 16777216 pixels for --ksize, got \[5000, 5000\] \(the window would exceed memory\)/,
  ],
  [
    'median unknown border',
    ['median', gray, '--ksize', '3', '--border', 'edges'],
    /for --border, got "edges"/,
  ],
  [
    'median cval outside uint8',
    ['median', gray, '--ksize', '3', '--border', 'constant', '--cval', '300'],
    /an integer from 0 to 255 for a uint8 image for --cval, got 300/,
  ],
  [
    'median network on 7x7',
    ['median', gray, '--ksize', '7', '--method', 'network'],
    /for --method, got "network"/,
  ],
  ['median unknown method', ['median', gray, '--ksize', '3', '--method', 'fast'], /for --method, got "fast"/],
  [
    'median threads 0',
    ['median', gray, '--ksize', '3', '--threads', '0'],
    /from 1 to 64 for --threads, got "0"/,
  ],
  [
    'median has no --backend',
    ['median', gray, '--ksize', '3', '--backend', 'js'],
    /unknown option '--backend'/,
  ],
  [
    'bilateral sigma-color 0',
    ['bilateral', gray, '--diameter', '5', '--sigma-color', '0', '--sigma-space', '3'],
    /> 0 for --sigma-color, got "0"/,
  ],
  [
    'bilateral negative sigma-space',
    ['bilateral', gray, '--diameter', '5', '--sigma-color', '10', '--sigma-space', '-2'],
    /> 0 for --sigma-space, got "-2"/,
  ],
  [
    'bilateral non-integer diameter',
    ['bilateral', gray, '--diameter', '4.5', '--sigma-color', '10', '--sigma-space', '2'],
    /for --diameter, got "4.5"/,
  ],
  ['bilateral missing sigma', ['bilateral', gray, '--diameter', '5', '--sigma-color', '10'], /--sigma-space/],
  ['nlmeans h 0', ['nlmeans', gray, '--h', '0'], /> 0 for --h, got "0"/],
  ['nlmeans h-color NaN', ['nlmeans', rgb, '--h', '3', '--h-color', 'nan'], /for --h-color, got "nan"/],
  [
    'nlmeans even template',
    ['nlmeans', gray, '--h', '3', '--template', '4'],
    /odd integer ≥ 1 for --template, got 4/,
  ],
  [
    'nlmeans search smaller than template',
    ['nlmeans', gray, '--h', '3', '--template', '7', '--search', '5'],
    /≥ the template size 7 for --search, got 5 \(number\) \(the search window must hold a template\)/,
  ],
  ['nlmeans float image', ['nlmeans', float, '--h', '3'], /uint8 or uint16 .* for IN, got "float32"/],
  ['nlmeans h-color on gray', ['nlmeans', gray, '--h', '3', '--h-color', '4'], /for --h-color, got 4/],
  [
    'nlmeans channel order',
    ['nlmeans', rgb, '--h', '3', '--channel-order', 'grb'],
    /for --channel-order, got "grb"/,
  ],
];

for (const [name, args, pattern] of ERRORS) {
  test(`CLI error: ${name} → one line, exit ≠ 0, no output file`, () => {
    const target = join(work, `err-${name.replace(/\W+/g, '-')}.npy`);
    const r = convkit([...args, '-o', target]);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^convkit (median|bilateral|nlmeans): error: /);
    assert.match(lines[0], pattern);
    assert.equal(existsSync(target), false);
  });
}

test('no progress output when stderr is not a terminal', () => {
  const out = join(work, 'quiet.npy');
  const r = convkit(['nlmeans', gray, '--h', '5', '-o', out]);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});
