/**
 * convkit/nn — CNN layers with PyTorch's meaning: conv2d (a cross-correlation), its
 * gradients, and the transposed convolution.
 *
 *   import { conv2d, conv2dBackward, convTranspose2d } from 'convkit/nn';
 */
export type {
  Conv2dOptions,
  ConvTranspose2dOptions,
  ConvGeometry,
  ConvMethod,
  Pair,
  Padding,
} from './geometry.js';
export { CONV_METHODS, conv2dGeometry, convTranspose2dGeometry, convOutputSize } from './geometry.js';
export type { ConvPlan, Conv2dBackwardOptions, Conv2dGradients } from './conv2d.js';
export { conv2d, conv2dBackward, convTranspose2d, planConv } from './conv2d.js';
export type { Gemm } from './gemm.js';
export { setGemm, gemmBlocked, gemmReference } from './gemm.js';
export type { Batch, Layer, Param, Optimizer } from './layers.js';
export {
  Conv2d,
  ReLU,
  MaxPool2d,
  AvgPool2d,
  Flatten,
  Linear,
  Sequential,
  SGD,
  Adam,
  softmaxCrossEntropy,
  meanSquaredError,
} from './layers.js';
export type { LearnKernelOptions, LearnKernelResult, ShapesOptions, ShapesResult } from './demos.js';
export { learnKernel, trainShapes, shapesDataset, SHAPE_CLASSES, lossCurveSvg } from './demos.js';
