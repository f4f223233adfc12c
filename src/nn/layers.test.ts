// Training layers: gradients against finite differences, and the demos do what they claim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import { parseInlineKernel, flipKernel } from '../kernels/kernel.js';
import {
  AvgPool2d,
  type Batch,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  SGD,
  Sequential,
  softmaxCrossEntropy,
} from './layers.js';
import { learnKernel, lossCurveSvg, seededRandom, shapesDataset, trainShapes } from './demos.js';

test('a small CNN: backpropagated gradients equal finite differences of the cross-entropy', () => {
  const random = seededRandom(42);
  const model = new Sequential([
    new Conv2d(2, 3, 3, { padding: 1, stride: 1, random }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(3, 4, [2, 3], { dilation: [1, 2], groups: 1, random }),
    new AvgPool2d(1),
    new Flatten(),
    new Linear(4 * 3 * 1, 3, random),
  ]);
  const x = ndarray(
    Float32Array.from({ length: 2 * 2 * 8 * 10 }, () => random() * 2 - 1),
    [2, 2, 8, 10],
  ) as Batch;
  const labels = [2, 0];
  const loss = () => softmaxCrossEntropy(model.forward(x), labels).loss;
  model.zeroGrad();
  const out = softmaxCrossEntropy(model.forward(x, true), labels);
  model.backward(out.grad);
  let checked = 0;
  for (const p of model.params()) {
    for (let t = 0; t < 3; t++) {
      const k = Math.floor(random() * p.value.length);
      const old = p.value[k];
      const eps = 1e-2;
      p.value[k] = old + eps;
      const up = loss();
      p.value[k] = old - eps;
      const down = loss();
      p.value[k] = old;
      const numeric = (up - down) / (2 * eps);
      // float32 forward passes: finite differences are good to about 1e-3 here.
      assert.ok(
        Math.abs(numeric - p.grad[k]) <= 2e-3 + 2e-2 * Math.abs(numeric),
        `${p.name}[${k}]: ${numeric} vs ${p.grad[k]}`,
      );
      checked++;
    }
  }
  assert.equal(checked, 3 * 6);
});

test('softmax cross-entropy of large logits does not overflow; SGD moves against the gradient', () => {
  const logits = ndarray(Float32Array.from([1000, 0, -1000, 0]), [2, 2]) as Batch;
  const r = softmaxCrossEntropy(logits, [1, 1]);
  assert.ok(Number.isFinite(r.loss));
  assert.ok(Math.abs(r.loss - (0 + 1000) / 2) < 1e-3);
  assert.equal(r.correct, 1);
  const lin = new Linear(1, 1);
  lin.weight.value[0] = 1;
  lin.weight.grad[0] = 2;
  new SGD(lin.params(), 0.5).step();
  assert.equal(lin.weight.value[0], 0);
});

test('issue-8 learn-kernel: targets made by convolution are learned FLIPPED, by correlation as is', () => {
  for (const text of ['-1 0 1; -2 0 2; -1 0 1', '1 2 0; 0 -1 3']) {
    const h = parseInlineKernel(text);
    const conv = learnKernel(h, { targets: 'convolve', steps: 300 });
    assert.ok(conv.errorVsFlipped < 1e-3, `${text}: convolve → ${conv.errorVsFlipped}`);
    assert.ok(conv.errorVsHidden > 0.5);
    const corr = learnKernel(h, { targets: 'correlate', steps: 300 });
    assert.ok(corr.errorVsHidden < 1e-3, `${text}: correlate → ${corr.errorVsHidden}`);
    assert.deepEqual(
      Array.from(flipKernel(corr.learned).data, (v) => Math.round(v) + 0),
      Array.from(conv.learned.data, (v) => Math.round(v) + 0),
    );
  }
});

test('shapes: a short training run separates the classes of a held-out set', () => {
  const data = shapesDataset(12, 16, 3);
  assert.deepEqual(data.images.shape, [12, 1, 16, 16]);
  assert.ok(data.labels.every((l) => l >= 0 && l < 6));
  const r = trainShapes({ trainCount: 900, testCount: 300, epochs: 3, seed: 5 });
  assert.ok(r.testAccuracy >= 0.9, `test accuracy ${r.testAccuracy}`);
  assert.ok(r.losses[r.losses.length - 1] < r.losses[0]);
  const svg = lossCurveSvg(r.losses, 'loss <&>', 29);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /loss &lt;&amp;>/);
});
