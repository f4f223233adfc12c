// The `match` golden suite (OpenCV 4.6 matchTemplate, all six methods) through the library,
// with the correlation computed both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bestMatches, matchTemplate, type MatchMethod } from '../../src/index.js';
import { loadNpy, loadSuite, mismatch } from '../helpers.js';

const { dir, cases } = loadSuite('match');

test('the match suite has its 18 cases', () => assert.equal(cases.length, 18));

for (const c of cases) {
  for (const correlation of ['direct', 'fft'] as const) {
    test(`match/${c.id} ${c.method} correlation=${correlation}`, () => {
      const image = loadNpy(join(dir, c.input as string));
      const template = loadNpy(join(dir, c.template as string));
      const method = c.method as MatchMethod;
      const got = matchTemplate(image, template, { method, correlation });
      const want = loadNpy(join(dir, c.expected as string));
      assert.equal(mismatch(got, want, c.tolerance), null);
      const [best] = bestMatches(got, method);
      assert.deepEqual([best.row, best.col], c.best_match_row_col);
    });
  }
}
