// `convkit match` and `--method fft` end to end through the built CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray } from '../../src/core/ndarray.js';
import { decodePng } from '../../src/io/png.js';
import { readFileSync } from 'node:fs';
import { cliArgs, loadSuite, spawnCli as convkit, cliGolden } from '../helpers.js';
import { run } from '../../src/cli/program.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-match-'));

// The golden cases run the CLI in this process (`run`, the same code as the binary minus
// the process start, which costs ~0.5 s per case on a loaded 2-core machine); the error
// cases below spawn the real binary to check exit codes and stderr.
const all = () => true;

test('golden suite match through the CLI (all six methods)', async () => {
  const { passed, failures } = await cliGolden(run, work, [['match', all]]);
  assert.deepEqual(failures, []);
  assert.equal(passed, 18);
});

test('golden suite match with --backend wasm --threads 2 and with --backend js; a bad --threads is one line', async () => {
  for (const extra of [
    ['--backend', 'wasm', '--threads', '2'],
    ['--backend', 'js'],
  ]) {
    const { passed, failures } = await cliGolden(run, work, [['match', all]], { extra });
    assert.deepEqual(failures, []);
    assert.equal(passed, 18);
  }
  const { dir, cases } = loadSuite('match');
  const c = cases[0];
  const out = join(work, 'bad-threads.npy');
  const r = convkit([...cliArgs(c, dir, out), '--threads', '65']);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr.trim(),
    /^convkit match: error: Expected an integer from 1 to 64 for --threads, got "65"$/,
  );
  assert.equal(existsSync(out), false);
});

test('linear + seed golden suites through the CLI with --method fft', async () => {
  const { passed, failures } = await cliGolden(
    run,
    work,
    [
      ['linear', all],
      ['seed', all],
    ],
    { extra: ['--method', 'fft'] },
  );
  assert.deepEqual(failures, []);
  assert.equal(passed, 87);
});

const { dir } = loadSuite('match');
const IN = join(dir, 'm05.in.npy');
const T = join(dir, 'm05.template.npy');

test('--best N prints ranked matches; --draw writes a PNG with the box; --explain-plan says how', () => {
  const png = join(work, 'drawn.png');
  const r = convkit([
    'match',
    IN,
    '--template',
    T,
    '--method',
    'ccoeff-normed',
    '--best',
    '2',
    '--draw',
    png,
    '--explain-plan',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^rank\trow\tcol\tscore \(ccoeff-normed, higher is better\)$/);
  assert.match(lines[1], /^1\t20\t33\t0\.99/);
  assert.equal(lines.length, 3);
  assert.match(r.stderr, /^plan: (fft|direct): 52×70×1 output, 9×11 kernel/);
  const pic = decodePng(new Uint8Array(readFileSync(png)));
  assert.deepEqual(pic.shape, [60, 80, 3]);
  const o = (20 * 80 + 33) * 3;
  assert.deepEqual(Array.from(pic.data.subarray(o, o + 3)), [255, 0, 0]);
});

test('match --help states the six formulas and the default', () => {
  const r = convkit(['match', '--help']);
  assert.equal(r.status, 0);
  for (const s of [
    'Σ (T − I)²',
    "Σ T'·I' / √(ΣT'² · ΣI'²)",
    'default: "ccoeff-normed"',
    '--correlation-method',
  ])
    assert.ok(r.stdout.includes(s), s);
});

test('correlate --explain-plan names the method and the modelled times', () => {
  const big = join(work, 'big.npy');
  writeFileSync(big, encodeNpy(ndarray(new Float32Array(256 * 256), [256, 256])));
  // Not rank 1 (one tap differs), so the choice is between direct and fft.
  const k = Array.from({ length: 21 }, (_, i) =>
    Array.from({ length: 21 }, (_, j) => (i + j === 0 ? '2' : '1')).join(' '),
  ).join(';');
  const r = convkit(['correlate', big, '--kernel', k, '--explain-plan', '-o', join(work, 'o.npy')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /^plan: fft: 256×256×1 output, 21×21 kernel; modelled [\d.]+ ms \(\d+×\d+ tiles .*\) vs direct [\d.]+ ms \(441 taps per output\)/,
  );
});

const errors: [string, string[], RegExp][] = [
  [
    'template larger than the image',
    ['match', T, '--template', IN],
    /the 60×80 template is larger than the 9×11 image/,
  ],
  [
    'unknown method',
    ['match', IN, '--template', T, '--method', 'ssd'],
    /Expected one of sqdiff, .* for --method, got "ssd"/,
  ],
  [
    'bad --best',
    ['match', IN, '--template', T, '--best', '0'],
    /Expected a positive integer \(how many matches to print\) for --best, got "0"/,
  ],
  [
    'bad --draw',
    ['match', IN, '--template', T, '--draw', 'x.jpg'],
    /Expected a path ending in \.png for --draw, got "x\.jpg"/,
  ],
  [
    'bad --correlation-method',
    ['match', IN, '--template', T, '--correlation-method', 'fast'],
    /for --correlation-method, got "fast"/,
  ],
  ['missing template file', ['match', IN, '--template', join(work, 'nope.npy')], /nope\.npy/],
];
for (const [name, args, message] of errors) {
  test(`match error: ${name} → one line, exit 2, no output file`, () => {
    const out = join(work, `err-${name.replace(/\W+/g, '-')}.npy`);
    const r = convkit([...args, '-o', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^convkit match: error: /);
    assert.match(r.stderr, message);
    assert.equal(existsSync(out), false);
  });
}

test('match error: channel mismatch and NaN under a normalized method', () => {
  const rgb = join(work, 'rgb.npy');
  writeFileSync(rgb, encodeNpy(ndarray(new Float32Array(4 * 5 * 3), [4, 5, 3])));
  const gray = join(work, 'gray.npy');
  writeFileSync(gray, encodeNpy(ndarray(new Float32Array(4), [2, 2])));
  let r = convkit(['match', rgb, '--template', gray, '-o', join(work, 'x.npy')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /the template has 1 channel but the image has 3/);
  const nan = new Float32Array(20);
  nan[3] = NaN;
  const bad = join(work, 'nan.npy');
  writeFileSync(bad, encodeNpy(ndarray(nan, [4, 5])));
  r = convkit(['match', bad, '--template', gray, '--method', 'ccorr-normed', '-o', join(work, 'y.npy')]);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /^convkit match: error: Expected finite values for method ccorr-normed .* for IN, got NaN \(number\) \(at \[0, 3\]\)/,
  );
  assert.equal(existsSync(join(work, 'y.npy')), false);
});
