// The built CLI (dist/cli/main.js): golden suites end to end, and every error path.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray } from '../../src/core/ndarray.js';
import { ROOT, loadNpy, spawnCli as convkit, cliGolden } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-cli-'));
const img = join(work, 'img.npy');
writeFileSync(
  img,
  encodeNpy(
    ndarray(
      Float64Array.from({ length: 20 }, (_, i) => i),
      [4, 5],
    ),
  ),
);

test('golden suites linear + seed through the CLI', async () => {
  const all = () => true;
  const { passed, failures } = await cliGolden(convkit, work, [
    ['linear', all],
    ['seed', all],
  ]);
  assert.deepEqual(failures, []);
  assert.equal(passed, 87);
});

test('an RGB PNG goes in and a PNG of the same size comes out', () => {
  const out = join(work, 'blur.png');
  const r = convkit([
    'convolve',
    join(ROOT, 'samples', 'astronaut.png'),
    '--kernel',
    '1 2 1; 2 4 2; 1 2 1',
    '--scale',
    '1/16',
    '-o',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const npy = join(work, 'blur.npy');
  assert.equal(convkit(['correlate', out, '--kernel', '1', '-o', npy]).status, 0);
  const a = loadNpy(npy);
  assert.deepEqual(a.shape, [512, 512, 3]);
  assert.equal(a.dtype, 'uint8');
});

test('--help shows both formulas and a pictogram for every border mode', () => {
  const r = convkit(['convolve', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /y\[m, n\] = Σ_i Σ_j h\[i, j\] · X\[m \+ i − ar, n \+ j − ac\]/);
  assert.match(r.stdout, /y\[m, n\] = Σ_i Σ_j h\[i, j\] · X\[m − i \+ ar', n − j \+ ac'\]/);
  for (const pic of [
    'k k | a b c d | k k',
    'a a | a b c d | d d',
    'b a | a b c d | d c',
    'c b | a b c d | c b',
    'c d | a b c d | a b',
  ]) {
    assert.ok(r.stdout.includes(pic), pic);
  }
});

function writeBytes(name: string, bytes: Uint8Array | string): string {
  const p = join(work, name);
  writeFileSync(p, bytes);
  return p;
}

const goodNpy = readFileSync(img);
const intNpy = (() => {
  const b = Buffer.from(goodNpy);
  b.write("'<i4'", b.indexOf("'<f8'"), 'latin1');
  return writeBytes('int32.npy', b);
})();
const infKernel = writeBytes('inf-kernel.npy', encodeNpy(ndarray(Float64Array.from([1, Infinity, 1]), [3])));
const truncated = writeBytes('truncated.npy', goodNpy.subarray(0, goodNpy.length - 8));
const corrupt = writeBytes('corrupt.npy', 'this is not numpy');
const png = join(work, 'copy.png');
copyFileSync(join(ROOT, 'samples', 'astronaut.png'), png);
const truncPng = writeBytes('trunc.png', readFileSync(png).subarray(0, 4000));
const badJpeg = writeBytes(
  'bad.jpg',
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(50, 7)]),
);

// [name, args (without -o), pattern the one error line must match]
const ERRORS: [string, string[], RegExp][] = [
  [
    'unknown border',
    ['correlate', img, '--kernel', '1 2 1', '--border', 'reflect_101'],
    /--border, got "reflect_101"/,
  ],
  [
    'unknown dtype',
    ['correlate', img, '--kernel', '1 2 1', '--dtype', 'int8'],
    /Expected one of uint8, uint16, float32, float64 for --dtype, got "int8"/,
  ],
  [
    'anchor outside the kernel',
    ['convolve', img, '--kernel', '1 2 1', '--anchor', '0,3'],
    /for --anchor, got \[0, 3\]/,
  ],
  [
    'malformed anchor',
    ['convolve', img, '--kernel', '1 2 1', '--anchor', 'centre'],
    /R,C .* for --anchor, got "centre"/,
  ],
  [
    'empty valid output',
    ['convolve', img, '--kernel', '1 1 1 1 1 1', '--shape', 'valid'],
    /shape "valid": the 1×6 kernel is larger than the 4×5 input/,
  ],
  [
    'unknown shape',
    ['convolve', img, '--kernel', '1', '--shape', 'middle'],
    /Expected one of same, full, valid for --shape, got "middle"/,
  ],
  [
    'non-finite kernel file',
    ['convolve', img, '--kernel', infKernel],
    /Expected finite numbers for --kernel, got Infinity/,
  ],
  [
    'non-finite inline kernel',
    ['convolve', img, '--kernel', '1 inf 1'],
    /for --kernel, got "1 inf 1" \("inf" is not a number\)/,
  ],
  ['empty kernel', ['convolve', img, '--kernel', ' '], /for --kernel, got " "/],
  [
    'ragged inline kernel',
    ['convolve', img, '--kernel', '1 2; 3'],
    /rows of equal length .* for --kernel, got "row 2 with 1"/,
  ],
  ['malformed inline kernel', ['convolve', img, '--kernel', '1 2 x'], /for --kernel, got "1 2 x"/],
  ['missing input file', ['convolve', join(work, 'nope.npy'), '--kernel', '1'], /nope\.npy/],
  ['corrupt .npy', ['convolve', corrupt, '--kernel', '1'], /\.npy/],
  ['truncated .npy', ['convolve', truncated, '--kernel', '1'], /\.npy.*(truncated|short|expected)/i],
  ['unsupported .npy dtype', ['convolve', intNpy, '--kernel', '1'], /<i4/],
  ['truncated PNG', ['convolve', truncPng, '--kernel', '1'], /PNG/],
  ['corrupt JPEG', ['convolve', badJpeg, '--kernel', '1'], /JPEG/],
  ['float output to PNG', ['convolve', png, '--kernel', '1', '--dtype', 'float32'], /uint8 or uint16/],
  ['unknown rounding', ['convolve', img, '--kernel', '1', '--rounding', 'up'], /for --rounding, got "up"/],
  ['unknown method', ['convolve', img, '--kernel', '1', '--method', 'magic'], /for --method, got "magic"/],
  ['unknown option', ['convolve', img, '--kernel', '1', '--bordr', 'wrap'], /unknown option '--bordr'/],
  ['missing kernel', ['convolve', img], /--kernel/],
];

for (const [name, args, pattern] of ERRORS) {
  test(`CLI error: ${name} → one line, exit ≠ 0, no output file`, () => {
    const ext = args.includes(png) && name.includes('PNG') ? 'png' : 'npy';
    const out = join(work, `err-${name.replace(/\W+/g, '-')}.${ext === 'png' ? 'png' : 'npy'}`);
    const target = name === 'float output to PNG' ? join(work, 'float-out.png') : out;
    const r = convkit([...args, '-o', target]);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^convkit( \w+)?: error: /);
    assert.match(lines[0], pattern);
    assert.equal(existsSync(target), false);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
}

test('inputs are never modified', () => {
  const before = readFileSync(png);
  assert.equal(
    convkit(['convolve', png, '--kernel', '1 1; 1 1', '--scale', '0.25', '-o', join(work, 'x.png')]).status,
    0,
  );
  assert.deepEqual(readFileSync(png), before);
});
