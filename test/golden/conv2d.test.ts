// The `conv2d` golden suite (PyTorch 1.13, float64) and the project's own `conv2d-extra`
// (PyTorch, made by make-conv2d-extra.py) through the library API, on every plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { conv2d, conv2dBackward, convTranspose2d } from '../../src/nn/index.js';
import type { Padding, Pair } from '../../src/nn/geometry.js';
import { loadNpy, loadSuite, mismatch } from '../helpers.js';

for (const suite of ['conv2d', 'conv2d-extra']) {
  const { dir, cases } = loadSuite(suite);
  const load = (name: unknown) => loadNpy(join(dir, name as string));
  for (const method of ['gemm', 'winograd', 'direct'] as const) {
    for (const c of cases) {
      const geometry = `stride=${c.stride} padding=${c.padding} dilation=${c.dilation ?? 1} groups=${c.groups ?? 1}`;
      const w0 = load(c.weight);
      const k3s1 =
        w0.shape[2] === 3 &&
        w0.shape[3] === 3 &&
        `${c.stride}` === '1,1' &&
        `${c.dilation ?? '1,1'}` === '1,1';
      if (method === 'winograd' && !k3s1) continue;
      test(`${suite}/${c.id} ${c.op} ${geometry} ${method}`, () => {
        const x = load(c.input);
        const w = load(c.weight);
        const b = c.bias ? load(c.bias) : null;
        if (c.op === 'conv-transpose2d') {
          const y = convTranspose2d(x, w, b, {
            stride: c.stride as Pair,
            padding: c.padding as Pair,
            outputPadding: c.output_padding as Pair,
            dilation: c.dilation as Pair,
            groups: c.groups as number,
            method,
          });
          assert.equal(mismatch(y, load(c.expected), c.tolerance), null);
          return;
        }
        const options = {
          stride: c.stride as Pair,
          padding: c.padding as Padding,
          dilation: c.dilation as Pair,
          groups: c.groups as number,
          method,
        };
        assert.equal(mismatch(conv2d(x, w, b, options), load(c.expected), c.tolerance), null, 'forward');
        const grads = conv2dBackward(x, w, load(c.grad_output), options);
        assert.equal(
          mismatch(grads.gradInput!, load(c.expected_grad_input), c.tolerance),
          null,
          'grad_input',
        );
        assert.equal(
          mismatch(grads.gradWeight!, load(c.expected_grad_weight), c.tolerance),
          null,
          'grad_weight',
        );
        if (c.expected_grad_bias)
          assert.equal(mismatch(grads.gradBias!, load(c.expected_grad_bias), c.tolerance), null, 'grad_bias');
      });
    }
  }
}
