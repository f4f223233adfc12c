// `convkit bilateral | nlmeans` with the engine flags through the built CLI: the shared golden
// cases on the SIMD loops (--backend wasm --threads 2) and on plain TypeScript (--backend js)
// give the same files, within the suite's tolerance of OpenCV; bad values get one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite, cliFailure, spawnCli as convkit, cliArgs } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'convkit-bil-nlm-engine-'));

test('golden bilateral/nlmeans cases with --backend wasm --threads 2 equal --backend js and OpenCV', () => {
  const { dir, cases } = loadSuite('filters');
  const ours = cases.filter((k) => /^(bilateral|nlmeans)$/.test(k.op));
  const failures: string[] = [];
  for (const c of ours) {
    const outs = [];
    for (const engine of [
      ['--backend', 'wasm', '--threads', '2'],
      ['--backend', 'js'],
    ]) {
      const out = join(work, `${c.id}-${engine[1]}.npy`);
      const r = convkit([...cliArgs(c, dir, out), ...engine]);
      const why = cliFailure(c, dir, out, r);
      if (why) failures.push(`${c.id} ${engine.join(' ')}: ${why}`);
      outs.push(out);
    }
    if (existsSync(outs[0]) && existsSync(outs[1]))
      assert.deepEqual(readFileSync(outs[0]), readFileSync(outs[1]), `${c.id}: wasm and js files differ`);
  }
  assert.deepEqual(failures, []);
  assert.equal(ours.length, 6);
});

test('bilateral/nlmeans engine flags: bad values get one line, exit 2 and no output file', () => {
  const { dir, cases } = loadSuite('filters');
  const c = cases.find((k) => k.op === 'nlmeans')!;
  const out = join(work, 'bad.npy');
  const args = c.cli.map((a) => (a === 'IN' ? join(dir, c.input as string) : a === 'OUT' ? out : a));
  for (const [flag, value, msg] of [
    ['--threads', '0', 'Expected an integer from 1 to 64 for --threads, got "0"'],
    ['--backend', 'gpu', 'for --backend, got "gpu"'],
  ]) {
    const r = convkit([...args, flag, value]);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(msg), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(out), false);
  }
});
