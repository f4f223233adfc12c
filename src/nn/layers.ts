/**
 * A minimal set of trainable layers on float32 N×C×H×W (or N×F) batches: enough to train
 * small CNNs (see the demos). Each layer keeps what its backward pass needs from the last
 * forward pass; `backward(gy)` returns ∂L/∂x and adds ∂L/∂θ into its parameters' `grad`.
 *
 * Conv2d runs the library's conv2d and conv2dBackward, so training exercises exactly the
 * code the golden suite checks.
 */
import { ShapeError } from '../core/errors.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import { conv2d, conv2dBackward } from './conv2d.js';
import type { Conv2dOptions } from './geometry.js';

export type Batch = NDArray<Float32Array>;

/** A trainable array and its gradient (same length). */
export interface Param {
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float32Array;
}

export interface Layer {
  readonly name: string;
  forward(x: Batch, training: boolean): Batch;
  /** ∂L/∂x from ∂L/∂y; adds to the parameter gradients. `needInput` false skips ∂L/∂x. */
  backward(gy: Batch, needInput: boolean): Batch | null;
  params(): Param[];
}

const batch = (data: Float32Array, shape: readonly number[]): Batch => ndarray(data, shape) as Batch;

function param(name: string, size: number): Param {
  return { name, value: new Float32Array(size), grad: new Float32Array(size) };
}

/** Fills with normal(0, std) values from a uniform generator (Box–Muller). */
export function fillNormal(a: Float32Array, std: number, random: () => number): void {
  for (let i = 0; i < a.length; i++) {
    const u = 1 - random();
    const v = random();
    a[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A conv2d layer (cross-correlation, PyTorch's meaning), He-initialised for ReLU. */
export class Conv2d implements Layer {
  readonly name: string;
  readonly weight: Param;
  readonly bias: Param | null;
  private input: Batch | null = null;
  private readonly shape: [number, number, number, number];

  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number | [number, number],
    readonly options: Conv2dOptions & { bias?: boolean; random?: () => number } = {},
  ) {
    const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    const groups = options.groups ?? 1;
    this.shape = [outChannels, inChannels / groups, kh, kw];
    this.name = `Conv2d(${inChannels}→${outChannels}, ${kh}×${kw})`;
    this.weight = param('weight', outChannels * (inChannels / groups) * kh * kw);
    this.bias = options.bias === false ? null : param('bias', outChannels);
    fillNormal(
      this.weight.value,
      Math.sqrt(2 / ((inChannels / groups) * kh * kw)),
      options.random ?? Math.random,
    );
  }

  private views() {
    const w = batch(this.weight.value, this.shape);
    const b = this.bias ? batch(this.bias.value, [this.bias.value.length]) : null;
    return { w, b };
  }

  forward(x: Batch): Batch {
    this.input = x;
    const { w, b } = this.views();
    return conv2d(x, w, b, this.options) as Batch;
  }

  backward(gy: Batch, needInput: boolean): Batch | null {
    if (!this.input) throw new Error('internal error: Conv2d.backward before forward');
    const { w } = this.views();
    const g = conv2dBackward(this.input, w, gy, {
      ...this.options,
      gradInput: needInput,
      gradBias: this.bias !== null,
    });
    addInto(this.weight.grad, g.gradWeight!.data);
    if (this.bias) addInto(this.bias.grad, g.gradBias!.data);
    return needInput ? (g.gradInput as Batch) : null;
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

function addInto(dst: Float32Array, src: ArrayLike<number>): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}

/** max(x, 0). */
export class ReLU implements Layer {
  readonly name = 'ReLU';
  private mask: Uint8Array | null = null;

  forward(x: Batch): Batch {
    const y = new Float32Array(x.data.length);
    const mask = new Uint8Array(x.data.length);
    for (let i = 0; i < y.length; i++) {
      if (x.data[i] > 0) {
        y[i] = x.data[i];
        mask[i] = 1;
      }
    }
    this.mask = mask;
    return batch(y, x.shape);
  }

  backward(gy: Batch): Batch {
    const gx = new Float32Array(gy.data.length);
    for (let i = 0; i < gx.length; i++) gx[i] = this.mask![i] ? gy.data[i] : 0;
    return batch(gx, gy.shape);
  }

  params(): Param[] {
    return [];
  }
}

/** k×k pooling with stride k (no padding; a trailing partial window is dropped, as PyTorch). */
abstract class Pool2d implements Layer {
  abstract readonly name: string;
  protected inShape: readonly number[] = [];

  constructor(readonly size: number) {}

  protected geometry(shape: readonly number[]) {
    const [n, c, h, w] = shape;
    const oh = Math.floor(h / this.size);
    const ow = Math.floor(w / this.size);
    if (oh < 1 || ow < 1) {
      throw new ShapeError(
        `${this.name}: a ${h}×${w} input is smaller than the ${this.size}×${this.size} window`,
      );
    }
    return { n, c, h, w, oh, ow };
  }

  abstract forward(x: Batch): Batch;
  abstract backward(gy: Batch): Batch;

  params(): Param[] {
    return [];
  }
}

export class MaxPool2d extends Pool2d {
  readonly name = `MaxPool2d(${this.size})`;
  private argmax: Int32Array | null = null;

  forward(x: Batch): Batch {
    const { n, c, h, w, oh, ow } = this.geometry(x.shape);
    this.inShape = x.shape;
    const k = this.size;
    const y = new Float32Array(n * c * oh * ow);
    const arg = new Int32Array(y.length);
    for (let pl = 0; pl < n * c; pl++) {
      const base = pl * h * w;
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          let best = -Infinity;
          let at = base + p * k * w + q * k;
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const idx = base + (p * k + i) * w + q * k + j;
              const v = x.data[idx];
              // NaN wins, so that it propagates as in PyTorch.
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = idx;
                if (Number.isNaN(v)) i = j = k;
              }
            }
          }
          const o = (pl * oh + p) * ow + q;
          y[o] = best;
          arg[o] = at;
        }
      }
    }
    this.argmax = arg;
    return batch(y, [n, c, oh, ow]);
  }

  backward(gy: Batch): Batch {
    const gx = new Float32Array(this.inShape.reduce((a, b) => a * b, 1));
    for (let o = 0; o < gy.data.length; o++) gx[this.argmax![o]] += gy.data[o];
    return batch(gx, this.inShape);
  }
}

export class AvgPool2d extends Pool2d {
  readonly name = `AvgPool2d(${this.size})`;

  forward(x: Batch): Batch {
    const { n, c, h, w, oh, ow } = this.geometry(x.shape);
    this.inShape = x.shape;
    const k = this.size;
    const y = new Float32Array(n * c * oh * ow);
    for (let pl = 0; pl < n * c; pl++) {
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          let s = 0;
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) s += x.data[pl * h * w + (p * k + i) * w + q * k + j];
          y[(pl * oh + p) * ow + q] = s / (k * k);
        }
      }
    }
    return batch(y, [n, c, oh, ow]);
  }

  backward(gy: Batch): Batch {
    const { n, c, h, w, oh, ow } = this.geometry(this.inShape);
    const k = this.size;
    const gx = new Float32Array(n * c * h * w);
    for (let pl = 0; pl < n * c; pl++)
      for (let p = 0; p < oh; p++)
        for (let q = 0; q < ow; q++) {
          const g = gy.data[(pl * oh + p) * ow + q] / (k * k);
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) gx[pl * h * w + (p * k + i) * w + q * k + j] += g;
        }
    return batch(gx, this.inShape);
  }
}

/** N×C×H×W → N×(C·H·W) (a view: C order keeps the data as is). */
export class Flatten implements Layer {
  readonly name = 'Flatten';
  private inShape: readonly number[] = [];

  forward(x: Batch): Batch {
    this.inShape = x.shape;
    const n = x.shape[0];
    return batch(x.data, [n, x.data.length / n]);
  }

  backward(gy: Batch): Batch {
    return batch(gy.data, this.inShape);
  }

  params(): Param[] {
    return [];
  }
}

/** y = x·Wᵀ + b for x N×F, W O×F (PyTorch's Linear). */
export class Linear implements Layer {
  readonly name: string;
  readonly weight: Param;
  readonly bias: Param;
  private input: Batch | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    random: () => number = Math.random,
  ) {
    this.name = `Linear(${inFeatures}→${outFeatures})`;
    this.weight = param('weight', outFeatures * inFeatures);
    this.bias = param('bias', outFeatures);
    fillNormal(this.weight.value, Math.sqrt(1 / inFeatures), random);
  }

  forward(x: Batch): Batch {
    const [n, f] = x.shape;
    if (f !== this.inFeatures) {
      throw new ShapeError(`${this.name}: input has ${f} features per sample; shape [${x.shape.join(', ')}]`);
    }
    this.input = x;
    const o = this.outFeatures;
    const y = new Float32Array(n * o);
    const W = this.weight.value;
    for (let s = 0; s < n; s++)
      for (let k = 0; k < o; k++) {
        let acc = this.bias.value[k];
        for (let i = 0; i < f; i++) acc += x.data[s * f + i] * W[k * f + i];
        y[s * o + k] = acc;
      }
    return batch(y, [n, o]);
  }

  backward(gy: Batch, needInput: boolean): Batch | null {
    const x = this.input!;
    const [n, f] = x.shape;
    const o = this.outFeatures;
    const W = this.weight.value;
    const gW = this.weight.grad;
    const gx = needInput ? new Float32Array(n * f) : null;
    for (let s = 0; s < n; s++)
      for (let k = 0; k < o; k++) {
        const g = gy.data[s * o + k];
        this.bias.grad[k] += g;
        for (let i = 0; i < f; i++) {
          gW[k * f + i] += g * x.data[s * f + i];
          if (gx) gx[s * f + i] += g * W[k * f + i];
        }
      }
    return gx ? batch(gx, x.shape) : null;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }
}

/** Layers applied in order. */
export class Sequential {
  constructor(readonly layers: Layer[]) {}

  forward(x: Batch, training = false): Batch {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y, training);
    return y;
  }

  /** Backpropagates ∂L/∂(output); the first layer's input gradient is not computed. */
  backward(gy: Batch): void {
    let g: Batch | null = gy;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, i > 0);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  zeroGrad(): void {
    for (const p of this.params()) p.grad.fill(0);
  }
}

/**
 * Mean softmax cross-entropy of logits N×K against integer labels, and its gradient
 * (softmax − one-hot) / N. Computed with the max subtracted, so large logits do not overflow.
 */
export function softmaxCrossEntropy(
  logits: Batch,
  labels: ArrayLike<number>,
): { loss: number; grad: Batch; correct: number } {
  const [n, k] = logits.shape;
  const grad = new Float32Array(n * k);
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < n; s++) {
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      if (logits.data[s * k + j] > max) {
        max = logits.data[s * k + j];
        arg = j;
      }
    }
    if (arg === labels[s]) correct++;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits.data[s * k + j] - max);
    const label = labels[s];
    loss += Math.log(sum) - (logits.data[s * k + label] - max);
    for (let j = 0; j < k; j++) {
      const p = Math.exp(logits.data[s * k + j] - max) / sum;
      grad[s * k + j] = (p - (j === label ? 1 : 0)) / n;
    }
  }
  return { loss: loss / n, grad: batch(grad, logits.shape), correct };
}

/** Mean squared error mean((y − t)²) and its gradient 2(y − t)/size. */
export function meanSquaredError(y: Batch, target: ArrayLike<number>): { loss: number; grad: Batch } {
  const size = y.data.length;
  const grad = new Float32Array(size);
  let loss = 0;
  for (let i = 0; i < size; i++) {
    const d = y.data[i] - target[i];
    loss += d * d;
    grad[i] = (2 * d) / size;
  }
  return { loss: loss / size, grad: batch(grad, y.shape) };
}

export interface Optimizer {
  step(): void;
}

/** Stochastic gradient descent with optional momentum (PyTorch's form: v = μv + g; θ −= lr·v). */
export class SGD implements Optimizer {
  private readonly velocity: Float32Array[];

  constructor(
    private readonly params: Param[],
    private readonly lr: number,
    private readonly momentum = 0,
  ) {
    this.velocity = params.map((p) => new Float32Array(p.value.length));
  }

  step(): void {
    this.params.forEach((p, k) => {
      const v = this.velocity[k];
      for (let i = 0; i < p.value.length; i++) {
        v[i] = this.momentum * v[i] + p.grad[i];
        p.value[i] -= this.lr * v[i];
      }
    });
  }
}

/** Adam (Kingma & Ba) with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8. */
export class Adam implements Optimizer {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    private readonly params: Param[],
    private readonly lr = 1e-3,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  step(): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i];
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
        p.value[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    });
  }
}
