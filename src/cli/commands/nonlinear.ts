/** `convkit median`, `convkit bilateral` and `convkit nlmeans`: the non-linear filters. */
import type { Command } from 'commander';
import { BORDER_MODES, BORDER_PICTOGRAMS } from '../../border/border.js';
import { readArray, writeArray } from '../../io/node.js';
import { MEDIAN_METHODS, type MedianMethod, medianFilter } from '../../nonlinear/median.js';
import { bilateralFilter } from '../../nonlinear/bilateral.js';
import { type ChannelOrder, nlMeans } from '../../nonlinear/nlmeans.js';
import { invalidArgument } from '../../core/errors.js';
import { registerFlag } from '../errors.js';
import { parseChoice, parseFloatFlag, parseIntFlag, parseSize } from '../parse.js';
import { terminalProgress } from '../progress.js';
import { parseQuality } from './linear.js';
import { type EngineFlags, addEngineOptions, engineFlags } from '../engine.js';

const BORDERS = `Border modes, shown on a row a b c d:
${BORDER_MODES.map((m) => `  ${m.padEnd(10)} ${BORDER_PICTOGRAMS[m]}`).join('\n')}`;

const MEDIAN_HELP = `
The median of each window: sort the kw×kh values around a pixel and take the middle one.
  y[m, n] = element of rank ⌊kw·kh/2⌋ (0-based) of X[m + i − ⌊kh/2⌋, n + j − ⌊kw/2⌋],
            0 ≤ i < kh, 0 ≤ j < kw   (X = the image extended by --border)
Odd sizes: the window is centred and this is the true median (OpenCV medianBlur).
Even sizes: the anchor is (⌊kh/2⌋, ⌊kw/2⌋), the lower-right of the centre four, and the
  element is the upper of the two middle ones (SciPy median_filter).
Removes salt-and-pepper noise and keeps edges; every channel is filtered on its own.
Exact for every dtype (uint8, uint16, float32, float64); NaN in a window gives NaN.
Default border: replicate (OpenCV medianBlur); SciPy's median_filter uses symmetric.
Methods (same result, different speed): network (3×3, 5×5), histogram (uint8, constant
time per pixel), simd (uint8: those two on WebAssembly SIMD, on all cores), select (any
size and dtype); auto picks by dtype and size (simd for uint8 where it runs).

${BORDERS}`;

interface MedianFlags extends EngineFlags {
  ksize: string;
  border: string;
  cval?: string;
  method: string;
  output: string;
  quality?: string;
}

function registerMedian(program: Command): void {
  const cmd = program
    .command('median')
    .summary('Median filter: the middle value of each window (removes salt-and-pepper noise).')
    .description(
      'Median filter: the middle value of each window (removes salt-and-pepper noise).\n\nIN and OUT are .npy, PNG or JPEG files (by extension).',
    )
    .argument('<IN>', 'input image or signal')
    .requiredOption('--ksize <N|WxH>', 'window: N for N×N, or width x height (e.g. 5x3)')
    .option('-b, --border <B>', `border mode: ${BORDER_MODES.join(', ')} or an alias`, 'replicate')
    .option('--cval <V>', 'value outside the image for --border constant (default 0)')
    .option('--method <M>', `${MEDIAN_METHODS.join(', ')} (all give the same result)`, 'auto')
    .option('--quality <Q>', 'JPEG output quality 1..100', '92')
    .requiredOption('-o, --output <OUT>', 'output file (.npy, .png, .jpg)')
    .addHelpText('after', MEDIAN_HELP);
  addEngineOptions(cmd, { backend: false }).action(async (inPath: string, flags: MedianFlags) => {
    const [w, h] = parseSize(
      '--ksize',
      flags.ksize,
      'N or WxH (width x height) with positive integers, e.g. 5 or 5x3',
    );
    const method = parseChoice<MedianMethod>('--method', flags.method, MEDIAN_METHODS);
    const { threads } = engineFlags(flags);
    const cval = flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval);
    const quality = parseQuality(flags.quality);
    const input = await readArray(inPath);
    const progress = terminalProgress('median');
    const ksize: number | [number, number] = /[xX×*]/.test(flags.ksize) ? [w, h] : w;
    const out = medianFilter(input, ksize, {
      border: flags.border,
      cval,
      method,
      threads,
      onProgress: progress.onProgress,
    });
    progress.done();
    await writeArray(flags.output, out, { quality });
  });
}

function parsePositive(flag: string, text: string): number {
  const v = parseFloatFlag(flag, text, 'a finite number > 0');
  if (v <= 0) invalidArgument(flag, 'a finite number > 0', text);
  return v;
}

const BILATERAL_HELP = `
An edge-preserving blur (OpenCV bilateralFilter): each output is a weighted mean of the
pixels within a disc, where a neighbour counts less the farther it is and the more its
colour differs:
  y[p] = Σ_q w(p,q)·x[q] / Σ_q w(p,q)        over |q − p| ≤ r (pixels, Euclidean)
  w(p,q) = exp(−|q−p|² / (2·SS²)) · exp(−D² / (2·SC²))
  D = Σ over channels |x_c[q] − x_c[p]|      (L1 colour distance, in grey levels)
What the parameters mean:
  --diameter D     the disc's width in pixels: radius r = ⌊D/2⌋ (D = 9 → r = 4, 49 pixels).
                   D ≤ 0: r = round(1.5·SS). An even D acts as D+1.
  --sigma-color SC in grey levels of the input (uint8: 0–255; uint16: 0–65535; float: its
                   own units). A neighbour SC levels away (summed over channels) weighs
                   e^−½ ≈ 0.61 as much as an identical one; at 2·SC, 0.14; at 3·SC, 0.01.
                   Small (10): only near-identical colours mix, edges stay sharp; large
                   (150): behaves like a Gaussian blur.
  --sigma-space SS in pixels: a neighbour SS pixels away weighs e^−½ of the centre.
uint8 results are identical to OpenCV's (its float32 weights and sums are reproduced);
float images use OpenCV's interpolated table of 4096 bins per channel. NaN or ±Infinity in
a disc gives NaN (OpenCV skips NaN neighbours). Every channel counts in D, alpha included.
Default border: mirror (OpenCV's default, BORDER_REFLECT_101).

${BORDERS}`;

interface BilateralFlags extends EngineFlags {
  diameter: string;
  sigmaColor: string;
  sigmaSpace: string;
  border: string;
  cval?: string;
  output: string;
  quality?: string;
}

function registerBilateral(program: Command): void {
  const cmd = program
    .command('bilateral')
    .summary('Bilateral filter: smooths flat regions and keeps edges (OpenCV bilateralFilter).')
    .description(
      'Bilateral filter: smooths flat regions and keeps edges (OpenCV bilateralFilter).\n\nIN and OUT are .npy, PNG or JPEG files (by extension).',
    )
    .argument('<IN>', 'input image')
    .requiredOption('--diameter <D>', 'disc width in pixels (radius ⌊D/2⌋); ≤ 0: from --sigma-space')
    .requiredOption('--sigma-color <SC>', 'colour sigma in grey levels (e.g. 75 for uint8)')
    .requiredOption('--sigma-space <SS>', 'space sigma in pixels (e.g. 75; matters up to the radius)')
    .option('-b, --border <B>', `border mode: ${BORDER_MODES.join(', ')} or an alias`, 'mirror')
    .option('--cval <V>', 'value outside the image for --border constant (default 0)')
    .option('--quality <Q>', 'JPEG output quality 1..100', '92')
    .requiredOption('-o, --output <OUT>', 'output file (.npy, .png, .jpg)')
    .addHelpText('after', BILATERAL_HELP);
  addEngineOptions(cmd).action(async (inPath: string, flags: BilateralFlags) => {
    const diameter = parseIntFlag(
      '--diameter',
      flags.diameter,
      -Infinity,
      'an integer (≤ 0: from --sigma-space)',
    );
    const sc = parsePositive('--sigma-color', flags.sigmaColor);
    const ss = parsePositive('--sigma-space', flags.sigmaSpace);
    const cval = flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval);
    const quality = parseQuality(flags.quality);
    const engine = engineFlags(flags);
    const input = await readArray(inPath);
    const progress = terminalProgress('bilateral');
    const out = bilateralFilter(input, diameter, sc, ss, {
      border: flags.border,
      cval,
      onProgress: progress.onProgress,
      ...engine,
    });
    progress.done();
    await writeArray(flags.output, out, { quality });
  });
}

const NLMEANS_HELP = `
Non-local means denoising (OpenCV fastNlMeansDenoising / fastNlMeansDenoisingColored): each
pixel becomes a weighted mean of the pixels in the S×S search window around it, weighted by
how alike their T×T neighbourhoods (templates) are:
  y[p] = Σ_q w(p,q)·x[q] / Σ_q w(p,q)
  w(p,q) = exp(−d / (H²·C)),  d ≈ mean over the template and the C channels of (x[p+t] − x[q+t])²
What the parameters mean:
  --h H          strength in grey levels: a patch differing by H levels per pixel (RMS) weighs
                 e^−1 of an identical one; ~3 keeps detail, ~10 cleans σ≈15 noise, 20+ paints.
  --h-color HC   the same for the colour (a*, b*) channels of uint8 colour images (default H).
  --template T   patch size, odd (default 7).  --search S   search window, odd, ≥ T (default 21);
                 the time grows with S² (21: 441 patch comparisons per pixel).
uint8 results are identical to OpenCV's (integer weights, its rounding and the 0.001 cutoff);
uint8 colour is denoised in OpenCV's 8-bit L*a*b* (L with H, a*b* with HC). Channel order of
colour images (--channel-order): PNG/JPEG files are RGB, .npy arrays are taken as OpenCV's
BGR (auto); a 4th channel (alpha) is kept. uint16 works the same with float64 sums and all
channels compared together. Border: mirror (OpenCV BORDER_REFLECT_101).`;

interface NlmeansFlags extends EngineFlags {
  h: string;
  hColor?: string;
  template: string;
  search: string;
  channelOrder: string;
  output: string;
  quality?: string;
}

function registerNlmeans(program: Command): void {
  const cmd = program
    .command('nlmeans')
    .summary('Non-local means denoising (OpenCV fastNlMeansDenoising, colour in L*a*b*).')
    .description(
      'Non-local means denoising (OpenCV fastNlMeansDenoising, colour in L*a*b*).\n\nIN and OUT are .npy, PNG or JPEG files (by extension); uint8 or uint16.',
    )
    .argument('<IN>', 'input image (uint8 or uint16)')
    .requiredOption('--h <H>', 'filter strength in grey levels (e.g. 10)')
    .option('--h-color <HC>', 'strength for colour (a*, b*) of uint8 colour images (default: --h)')
    .option('--template <T>', 'template (patch) size, odd', '7')
    .option('--search <S>', 'search window size, odd, ≥ template', '21')
    .option('--channel-order <O>', 'auto (PNG/JPEG: rgb, .npy: bgr), rgb or bgr', 'auto')
    .option('--quality <Q>', 'JPEG output quality 1..100', '92')
    .requiredOption('-o, --output <OUT>', 'output file (.npy, .png, .jpg)')
    .addHelpText('after', NLMEANS_HELP);
  addEngineOptions(cmd).action(async (inPath: string, flags: NlmeansFlags) => {
    const h = parsePositive('--h', flags.h);
    const hColor = flags.hColor === undefined ? undefined : parsePositive('--h-color', flags.hColor);
    const odd = 'an odd integer ≥ 1';
    const templateSize = parseIntFlag('--template', flags.template, 1, odd);
    const searchSize = parseIntFlag('--search', flags.search, 1, odd);
    const order = parseChoice('--channel-order', flags.channelOrder, ['auto', 'rgb', 'bgr'] as const);
    const channelOrder: ChannelOrder =
      order === 'auto' ? (/\.(png|jpe?g)$/i.test(inPath) ? 'rgb' : 'bgr') : order;
    const quality = parseQuality(flags.quality);
    const engine = engineFlags(flags);
    const input = await readArray(inPath);
    const progress = terminalProgress('nlmeans');
    const out = nlMeans(input, h, {
      hColor,
      templateSize,
      searchSize,
      channelOrder,
      onProgress: progress.onProgress,
      ...engine,
    });
    progress.done();
    await writeArray(flags.output, out, { quality });
  });
}

export function registerNonlinearCommands(program: Command): void {
  registerFlag('ksize', '--ksize');
  registerFlag('diameter', '--diameter');
  registerFlag('sigmaColor', '--sigma-color');
  registerFlag('sigmaSpace', '--sigma-space');
  registerFlag('h', '--h');
  registerFlag('hColor', '--h-color');
  registerFlag('templateSize', '--template');
  registerFlag('searchSize', '--search');
  registerFlag('channelOrder', '--channel-order');
  registerFlag('input.dtype', 'IN');
  registerFlag('onProgress', '--progress');
  registerMedian(program);
  registerBilateral(program);
  registerNlmeans(program);
}
