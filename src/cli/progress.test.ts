import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalProgress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, write: (s: string) => written.push(s) > 0, written };
}

test('progress: nothing at all when stderr is not a terminal', () => {
  const s = fakeStream(false);
  const p = terminalProgress('median', s, 0);
  assert.equal(p.onProgress, undefined);
  p.done();
  assert.deepEqual(s.written, []);
});

test('progress: percentages on one line, each shown once, cleared at the end', () => {
  const s = fakeStream(true);
  const p = terminalProgress('nlmeans', s, 0);
  for (const f of [0.1, 0.101, 0.5, 1]) p.onProgress!(f);
  p.done();
  assert.deepEqual(s.written, [
    '\rnlmeans  10%',
    '\rnlmeans  50%',
    '\rnlmeans 100%',
    `\r${' '.repeat(12)}\r`,
  ]);
});

test('progress: quiet during the first second, so short runs print nothing', () => {
  const s = fakeStream(true);
  const p = terminalProgress('median', s);
  p.onProgress!(0.5);
  p.done();
  assert.deepEqual(s.written, []);
});
