/**
 * The two training demos behind `convkit demo`:
 *
 * - learnKernel: a single conv2d layer (a cross-correlation, as in every CNN library)
 *   learns to reproduce images filtered by a hidden kernel. When the targets were made
 *   by true *convolution* the learned weights come out flipped in both axes; when they
 *   were made by *correlation* they come out as the hidden kernel itself.
 * - trainShapes: a small CNN learns to tell generated bars, crosses and rings apart.
 */
import { ndarray } from '../core/ndarray.js';
import { mulberry32 } from '../core/random.js';
import { type Kernel, flipKernel } from '../kernels/kernel.js';
import { convolve, correlate } from '../linear/correlate.js';
import {
  Adam,
  type Batch,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  meanSquaredError,
  softmaxCrossEntropy,
} from './layers.js';

/** A seeded generator: the demos are reproducible. */
export const seededRandom = mulberry32;

export interface LearnKernelOptions {
  /** How the training targets are made from random images with the hidden kernel. */
  targets: 'convolve' | 'correlate';
  /** Number of training images (default 16) and their side (default 24). */
  images?: number;
  size?: number;
  /** Adam steps on the full batch (default 300) and learning rate (default 0.05). */
  steps?: number;
  learningRate?: number;
  seed?: number;
}

export interface LearnKernelResult {
  readonly hidden: Kernel;
  readonly learned: Kernel;
  /** max |learned − hidden| and max |learned − flip(hidden)|. */
  readonly errorVsHidden: number;
  readonly errorVsFlipped: number;
  readonly finalLoss: number;
  readonly milliseconds: number;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Trains one bias-free conv2d layer (valid, stride 1) by gradient descent on the mean
 * squared error so that conv2d(image) reproduces target(image), where target is
 * convkit's `convolve` or `correlate` with the hidden kernel (shape valid, so the
 * border plays no part).
 */
export function learnKernel(hidden: Kernel, options: LearnKernelOptions): LearnKernelResult {
  const start = performance.now();
  const random = seededRandom(options.seed ?? 1);
  const count = options.images ?? 16;
  const size = Math.max(options.size ?? 24, hidden.rows + 2, hidden.cols + 2);
  const oh = size - hidden.rows + 1;
  const ow = size - hidden.cols + 1;
  const x = new Float32Array(count * size * size);
  const target = new Float32Array(count * oh * ow);
  const make = options.targets === 'convolve' ? convolve : correlate;
  for (let n = 0; n < count; n++) {
    const img = new Float64Array(size * size);
    for (let i = 0; i < img.length; i++) img[i] = random() * 2 - 1;
    x.set(img, n * size * size);
    const t = make(ndarray(img, [size, size]), hidden, { shape: 'valid' });
    target.set(t.data, n * oh * ow);
  }
  const layer = new Conv2d(1, 1, [hidden.rows, hidden.cols], { bias: false, random });
  // Start near zero: the layer has no preference for either orientation.
  for (let i = 0; i < layer.weight.value.length; i++) layer.weight.value[i] *= 0.01;
  const model = new Sequential([layer]);
  const opt = new Adam(model.params(), options.learningRate ?? 0.05);
  const input = ndarray(x, [count, 1, size, size]) as Batch;
  let loss = Infinity;
  for (let step = 0; step < (options.steps ?? 300); step++) {
    model.zeroGrad();
    const y = model.forward(input, true);
    const l = meanSquaredError(y, target);
    loss = l.loss;
    model.backward(l.grad);
    opt.step();
  }
  const learned: Kernel = {
    data: Float64Array.from(layer.weight.value),
    rows: hidden.rows,
    cols: hidden.cols,
  };
  return {
    hidden,
    learned,
    errorVsHidden: maxDiff(learned.data, hidden.data),
    errorVsFlipped: maxDiff(learned.data, flipKernel(hidden).data),
    finalLoss: loss,
    milliseconds: performance.now() - start,
  };
}

export const SHAPE_CLASSES = [
  'horizontal bar',
  'vertical bar',
  'diagonal \\',
  'diagonal /',
  'cross +',
  'ring',
] as const;

/** Intensity of a soft line of half-width r at distance d: 1 inside, fading over one pixel. */
const soft = (d: number, r: number) => Math.max(0, Math.min(1, r + 0.5 - d));

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/**
 * A labelled set of size×size gray images (N×1×size×size, float32): bars at four
 * orientations (±10° jitter), crosses and rings, at random places, lengths, widths and
 * contrasts, on a noisy background.
 */
export function shapesDataset(
  count: number,
  size: number,
  seed: number,
): { images: Batch; labels: Int32Array } {
  const random = seededRandom(seed);
  const data = new Float32Array(count * size * size);
  const labels = new Int32Array(count);
  const jitter = () => ((random() - 0.5) * 20 * Math.PI) / 180;
  for (let n = 0; n < count; n++) {
    const label = Math.floor(random() * SHAPE_CLASSES.length);
    labels[n] = label;
    const cx = size * (0.35 + 0.3 * random());
    const cy = size * (0.35 + 0.3 * random());
    const half = size * (0.22 + 0.15 * random());
    const r = 0.5 + 0.6 * random();
    const contrast = 0.6 + 0.4 * random();
    const background = 0.2 * random();
    const angles = [0, Math.PI / 2, Math.PI / 4, -Math.PI / 4];
    const segments: number[][] = [];
    const bar = (angle: number) => {
      const ux = Math.cos(angle) * half;
      const uy = Math.sin(angle) * half;
      segments.push([cx - ux, cy - uy, cx + ux, cy + uy]);
    };
    if (label < 4) bar(angles[label] + jitter());
    else if (label === 4) {
      const a = jitter();
      bar(a);
      bar(a + Math.PI / 2);
    }
    const radius = half * 0.8;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let v = 0;
        if (label === 5) v = soft(Math.abs(Math.hypot(x - cx, y - cy) - radius), r);
        for (const [ax, ay, bx, by] of segments)
          v = Math.max(v, soft(segmentDistance(x, y, ax, ay, bx, by), r));
        const noise = (random() + random() + random() - 1.5) * 0.15;
        data[(n * size + y) * size + x] = background + contrast * v + noise;
      }
    }
  }
  return { images: ndarray(data, [count, 1, size, size]) as Batch, labels };
}

export interface ShapesOptions {
  trainCount?: number;
  testCount?: number;
  size?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Called after every batch with the epoch, the batch, batches per epoch and the loss. */
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
}

export interface ShapesResult {
  readonly model: Sequential;
  readonly losses: number[];
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly milliseconds: number;
  readonly description: string;
}

function slice(images: Batch, labels: Int32Array, order: Int32Array, from: number, to: number) {
  const [, c, h, w] = images.shape;
  const plane = c * h * w;
  const data = new Float32Array((to - from) * plane);
  const lab = new Int32Array(to - from);
  for (let k = from; k < to; k++) {
    data.set(images.data.subarray(order[k] * plane, (order[k] + 1) * plane), (k - from) * plane);
    lab[k - from] = labels[order[k]];
  }
  return { x: ndarray(data, [to - from, c, h, w]) as Batch, y: lab };
}

function accuracy(model: Sequential, images: Batch, labels: Int32Array): number {
  const order = Int32Array.from(labels, (_, i) => i);
  let correct = 0;
  for (let k = 0; k < labels.length; k += 128) {
    const { x, y } = slice(images, labels, order, k, Math.min(labels.length, k + 128));
    correct += softmaxCrossEntropy(model.forward(x), y).correct;
  }
  return correct / labels.length;
}

/**
 * Trains conv(1→8, 3×3, same) → ReLU → maxpool 2 → conv(8→16, 3×3, same) → ReLU →
 * maxpool 2 → linear(16·(size/4)² → 6) with Adam on generated shapes, and reports the
 * accuracy on a separate generated test set.
 */
export function trainShapes(options: ShapesOptions = {}): ShapesResult {
  const start = performance.now();
  const size = options.size ?? 16;
  const seed = options.seed ?? 1;
  const train = shapesDataset(options.trainCount ?? 3000, size, seed);
  const test = shapesDataset(options.testCount ?? 1000, size, seed + 1_000_003);
  const random = seededRandom(seed + 7);
  const q = Math.floor(Math.floor(size / 2) / 2);
  const model = new Sequential([
    new Conv2d(1, 8, 3, { padding: 'same', random }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 'same', random }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * q * q, SHAPE_CLASSES.length, random),
  ]);
  const opt = new Adam(model.params(), options.learningRate ?? 0.003);
  const batchSize = options.batchSize ?? 32;
  const epochs = options.epochs ?? 6;
  const n = train.labels.length;
  const batches = Math.ceil(n / batchSize);
  const losses: number[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b = 0; b < batches; b++) {
      const { x, y } = slice(
        train.images,
        train.labels,
        order,
        b * batchSize,
        Math.min(n, (b + 1) * batchSize),
      );
      model.zeroGrad();
      const out = softmaxCrossEntropy(model.forward(x, true), y);
      model.backward(out.grad);
      opt.step();
      losses.push(out.loss);
      options.onBatch?.(epoch, b, batches, out.loss);
    }
  }
  return {
    model,
    losses,
    trainAccuracy: accuracy(model, train.images, train.labels),
    testAccuracy: accuracy(model, test.images, test.labels),
    milliseconds: performance.now() - start,
    description: model.layers.map((l) => l.name).join(' → '),
  };
}

/** A line chart of a loss curve (raw and smoothed) as a standalone SVG document. */
export function lossCurveSvg(losses: readonly number[], title: string, perEpoch: number): string {
  const W = 640;
  const H = 360;
  const m = { l: 56, r: 16, t: 36, b: 40 };
  const max = Math.max(...losses.filter(Number.isFinite), 1e-9);
  const X = (i: number) => m.l + (i / Math.max(1, losses.length - 1)) * (W - m.l - m.r);
  const Y = (v: number) => m.t + (1 - Math.min(v, max) / max) * (H - m.t - m.b);
  const path = (vals: readonly number[]) =>
    vals.map((v, i) => `${i ? 'L' : 'M'}${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join('');
  const smooth: number[] = [];
  let s = losses[0] ?? 0;
  for (const v of losses) smooth.push((s = 0.95 * s + 0.05 * v));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = f * max;
    return `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/><text x="${m.l - 6}" y="${Y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`;
  });
  const epochs: string[] = [];
  for (let e = 1; e * perEpoch < losses.length; e++) {
    const x = X(e * perEpoch);
    epochs.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`,
    ...ticks,
    ...epochs,
    `<path d="${path(losses)}" fill="none" stroke="#9ecae1" stroke-width="1"/>`,
    `<path d="${path(smooth)}" fill="none" stroke="#08519c" stroke-width="2"/>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">batch (vertical lines: epochs)</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">cross-entropy loss</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

/** Formats a kernel as rows of fixed-width numbers. */
export function kernelRows(k: Kernel, digits = 2): string[] {
  const rows: string[] = [];
  for (let r = 0; r < k.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < k.cols; c++) {
      const v = k.data[r * k.cols + c];
      cells.push((Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits).padStart(digits + 4));
    }
    rows.push(cells.join(''));
  }
  return rows;
}
