// The engine flags through the built CLI: --backend wasm on golden cases (a sample of the
// suite, every dtype), --threads, --explain-plan, and the errors for bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs, loadSuite, cliFailure, spawnCli as convkit, cliGolden } from '../helpers.js';

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
