// The built CLI (dist/cli/main.js) for issue 3: named filters on the golden suites, the
// `kernel` command, `--kernel name:params`, help texts, and every error path.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray } from '../../src/core/ndarray.js';
import { composeKernels, correlate, gaussianTaps, sobelKernel } from '../../src/index.js';
import { loadNpy, spawnCli as convkit, cliGolden } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-cli3-'));

const img = join(work, 'img.npy');
writeFileSync(
  img,
  encodeNpy(
    ndarray(
      Float64Array.from({ length: 48 }, (_, i) => (i * 37) % 11),
      [6, 8],
    ),
  ),
);

test('golden gaussian (16) and filters box|der|lap (13) through the CLI', async () => {
  const { passed, failures } = await cliGolden(convkit, work, [
    ['gaussian', () => true],
    ['filters', (c) => /^(box|der|lap)/.test(c.id)],
  ]);
  assert.deepEqual(failures, []);
  assert.equal(passed, 29);
});

test('kernel gaussian writes 1-D float64 taps; without -o it prints them', () => {
  const out = join(work, 'g.npy');
  assert.equal(convkit(['kernel', 'gaussian', '--ksize', '5', '--sigma', '1.0', '-o', out]).status, 0);
  const k = loadNpy(out);
  assert.deepEqual(k.shape, [5]);
  assert.equal(k.dtype, 'float64');
  assert.deepEqual(Array.from(k.data), Array.from(gaussianTaps(5, 1)));
  const r = convkit(['kernel', 'gaussian', '--ksize', '3']);
  assert.equal(r.stdout.trim(), '0.25  0.5 0.25');
  const b = join(work, 'b.npy');
  assert.equal(convkit(['kernel', 'box', '--ksize', '4x2', '--no-normalize', '-o', b]).status, 0);
  assert.deepEqual(loadNpy(b).shape, [2, 4]);
});

test('--kernel name:params works wherever a kernel is accepted', () => {
  const out = join(work, 'named.npy');
  const r = convkit(['correlate', img, '--kernel', 'sobel:dx=1,dy=0', '--border', 'mirror', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const want = correlate(loadNpy(img), sobelKernel({ dx: 1, dy: 0 }), { border: 'mirror' });
  assert.deepEqual(Array.from(loadNpy(out).data), Array.from(want.data));
  const g = join(work, 'named-g.npy');
  assert.equal(convkit(['convolve', img, '--kernel', 'gaussian2d:sigma=1,ksize=5', '-o', g]).status, 0);
  const info = convkit(['kernel', 'info', 'binomial2d:5x3']);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /size: +3×5/);
});

test('kernel info: size, sum, symmetry, separable factors, convolve vs correlate', () => {
  const sob = convkit(['kernel', 'info', '--', '-1 0 1; -2 0 2; -1 0 1']).stdout;
  assert.match(sob, /size: +3×3 \(rows × cols\), default anchor \(1, 1\)/);
  assert.match(sob, /sum: +0 \(zero sum/);
  assert.match(sob, /left-right antisymmetric.*up-down symmetric.*180° rotation antisymmetric/);
  assert.match(sob, /convolve vs correlate: opposite signs: convolve = −correlate/);
  assert.match(sob, /separable: +yes/);
  assert.match(sob, /col \(down\): +\[1 2 1\]ᵀ/);
  assert.match(sob, /row \(across\): \[-1 0 1\]/);
  const lap = convkit(['kernel', 'info', 'laplacian']).stdout;
  assert.match(lap, /separable: +no/);
  assert.match(lap, /convolve vs correlate: the same/);
  const even = convkit(['kernel', 'info', '1 1; 1 1']).stdout;
  assert.match(even, /one-pixel shift/);
  const emb = convkit(['kernel', 'info', 'emboss', '--json']);
  const j = JSON.parse(emb.stdout) as { rotation: string; sum: number; taps: number[][] };
  assert.equal(j.rotation, 'none');
  assert.equal(j.sum, 1);
  assert.deepEqual(j.taps[0], [-2, -1, 0]);
});

test('kernel compose A B = full convolution; even sizes print the anchor to use', () => {
  const out = join(work, 'c.npy');
  const r = convkit(['kernel', 'compose', '1 2 1', '1; 2; 1', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    Array.from(loadNpy(out).data),
    Array.from(composeKernels([1, 2, 1], [[1], [2], [1]]).data),
  );
  const e = convkit(['kernel', 'compose', '1 1', '1 1', '-o', join(work, 'e.npy')]);
  assert.equal(e.status, 0);
  assert.match(e.stderr, /--anchor 0,2/);
});

test('--help states defaults and meanings', () => {
  const help = (...args: string[]) => convkit([...args, '--help']).stdout.replace(/\s+/g, ' ');
  const g = help('gaussian');
  assert.match(g, /symmetric \(SciPy\), mirror with --ksize \(OpenCV\)/);
  assert.match(g, /floor\(T·σ \+ 0\.5\)/);
  assert.match(g, /default: "4\.0"/);
  const s = help('sobel');
  assert.match(s, /mirror \(OpenCV BORDER_REFLECT_101\)/);
  assert.match(s, /float32 for integer input/);
  assert.match(s, /positive where intensity increases to the right/);
  assert.match(help('box'), /--no-normalize/);
  assert.match(help('kernel'), /gaussian:7,1\.5/);
  assert.match(help('kernel', 'info'), /starts with a minus/);
  assert.match(help('laplacian'), /default: "1"/);
});

test('--explain-plan says separable for a Gaussian and running sums for a box', () => {
  const a = convkit(['gaussian', img, '--sigma', '1.5', '--explain-plan', '-o', join(work, 'p1.npy')]);
  assert.match(
    a.stderr,
    /^plan: separable: .*13×13 kernel; modelled .*\(rank 1: 13 \+ 13 taps in two 1-D passes\)/m,
  );
  const b = convkit(['box', img, '--ksize', '5x3', '--explain-plan', '-o', join(work, 'p2.npy')]);
  assert.match(b.stderr, /running sums/);
});

const ERRORS: [string, string[], RegExp][] = [
  ['even Gaussian size', ['gaussian', img, '--sigma', '1', '--ksize', '4x4'], /for --ksize, got "4x4"/],
  ['σ ≤ 0 with no size', ['gaussian', img, '--sigma', '0'], /for --sigma, got 0/],
  [
    'kernel gaussian even',
    ['kernel', 'gaussian', '--ksize', '4', '--sigma', '1'],
    /odd integer.*for --ksize, got 4/,
  ],
  [
    'kernel gaussian no size no σ',
    ['kernel', 'gaussian'],
    /σ > 0 when ksize is not given.*for --sigma, got 0/,
  ],
  [
    'order ≥ size',
    ['sobel', img, '--dx', '3', '--dy', '0', '--ksize', '3'],
    /order below the kernel size 3 for --dx, got 3/,
  ],
  ['dx = dy = 0', ['sobel', img, '--dx', '0', '--dy', '0'], /dx \+ dy ≥ 1.*for --dx/],
  ['Scharr orders', ['scharr', img, '--dx', '1', '--dy', '1'], /1, 0 or 0, 1 for Scharr/],
  ['Laplacian even', ['laplacian', img, '--ksize', '4'], /odd integer from 1 to 31 for --ksize, got 4/],
  ['box size 0', ['box', img, '--ksize', '0x3'], /for --ksize, got "0x3"/],
  ['unknown kernel name', ['correlate', img, '--kernel', 'gauss:5'], /for --kernel, got "gauss:5"/],
  [
    'unknown kernel parameter',
    ['correlate', img, '--kernel', 'sobel:dz=1'],
    /parameter of sobel.*for --kernel/,
  ],
  [
    'bad named parameter value',
    ['correlate', img, '--kernel', 'gaussian:4,1'],
    /\(gaussian ksize\) for --kernel, got "gaussian:4,1"/,
  ],
  [
    'separable on a rank-2 kernel',
    ['correlate', img, '--kernel', 'laplacian', '--method', 'separable'],
    /not rank 1.*for --method/,
  ],
  ['negative derivative order', ['sobel', img, '--dx', '-1', '--dy', '1'], /for --dx, got "-1"/],
  ['unsharp threshold', ['unsharp', img, '--threshold', '-1'], /for --threshold, got -1/],
  ['kernel to a PNG', ['kernel', 'box'], /\.npy.*for -o/],
  ['composition too large', ['kernel', 'compose', 'box:4096x4096', 'box:2x1'], /would not fit in memory/],
];

for (const [name, args, pattern] of ERRORS) {
  test(`CLI error: ${name} → one line, exit ≠ 0, no output file`, () => {
    const target = join(
      work,
      `err-${name.replace(/\W+/g, '-')}.${name === 'kernel to a PNG' ? 'png' : 'npy'}`,
    );
    const r = convkit([...args, '-o', target]);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^convkit [\w ]+: error: /);
    assert.match(lines[0], pattern);
    assert.equal(existsSync(target), false);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
}
