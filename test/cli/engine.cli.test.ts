// The engine flags through the built CLI: --backend wasm on golden cases (a sample of the
// suite, every dtype), --threads, --explain-plan, and the errors for bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cliArgs, loadSuite, cliFailure, spawnCli as convkit, cliGolden } from '../helpers.js';
import { encodeNpy } from '../../src/core/npy.js';
import { ndarray } from '../../src/core/ndarray.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-engine-cli-'));

test('golden linear cases with --backend wasm (every third case) and --threads 2', async () => {
  const { passed, failures } = await cliGolden(convkit, work, [['linear', (_, i) => i % 3 === 0]], {
    extra: ['--backend', 'wasm', '--threads', '2'],
  });
  assert.deepEqual(failures, []);
  assert.equal(passed, 28);
});

test('CONVKIT_BACKEND=wasm forces the SIMD plan, and --explain-plan says so', () => {
  const { dir, cases } = loadSuite('linear');
  const c = cases.find((k) => k.dtype === 'uint8' && k.cli.includes('KERNEL'))!;
  const out = join(work, 'env.npy');
  const args = cliArgs(c, dir, out);
  const r = convkit([...args, '--explain-plan'], { CONVKIT_BACKEND: 'wasm' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^plan: direct.*WebAssembly SIMD .*bit-identical to plain TypeScript/m);
  assert.equal(cliFailure(c, dir, out, r), null);
  const js = convkit([...args, '--explain-plan', '--backend', 'js']);
  assert.match(js.stderr, /plain TypeScript \(asked for\)/);
});

test('bad --threads and --backend: one line naming the flag, exit 2, no output file', () => {
  const { dir, cases } = loadSuite('linear');
  const input = join(dir, cases[0].input as string);
  for (const [flag, value, allowed] of [
    ['--threads', '0', 'an integer from 1 to 64'],
    ['--threads', '65', 'an integer from 1 to 64'],
    ['--threads', '1.5', 'an integer from 1 to 64'],
    ['--threads', 'many', 'an integer from 1 to 64'],
    ['--backend', 'gpu', 'one of auto, js, wasm'],
  ]) {
    const out = join(work, `bad-${flag}-${value}.npy`);
    const r = convkit(['correlate', input, '--kernel', '1 2 1', flag, value, '-o', out]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `convkit correlate: error: Expected ${allowed} for ${flag}, got "${value}"\n`);
    assert.equal(existsSync(out), false);
  }
});

test('the named filters take --threads and --backend: the same bytes from every plan, bad values refused', () => {
  const input = join(work, 'named-in.npy');
  // 300×260 RGB uint8: integer outputs are bit-identical on every path.
  const pixels = Uint8Array.from({ length: 300 * 260 * 3 }, (_, i) => (i * 7919 + (i >> 7)) % 256);
  writeFileSync(input, encodeNpy(ndarray(pixels, [300, 260, 3])));
  for (const [name, ...args] of [
    ['gaussian', '--sigma', '2.5'],
    ['box', '--ksize', '7x5'],
    ['sobel', '--dx', '1', '--dy', '0', '--dtype', 'float64'],
    ['sharpen', '--amount', '0.7'],
  ]) {
    const outputs = [
      ['--threads', '1', '--backend', 'js'],
      ['--threads', '2', '--backend', 'wasm'],
      ['--threads', '3'],
    ].map((flags, i) => {
      const out = join(work, `${name}-${i}.npy`);
      const r = convkit([name, input, ...args, ...flags, '-o', out]);
      assert.equal(r.status, 0, `${name} ${flags.join(' ')}: ${r.stderr}`);
      return readFileSync(out);
    });
    assert.ok(
      outputs[0].equals(outputs[1]) && outputs[0].equals(outputs[2]),
      `${name}: every plan the same bytes`,
    );
    const bad = join(work, `${name}-bad.npy`);
    const r = convkit([name, input, ...args, '--threads', '0', '-o', bad]);
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      `convkit ${name}: error: Expected an integer from 1 to 64 for --threads, got "0"\n`,
    );
    assert.equal(existsSync(bad), false);
  }
});

test('a reader that closes the pipe early (convkit … --help | head) ends the CLI quietly', async () => {
  const child = spawn(process.execPath, [BIN, 'gaussian', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the help is written
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const code = await new Promise((ok) => child.on('close', ok));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
