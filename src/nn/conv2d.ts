/**
 * conv2d, its backward pass and conv_transpose2d, with PyTorch's meaning and layouts:
 * input N×C×H×W, weight O×(C/G)×kh×kw, output N×O×Ho×Wo, all C order.
 *
 * What deep learning calls "convolution" is cross-correlation (no flip). The flip comes
 * back in the backward pass: the input gradient is a full *convolution* of the output
 * gradient with the same weights (for stride 1; with a stride, of the output gradient
 * spread out by the stride), computed as the transposed convolution; the weight gradient
 * is a valid *cross-correlation* of the (padded) input with the output gradient.
 * See docs/nn.md for a worked example.
 */
import { type DType } from '../core/dtypes.js';
import { ShapeError, invalidArgument } from '../core/errors.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import { simdStatus } from '../engine/simd.js';
import { biasGrad } from './direct.js';
import {
  CONV_METHODS,
  type Conv2dOptions,
  type ConvGeometry,
  type ConvMethod,
  type ConvTranspose2dOptions,
  type FloatArray,
  allocLike,
  checkBatch,
  conv2dGeometry,
  convTranspose2dGeometry,
} from './geometry.js';
import { type PlanMethod, addBias, runForward, runInputGrad, runWeightGrad } from './run.js';
import { winogradApplies } from './winograd.js';

/** Largest scratch matrix (im2col, Winograd tiles) a plan may allocate: 2^27 elements (1 GiB of float64). */
const MAX_SCRATCH = 2 ** 27;

/** The method a plan runs, and why it was chosen. */
export interface ConvPlan {
  readonly method: PlanMethod;
  readonly reason: string;
}

/**
 * Chooses how to compute a convolution of this geometry. With fewer than 4 output and
 * input channels per group (depthwise and near-depthwise convolutions) the plain loops do
 * less work than a matrix product could save. A 3×3 kernel with stride 1 and dilation 1
 * and at least 8 channels per group on both sides goes to Winograd F(2×2, 3×3): 2.25× fewer
 * multiply-adds, and the transforms are paid back. Everything else is im2col + a matrix
 * product.
 */
export function planConv(g: ConvGeometry, method: ConvMethod = 'auto', dtype?: DType): ConvPlan {
  const plan = choosePlan(g, method);
  if (dtype === undefined) return plan;
  // Which arithmetic runs: float32 products on WebAssembly SIMD where the host has it.
  const simd = dtype === 'float32' && plan.method !== 'direct' && simdStatus().available;
  const how = simd
    ? 'float32 on WebAssembly SIMD, f32 sums (within 1e-5 of the largest output)'
    : 'plain TypeScript, float64 sums';
  return { method: plan.method, reason: `${plan.reason}; ${how}` };
}

function choosePlan(g: ConvGeometry, method: ConvMethod): ConvPlan {
  if (!CONV_METHODS.includes(method)) invalidArgument('method', CONV_METHODS.join(', '), method);
  if (method === 'winograd' && !winogradApplies(g)) {
    invalidArgument(
      'method',
      `auto, gemm or direct for a ${g.kh}×${g.kw} kernel with stride ${g.sh},${g.sw} and dilation ${g.dh},${g.dw} (winograd needs 3×3, stride 1, dilation 1)`,
      method,
    );
  }
  const scratch = g.cg * g.kh * g.kw * g.oh * g.ow;
  if (method !== 'direct' && method !== 'auto' && scratch > MAX_SCRATCH) {
    invalidArgument(
      'method',
      `direct or auto when the im2col matrix would hold more than ${MAX_SCRATCH} elements`,
      method,
      `${g.cg * g.kh * g.kw}×${g.oh * g.ow} here`,
    );
  }
  if (method !== 'auto') return { method, reason: 'asked for' };
  if (scratch > MAX_SCRATCH) {
    return {
      method: 'direct',
      reason: `the im2col matrix would hold ${scratch} elements (more than ${MAX_SCRATCH})`,
    };
  }
  if (g.og < 4 && g.cg < 4) {
    return {
      method: 'direct',
      reason: `${g.og} output and ${g.cg} input channel(s) per group: too few for the 4×8 product tile`,
    };
  }
  if (winogradApplies(g) && g.og >= 8 && g.cg >= 8) {
    return {
      method: 'winograd',
      reason: `3×3, stride 1, dilation 1, ${g.cg}→${g.og} channels per group: Winograd F(2×2, 3×3), 16 products of ${g.og}×${g.cg} · ${g.cg}×${((g.oh + 1) >> 1) * ((g.ow + 1) >> 1)} per image and group`,
    };
  }
  return {
    method: 'gemm',
    reason: `im2col + matrix product (${g.og}×${g.cg * g.kh * g.kw} · ${g.cg * g.kh * g.kw}×${g.oh * g.ow} per image and group)`,
  };
}

function checkBias(op: string, bias: NDArray | null | undefined, channels: number): FloatArray | null {
  if (bias === undefined || bias === null) return null;
  checkBatch(op, 'bias', bias, 1);
  if (bias.shape[0] !== channels) {
    throw new ShapeError(
      `${op}: bias has ${bias.shape[0]} values but there are ${channels} output channels; bias [${bias.shape[0]}]`,
    );
  }
  return bias.data;
}

export const floatType = (d: DType) => (d === 'float32' ? 'float32' : 'float64');

/**
 * 2-D convolution as in CNNs (PyTorch's `torch.nn.functional.conv2d`): a
 * **cross-correlation** — the kernel is not flipped — of a batch with a bank of kernels.
 *
 *   y[n, o, p, q] = bias[o] + Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, g·C/G + c, p·sh − pt + i·dh, q·sw − pl + j·dw]
 *
 * Origin: tap (0, 0) of the kernel sits on the output pixel's top-left input pixel (after
 * padding); there is no anchor. Border: zeros (`padding` only; other border modes are for
 * image filters). Output dtype: the input's (float32 or float64); sums run in float64.
 *
 * @param input   N×C×H×W, float32 or float64
 * @param weight  O×(C/G)×kh×kw
 * @param bias    length O, or null
 * @example
 *   const x = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
 *   const w = ndarray(Float64Array.from([1, 0, 0, -1]), [1, 1, 2, 2]);
 *   conv2d(x, w).data;   // [-4, -4, -4, -4]: x[p, q] − x[p+1, q+1]
 *   conv2d(x, w, null, { padding: 'same' }).shape;   // [1, 1, 3, 3]: one more row and column at the bottom/right
 */
export function conv2d(
  input: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: Conv2dOptions = {},
): NDArray {
  const { g, plan, b } = prepareConv2d(input, weight, bias, options);
  const y = allocLike(floatType(input.dtype), g.n * g.o * g.oh * g.ow);
  runForward(plan.method, g, input.data as FloatArray, weight.data as FloatArray, b, y);
  return ndarray(y, [g.n, g.o, g.oh, g.ow]);
}

/** Validates conv2d's arguments; returns the geometry, the plan and the bias data. @internal */
export function prepareConv2d(input: NDArray, weight: NDArray, bias: NDArray | null, options: Conv2dOptions) {
  checkBatch('conv2d', 'input', input);
  checkBatch('conv2d', 'weight', weight);
  const g = conv2dGeometry(input.shape, weight.shape, options);
  const b = checkBias('conv2d', bias, g.o);
  return { g, plan: planConv(g, options.method), b };
}

/** Which gradients conv2dBackward computes (default: all three). */
export interface Conv2dBackwardOptions extends Conv2dOptions {
  gradInput?: boolean;
  gradWeight?: boolean;
  gradBias?: boolean;
}

/** The gradients of a loss L with respect to conv2d's input, weight and bias. */
export interface Conv2dGradients {
  /** ∂L/∂x, N×C×H×W in the input's dtype: a full convolution of gy with w (see docs/nn.md). */
  gradInput?: NDArray;
  /** ∂L/∂w, O×(C/G)×kh×kw in the weight's dtype: a valid cross-correlation of x with gy. */
  gradWeight?: NDArray;
  /** ∂L/∂b, length O in the weight's dtype: the sum of gy over batch and pixels. */
  gradBias?: NDArray;
}

/**
 * conv2d's backward pass: given gy = ∂L/∂y for y = conv2d(x, w, b, options), returns the
 * gradients with respect to x, w and b (as PyTorch's autograd does).
 *
 * - gradInput is the transposed convolution of gy with w — for stride 1 the **full
 *   convolution** (flipped kernel) of gy with w, cropped by the padding;
 * - gradWeight is the **valid cross-correlation** (no flip) of the zero-padded x with gy;
 * - gradBias sums gy.
 *
 * @param gradOutput  N×O×Ho×Wo, the shape conv2d(input, weight) returns
 * @example
 *   // x: 1×1×3×3 = [1..9], w: 1×1×2×2, gy: all ones (the gradient of L = Σ y)
 *   const gy = ndarray(new Float64Array([1, 1, 1, 1]), [1, 1, 2, 2]);
 *   conv2dBackward(x, w, gy).gradWeight.data;   // [12, 16, 24, 28]: gw[i, j] = Σ_p Σ_q x[p + i, q + j]
 */
export function conv2dBackward(
  input: NDArray,
  weight: NDArray,
  gradOutput: NDArray,
  options: Conv2dBackwardOptions = {},
): Conv2dGradients {
  const { g, plan } = prepareConv2dBackward(input, weight, gradOutput, options);
  const out: Conv2dGradients = {};
  const gy = gradOutput.data as FloatArray;
  if (options.gradInput !== false) {
    const gx = allocLike(floatType(input.dtype), input.data.length);
    runInputGrad(plan.method, g, gy, weight.data as FloatArray, gx);
    out.gradInput = ndarray(gx, input.shape);
  }
  if (options.gradWeight !== false) {
    const gw = allocLike(floatType(weight.dtype), weight.data.length);
    runWeightGrad(plan.method, g, input.data as FloatArray, gy, gw);
    out.gradWeight = ndarray(gw, weight.shape);
  }
  if (options.gradBias !== false) {
    const gb = allocLike(floatType(weight.dtype), g.o);
    biasGrad(g, gy, gb);
    out.gradBias = ndarray(gb, [g.o]);
  }
  return out;
}

/** Validates conv2dBackward's arguments; returns the geometry and the plan. @internal */
export function prepareConv2dBackward(
  input: NDArray,
  weight: NDArray,
  gradOutput: NDArray,
  options: Conv2dOptions,
) {
  const op = 'conv2d backward';
  checkBatch(op, 'input', input);
  checkBatch(op, 'weight', weight);
  checkBatch(op, 'gradOutput', gradOutput);
  const g = conv2dGeometry(input.shape, weight.shape, options, op);
  const want = [g.n, g.o, g.oh, g.ow];
  if (gradOutput.shape.some((d, k) => d !== want[k])) {
    throw new ShapeError(
      `${op}: grad_output has shape [${gradOutput.shape.join(', ')}] but conv2d of input [${input.shape.join(', ')}] ` +
        `and weight [${weight.shape.join(', ')}] gives [${want.join(', ')}]`,
    );
  }
  return { g, plan: planConv(g, options.method) };
}

/**
 * Transposed convolution (PyTorch's `torch.nn.functional.conv_transpose2d`), sometimes
 * called "deconvolution": the adjoint of conv2d with the same stride, padding and
 * dilation, i.e. exactly conv2d's input gradient with `input` in the role of the output
 * gradient. Each input pixel scatters a copy of the kernel, scaled by its value, into the
 * output, `stride` pixels apart; `padding` crops the result on every side and
 * `outputPadding` adds rows/columns at the bottom/right.
 *
 *   Ho = (H − 1)·sh − 2·ph + dh·(kh − 1) + oph + 1
 *
 * For stride 1 and padding 0 this is the full **convolution** (flipped kernel) of each
 * input plane with its kernel, summed over input channels. Border: zeros. Output dtype:
 * the input's.
 *
 * @param input   N×C×H×W
 * @param weight  C×(O/G)×kh×kw (note: in-channels first, as PyTorch)
 * @param bias    length O, or null
 * @example
 *   const x = ndarray(Float64Array.from([1, 2]), [1, 1, 1, 2]);
 *   const w = ndarray(Float64Array.from([1, 10]), [1, 1, 1, 2]);
 *   convTranspose2d(x, w).data;   // [1, 12, 20]
 */
export function convTranspose2d(
  input: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: ConvTranspose2dOptions = {},
): NDArray {
  const { g, plan, b } = prepareConvTranspose2d(input, weight, bias, options);
  const y = allocLike(floatType(input.dtype), g.n * g.c * g.h * g.w);
  runInputGrad(plan.method, g, input.data as FloatArray, weight.data as FloatArray, y);
  if (b) addBias(y, b, g.n, g.c, g.h * g.w);
  return ndarray(y, [g.n, g.c, g.h, g.w]);
}

/** Validates convTranspose2d's arguments; returns the geometry, the plan and the bias data. @internal */
export function prepareConvTranspose2d(
  input: NDArray,
  weight: NDArray,
  bias: NDArray | null,
  options: ConvTranspose2dOptions,
) {
  const op = 'conv_transpose2d';
  checkBatch(op, 'input', input);
  checkBatch(op, 'weight', weight);
  const g = convTranspose2dGeometry(input.shape, weight.shape, options, op);
  const b = checkBias(op, bias, g.c);
  return { g, plan: planConv(g, options.method), b };
}
