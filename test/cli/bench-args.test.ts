// `npm run bench` takes minutes: its options are checked before anything runs — --help prints
// them, and a wrong option or value is one line on stderr and exit 2, with nothing timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
const bench = (...args: string[]) =>
  spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 20000 });

test('bench --help lists the options and runs nothing', () => {
  for (const flag of ['--help', '-h']) {
    const r = bench(flag);
    assert.equal(r.status, 0, r.stderr);
    for (const option of ['--quick', '--only', '--reps', '--rounds', '--bw', '--no-browser'])
      assert.ok(r.stdout.includes(option), `${flag} lists ${option}`);
    assert.doesNotMatch(r.stdout, /convkit bench —|GB\/s/, 'no run started');
  }
});

test('bench: a wrong option or value is one line naming it, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['--frobnicate'], /--frobnicate/],
    [['--reps', '0'], /--reps 0: expected a positive integer/],
    [['--rounds', '2.5'], /--rounds 2\.5: expected a positive integer/],
    [['--bw', 'fast'], /--bw fast: expected a positive number/],
    [['--reps'], /--reps/],
    // (checked once the workloads are listed: the line names the ones that exist)
    [['--only', 'W1,W99'], /--only W1,W99: no workload W99 \(there are .*W13/],
    [['--only', ','], /--only ,: no workload named \(there are /],
  ];
  for (const [args, message] of cases) {
    const r = bench(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing runs`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], message);
  }
});
