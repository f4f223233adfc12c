// `convkit conv2d` and `convkit conv-transpose2d` end to end (dist/cli/main.js): the conv2d
// golden suite on every method, and every bad-input path.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray, zeros } from '../../src/core/ndarray.js';
import { loadNpy, loadSuite, mismatch, spawnCli as convkit } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-nn-'));

const INPUTS: Record<string, string> = {
  IN: 'input',
  WEIGHT: 'weight',
  BIAS: 'bias',
  GRAD_OUT: 'grad_output',
};
const OUTPUTS: Record<string, string> = {
  OUT: 'expected',
  OUT_GRAD_INPUT: 'expected_grad_input',
  OUT_GRAD_WEIGHT: 'expected_grad_weight',
  OUT_GRAD_BIAS: 'expected_grad_bias',
};

for (const [suite, method, count] of [
  ['conv2d', 'auto', 8],
  ['conv2d', 'direct', 8],
  ['conv2d-extra', 'auto', 12],
] as const) {
  test(`golden suite ${suite} through the CLI, --method ${method}`, () => {
    const { dir, cases } = loadSuite(suite);
    const failures: string[] = [];
    for (const c of cases) {
      const outs: Record<string, string> = {};
      const args = c.cli.map((a) => {
        if (a in INPUTS) return join(dir, c[INPUTS[a]] as string);
        if (a in OUTPUTS) return (outs[a] = join(work, `${suite}-${method}-${c.id}-${a}.npy`));
        return a;
      });
      const r = convkit([...args, '--method', method]);
      if (r.status !== 0) {
        failures.push(`${c.id}: ${r.stderr.trim()}`);
        continue;
      }
      for (const [ph, path] of Object.entries(outs)) {
        const why = mismatch(loadNpy(path), loadNpy(join(dir, c[OUTPUTS[ph]] as string)), c.tolerance);
        if (why) failures.push(`${c.id} ${ph}: ${why}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(cases.length, count);
  });
}

const save = (name: string, shape: number[], dtype: 'float64' | 'float32' = 'float64') => {
  const path = join(work, name);
  const a = zeros(shape, dtype);
  for (let i = 0; i < a.data.length; i++) a.data[i] = (i % 7) - 3;
  writeFileSync(path, encodeNpy(a));
  return path;
};
const x = save('x.npy', [1, 3, 8, 8]);
const x2 = save('x2.npy', [1, 2, 8, 8]);
const w = save('w.npy', [4, 2, 3, 3]);
const gyBad = save('gy-bad.npy', [1, 4, 8, 8]);
const img3 = save('img3.npy', [3, 8, 8]);
writeFileSync(join(work, 'b3.npy'), encodeNpy(ndarray(new Float64Array(3), [3])));

test('conv2d --padding same, --explain-plan, and a float32 batch', () => {
  const x32 = save('x32.npy', [2, 2, 5, 6], 'float32');
  const out = join(work, 'same.npy');
  const r = convkit([
    'conv2d',
    '--input',
    x32,
    '--weight',
    w,
    '--padding',
    'same',
    '--explain-plan',
    '-o',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^conv2d plan: gemm \(im2col \+ matrix product/);
  const y = loadNpy(out);
  assert.deepEqual(y.shape, [2, 4, 5, 6]);
  assert.equal(y.dtype, 'float32');
});

test('conv2d --help states the meaning, the defaults and which gradient is which', () => {
  const r = convkit(['conv2d', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /cross-correlation, the kernel is NOT flipped/);
  assert.match(r.stdout, /FULL CONVOLUTION/);
  assert.match(r.stdout, /VALID CROSS-CORRELATION/);
  assert.match(r.stdout, /--stride <S,S>.*\(default: "1,1"\)/);
});

const ERRORS: [string, string[], RegExp][] = [
  [
    'channels do not match weight × groups',
    ['conv2d', '--input', x, '--weight', w],
    /input channels \(3\) must equal weight in-channels × groups \(2 × 1 = 2\); input \[1, 3, 8, 8\], weight \[4, 2, 3, 3\]/,
  ],
  [
    'output size ≤ 0',
    ['conv2d', '--input', x2, '--weight', w, '--dilation', '5,5'],
    /the output would be -2×-2: the dilated 3×3 kernel spans 11×11 but the padded input is only 8×8/,
  ],
  [
    'same with stride 2',
    ['conv2d', '--input', x2, '--weight', w, '--padding', 'same', '--stride', '2'],
    /for --padding, got "same" \(stride 2,2\)/,
  ],
  [
    '3-D input',
    ['conv2d', '--input', img3, '--weight', w],
    /input must be a 4-D N×C×H×W array, got shape \[3, 8, 8\]/,
  ],
  [
    'grad-output of the wrong shape',
    ['conv2d', '--input', x2, '--weight', w, '--grad-output', gyBad, '--grad-input', join(work, 'gx.npy')],
    /grad_output has shape \[1, 4, 8, 8\] but conv2d of input \[1, 2, 8, 8\] and weight \[4, 2, 3, 3\] gives \[1, 4, 6, 6\]/,
  ],
  [
    'bias of the wrong length',
    ['conv2d', '--input', x2, '--weight', w, '--bias', join(work, 'b3.npy')],
    /bias has 3 values but there are 4 output channels/,
  ],
  ['bad stride', ['conv2d', '--input', x2, '--weight', w, '--stride', '0,1'], /for --stride, got "0,1"/],
  [
    'bad padding',
    ['conv2d', '--input', x2, '--weight', w, '--padding', '1,2,3'],
    /for --padding, got "1,2,3"/,
  ],
  ['bad groups', ['conv2d', '--input', x2, '--weight', w, '--groups', 'two'], /for --groups, got "two"/],
  ['bad method', ['conv2d', '--input', x2, '--weight', w, '--method', 'fft'], /for --method, got "fft"/],
  [
    'grad-input without grad-output',
    ['conv2d', '--input', x2, '--weight', w, '--grad-input', join(work, 'gx2.npy')],
    /Expected --grad-output GY/,
  ],
  [
    'PNG output',
    ['conv2d', '--input', x2, '--weight', w, '-o', join(work, 'y.png')],
    /for -o, got ".*y\.png"/,
  ],
  ['missing weight file', ['conv2d', '--input', x2, '--weight', join(work, 'nope.npy')], /cannot read/],
  [
    'transpose: output padding ≥ stride',
    ['conv-transpose2d', '--input', gyBad, '--weight', w, '--stride', '2', '--output-padding', '2'],
    /for --output-padding, got \[2, 2\]/,
  ],
  [
    'transpose: channels',
    ['conv-transpose2d', '--input', x, '--weight', w],
    /input channels \(3\) must equal the weight's first dimension \(4\)/,
  ],
];

for (const [name, args, pattern] of ERRORS) {
  test(`CLI error: ${name} → one line, exit 2, no output file`, () => {
    const out = join(work, `err-${name.replace(/\W+/g, '-')}.npy`);
    const r = convkit(args.includes('-o') ? args : [...args, '-o', out]);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^convkit conv(2d|-transpose2d): error: /);
    assert.match(lines[0], pattern);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(join(work, 'gx.npy')), false);
    assert.equal(existsSync(join(work, 'y.png')), false);
  });
}

test('conv2d never modifies its inputs', () => {
  const before = readFileSync(x2);
  const r = convkit(['conv2d', '--input', x2, '--weight', w, '-o', join(work, 'ok.npy')]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(x2), before);
});

test('convkit demo learn-kernel prints the learned kernel FLIPPED for convolution targets, unflipped for correlation', () => {
  const r = convkit(['demo', 'learn-kernel', '--steps', '200']);
  assert.equal(r.status, 0, r.stderr);
  const [conv, corr] = r.stdout.split('Targets made by ').slice(1);
  assert.match(conv, /^convolve/);
  assert.match(conv, /the kernel comes out FLIPPED/);
  assert.match(corr, /^correlate/);
  assert.match(corr, /learned h itself: NOT flipped/);
});

test('convkit demo shapes shows progress, reports accuracy and writes the loss curve', () => {
  const svg = join(work, 'curve', 'loss.svg');
  const r = convkit([
    'demo',
    'shapes',
    '--train',
    '300',
    '--test',
    '100',
    '--epochs',
    '2',
    '--loss-curve',
    svg,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /epoch 2\/2 \[#+\] 100%/);
  assert.match(r.stdout, /test accuracy \d+\.\d%/);
  assert.match(readFileSync(svg, 'utf8'), /^<svg /);
  const bad = convkit(['demo', 'shapes', '--loss-curve', join(work, 'loss.png')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^convkit demo shapes: error: Expected a path ending in \.svg for --loss-curve/);
});
