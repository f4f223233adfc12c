/**
 * convkit — the public API. Everything a user imports comes from here; nothing else.
 *
 *   import { correlate, convolve, ndarray } from 'convkit';
 */
export type { DType, AnyTypedArray } from './core/dtypes.js';
export { DTYPES } from './core/dtypes.js';
export type { NDArray, ImageDims } from './core/ndarray.js';
export { ndarray, zeros, imageDims } from './core/ndarray.js';
export { InvalidArgumentError, FormatError, ShapeError } from './core/errors.js';
export type { Rounding } from './core/cast.js';
export { ROUNDINGS, roundHalfEven } from './core/cast.js';
export { decodeNpy, encodeNpy } from './core/npy.js';
export type { BorderMode, Border } from './border/border.js';
export {
  BORDER_MODES,
  BORDER_ALIASES,
  BORDER_PICTOGRAMS,
  borderIndex,
  resolveBorder,
} from './border/border.js';
export type { Kernel, KernelLike } from './kernels/kernel.js';
export { toKernel, flipKernel, scaleKernel, parseInlineKernel } from './kernels/kernel.js';
export type { LinearOptions, OutputShape, AlphaMode } from './linear/correlate.js';
export { correlate, convolve, OUTPUT_SHAPES } from './linear/correlate.js';
export type { Backend, EngineOptions, EngineInfo } from './engine/backend.js';
export { engineInfo, startWorkers, workersReady, MAX_THREADS } from './engine/backend.js';
export { simdReady } from './engine/simd.js';
export { engineArray, releaseEngineArray } from './engine/heap.js';
export { decodePng, encodePng } from './io/png.js';
export { decodeJpeg, encodeJpeg } from './io/jpeg.js';
export type { Gaussian2DOptions } from './kernels/gaussian.js';
export {
  gaussianTaps,
  gaussianTapsTruncated,
  gaussianKernel,
  gaussianFactors,
  gaussianRadius,
  gaussianSigmaForSize,
} from './kernels/gaussian.js';
export type { DerivOptions } from './kernels/derivatives.js';
export {
  sobelTaps,
  sobelFactors,
  sobelKernel,
  scharrFactors,
  scharrKernel,
  prewittKernel,
  laplacianKernel,
  logKernel,
  dogKernel,
} from './kernels/derivatives.js';
export {
  boxKernel,
  binomialTaps,
  binomialKernel,
  sharpenKernel,
  unsharpKernel,
  embossKernel,
  motionKernel,
  diskKernel,
  LECTURE_MASKS,
} from './kernels/presets.js';
export {
  outerKernel,
  transposeKernel,
  normalizeKernel,
  composeKernels,
  composeAnchor,
  kernelSum,
} from './kernels/algebra.js';
export type { Factors } from './kernels/separable.js';
export { separate, displayFactors, SEPARABLE_TOLERANCE } from './kernels/separable.js';
export type { KernelInfo, Symmetry } from './kernels/info.js';
export { kernelInfo } from './kernels/info.js';
export type { NamedKernel, ParamSpec } from './kernels/named.js';
export { NAMED_KERNELS, namedKernel } from './kernels/named.js';
export type { FilterOptions } from './filters/common.js';
export type { GaussianBlurOptions } from './filters/gaussian.js';
export { gaussianBlur } from './filters/gaussian.js';
export type { BoxFilterOptions } from './filters/box.js';
export { boxFilter } from './filters/box.js';
export type { DerivativeOptions, SobelOptions, LaplacianOptions } from './filters/derivatives.js';
export { sobel, scharr, laplacian } from './filters/derivatives.js';
export type { UnsharpOptions } from './filters/sharpen.js';
export { sharpen, unsharpMask } from './filters/sharpen.js';
export type { MedianOptions, MedianMethod } from './nonlinear/median.js';
export { medianFilter, MEDIAN_METHODS } from './nonlinear/median.js';
export type { BilateralOptions, BilateralSpec } from './nonlinear/bilateral.js';
export { bilateralFilter, bilateralSpec } from './nonlinear/bilateral.js';
export type { NlMeansOptions, ChannelOrder } from './nonlinear/nlmeans.js';
export { nlMeans } from './nonlinear/nlmeans.js';
export type { ProgressCallback } from './nonlinear/window.js';
export type {
  Conv2dOptions,
  ConvTranspose2dOptions,
  Conv2dBackwardOptions,
  Conv2dGradients,
  Padding as ConvPadding,
} from './nn/index.js';
export { conv2d, conv2dBackward, convTranspose2d } from './nn/index.js';
export type { Method, LinearPlan } from './linear/plan.js';
export { METHODS, planCorrelate, planConvolve } from './linear/plan.js';
export { fftErrorBound } from './linear/fft.js';
export type { FFTPlan2D, FloatBuffer } from './fft/fft2.js';
export { planFFT, planFFT2 } from './fft/fft2.js';
export { nextFastSize, isFastSize } from './fft/sizes.js';
export type { MatchMethod, MatchOptions, Match } from './match/match.js';
export { MATCH_METHODS, matchTemplate, bestMatches, planMatch, lowerIsBetter } from './match/match.js';
export type { Box, DrawOptions } from './match/draw.js';
export { drawBoxes } from './match/draw.js';
export type {
  ExplainOp,
  ExplainOptions,
  ExplainTerm,
  ExplainValue,
  Explanation,
  SymbolicImage,
  SymbolicKernel,
} from './explain/explain.js';
export { explain } from './explain/explain.js';
export { explanationToJSON, explanationToMarkdown, explanationToText, formulaOf } from './explain/format.js';
export { explanationToSvg } from './explain/svg.js';
export type { KernelWarningContext } from './explain/warnings.js';
export { kernelWarnings, gaussianTruncationWarning, gaussianBlurWarnings } from './explain/warnings.js';
export type { LetterGridOptions } from './explain/borders.js';
export { bordersText, paddedLetterGrid, padImage } from './explain/borders.js';
