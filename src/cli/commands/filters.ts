/** `convkit gaussian | box | sobel | scharr | laplacian | sharpen | unsharp`: named linear filters. */
import type { Command } from 'commander';
import { BORDER_MODES, BORDER_PICTOGRAMS } from '../../border/border.js';
import { ROUNDINGS, type Rounding } from '../../core/cast.js';
import { DTYPES, type DType } from '../../core/dtypes.js';
import { invalidArgument } from '../../core/errors.js';
import type { NDArray } from '../../core/ndarray.js';
import { readArray, writeArray } from '../../io/node.js';
import { METHODS, type Method } from '../../linear/plan.js';
import type { FilterOptions } from '../../filters/common.js';
import { gaussianBlur } from '../../filters/gaussian.js';
import { boxFilter } from '../../filters/box.js';
import { laplacian, scharr, sobel } from '../../filters/derivatives.js';
import { sharpen, unsharpMask } from '../../filters/sharpen.js';
import { registerFlag } from '../errors.js';
import { type EngineFlags, addEngineOptions, engineFlags } from '../engine.js';
import { parseChoice, parseFloatFlag, parseIntFlag, parseSize } from '../parse.js';
import { parseQuality } from './linear.js';
import { gaussianBlurWarnings } from '../../explain/warnings.js';
import { type WarningFlags, printWarnings } from '../warnings.js';

for (const [option, flag] of [
  ['ksize', '--ksize'],
  ['sigma', '--sigma'],
  ['sigmaY', '--sigma-y'],
  ['sigma2', '--sigma2'],
  ['truncate', '--truncate'],
  ['dx', '--dx'],
  ['dy', '--dy'],
  ['scale', '--scale'],
  ['delta', '--delta'],
  ['normalize', '--normalize'],
  ['amount', '--amount'],
  ['threshold', '--threshold'],
  ['radius', '--radius'],
  ['length', '--length'],
  ['angle', '--angle'],
  ['strength', '--strength'],
  ['order', '--dx/--dy'],
] as const)
  registerFlag(option, flag);

interface CommonFlags extends EngineFlags {
  border?: string;
  cval?: string;
  dtype?: string;
  rounding: string;
  alpha?: string;
  method: string;
  explainPlan?: boolean;
  output: string;
  quality?: string;
}

const BORDERS_HELP = `Border modes, shown on a row a b c d:
${BORDER_MODES.map((m) => `  ${m.padEnd(10)} ${BORDER_PICTOGRAMS[m]}`).join('\n')}
Integer outputs round half to even (or --rounding) and saturate to the type's range.`;

function common(
  cmd: Command,
  borderDefault: string,
  dtypeDefault: string,
  alphaDefault: string,
  derivative = false,
): Command {
  if (derivative) scaleDelta(cmd);
  return addEngineOptions(cmd)
    .option(
      '-b, --border <B>',
      `border mode: ${BORDER_MODES.join(', ')} or an alias (default: ${borderDefault})`,
    )
    .option('--cval <V>', 'value outside the image for --border constant (default 0)')
    .option('--dtype <T>', `output dtype: uint8, uint16, float32, float64 (default: ${dtypeDefault})`)
    .option(
      '--rounding <R>',
      'integer rounding: half-even, half-away (MATLAB), truncate (sharp/jimp)',
      'half-even',
    )
    .option('--alpha <A>', `RGBA/gray+alpha: premultiply or separate (default: ${alphaDefault})`)
    .option('--method <M>', `execution method: ${METHODS.join(', ')} (all give the same result)`, 'auto')
    .option('--explain-plan', 'print the chosen execution plan and why on stderr')
    .option('--quality <Q>', 'JPEG output quality 1..100', '92')
    .requiredOption('-o, --output <OUT>', 'output file (.npy, .png, .jpg)')
    .addHelpText('after', `\n${BORDERS_HELP}`);
}

function commonOptions(flags: CommonFlags): FilterOptions {
  return {
    border: flags.border,
    cval: flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval),
    dtype: flags.dtype === undefined ? undefined : parseChoice<DType>('--dtype', flags.dtype, DTYPES),
    rounding: parseChoice<Rounding>('--rounding', flags.rounding, ROUNDINGS),
    alpha:
      flags.alpha === undefined
        ? undefined
        : parseChoice('--alpha', flags.alpha, ['premultiply', 'separate'] as const),
    method: parseChoice<Method>('--method', flags.method, METHODS),
    onPlan: flags.explainPlan ? (reason) => process.stderr.write(`plan: ${reason}\n`) : undefined,
    ...engineFlags(flags),
  };
}

/** Parses options first (so a bad flag never reads the input), then reads, filters and writes. */
function action<F extends CommonFlags, O extends object>(
  makeOptions: (flags: F) => O,
  filter: (input: NDArray, options: FilterOptions & O) => NDArray,
) {
  return async (inPath: string, flags: F) => {
    const options = { ...commonOptions(flags), ...makeOptions(flags) };
    const quality = parseQuality(flags.quality);
    const input = await readArray(inPath);
    await writeArray(flags.output, filter(input, options), { quality });
  };
}

/** "WxH" where 0 is allowed (Gaussian: derive that size from σ, as OpenCV). */
function parseGaussianSize(text: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX×*]\s*(\d+)\s*)?$/.exec(String(text));
  const allowed = 'WxH with odd sizes (0 = derived from σ as OpenCV), e.g. 5x5 or 7x3';
  if (!m) invalidArgument('--ksize', allowed, text);
  const w = Number(m[1]);
  const h = m[2] === undefined ? w : Number(m[2]);
  if ((w !== 0 && w % 2 === 0) || (h !== 0 && h % 2 === 0)) invalidArgument('--ksize', allowed, text);
  return [w, h];
}

function order(flag: string, text: string): number {
  return parseIntFlag(flag, text, 0, 'an integer ≥ 0 (derivative order)');
}

/** The shared flags and defaults of sobel, scharr and laplacian. */
function derivative(cmd: Command): Command {
  return common(
    cmd,
    'mirror (OpenCV BORDER_REFLECT_101)',
    'float32 for integer input, else the input’s',
    'separate',
    true,
  );
}

/** OpenCV's dst = scale·(K ⋆ src) + delta flags of the derivative filters. */
function scaleDelta(cmd: Command): Command {
  return cmd
    .option('--scale <S>', 'multiply the result', '1')
    .option('--delta <D>', 'add to the result', '0');
}

function parseScaleDelta(f: { scale: string; delta: string }) {
  return { scale: parseFloatFlag('--scale', f.scale), delta: parseFloatFlag('--delta', f.delta) };
}

export function registerFilterCommands(program: Command): void {
  common(
    program
      .command('gaussian')
      .summary('Gaussian blur (SciPy truncate rule, or OpenCV with --ksize)')
      .description(
        `Gaussian blur: correlation with g(y) ⊗ g(x), g(x) ∝ exp(−x²/2σ²) normalised to sum 1.
  default (SciPy gaussian_filter): radius floor(truncate·σ + 0.5) per axis, border symmetric
  --ksize WxH (OpenCV GaussianBlur): taps getGaussianKernel(W, σx), getGaussianKernel(H, σy);
    sizes odd; σ ≤ 0 derives σ = 0.3·((N−1)/2 − 1) + 0.8; a 0 size derives it from σ
    (round(8σ + 1) | 1, or round(6σ + 1) | 1 for uint8); border mirror (BORDER_REFLECT_101)
Output dtype: the input's; integers are rounded exactly from the float64 result.`,
      )
      .argument('<IN>', 'input image or array')
      .requiredOption('--sigma <S>', 'σ along x in pixels (> 0; ≤ 0 allowed with --ksize)')
      .option('--sigma-y <S>', 'σ along y (default: --sigma)')
      .option('--ksize <WxH>', 'OpenCV rule: odd width x height (default: SciPy truncate rule)')
      .option('--truncate <T>', 'SciPy rule: radius floor(T·σ + 0.5)', '4.0')
      .option('-q, --quiet', 'do not warn about a hard-truncated Gaussian on stderr')
      .option('--no-warnings', 'same as --quiet'),
    'symmetric (SciPy), mirror with --ksize (OpenCV)',
    "the input's",
    'premultiply',
  ).action(
    action(
      (
        f: CommonFlags & WarningFlags & { sigma: string; sigmaY?: string; ksize?: string; truncate: string },
      ) => ({
        sigma: parseFloatFlag('--sigma', f.sigma),
        sigmaY: f.sigmaY === undefined ? undefined : parseFloatFlag('--sigma-y', f.sigmaY),
        ksize: f.ksize === undefined ? undefined : parseGaussianSize(f.ksize),
        truncate: parseFloatFlag('--truncate', f.truncate),
        warnings: { quiet: f.quiet, warnings: f.warnings },
      }),
      (x, o) => {
        const y = gaussianBlur(x, o);
        printWarnings('gaussian', gaussianBlurWarnings(o), o.warnings);
        return y;
      },
    ),
  );

  common(
    program
      .command('box')
      .summary('box (mean) filter of any WxH, as OpenCV blur/boxFilter')
      .description(
        `Box filter: y = Σ of the W×H window (÷ W·H unless --no-normalize), anchor (H//2, W//2).
Running sums: O(1) per pixel for any window; integer outputs are the exactly rounded mean.`,
      )
      .argument('<IN>', 'input image or array')
      .requiredOption('--ksize <WxH>', 'window width x height (any positive sizes, even too)')
      .option('--no-normalize', 'sum instead of mean'),
    'mirror (OpenCV BORDER_REFLECT_101)',
    "the input's",
    'premultiply',
  ).action(
    action(
      (f: CommonFlags & { ksize: string; normalize: boolean }) => ({
        ksize: parseSize('--ksize', f.ksize),
        normalize: f.normalize,
      }),
      (x, o) => boxFilter(x, o),
    ),
  );

  const derivativeHelp = `Sign: correlation, positive where intensity increases to the right (dx) / downwards (dy).
Output dtype: float32 for uint8/uint16 input (negative edges are kept), else the input's.
y = scale · (K ⋆ x) + delta, as OpenCV.`;

  derivative(
    program
      .command('sobel')
      .summary('Sobel derivative of order dx, dy (OpenCV Sobel)')
      .description(
        `Sobel: correlation with [smoothing]ᵀ ⊗ [derivative] from getDerivKernels(dx, dy, ksize).\n${derivativeHelp}`,
      )
      .argument('<IN>', 'input image or array')
      .requiredOption('--dx <N>', 'derivative order along x (columns)')
      .requiredOption('--dy <N>', 'derivative order along y (rows)')
      .option('--ksize <N>', 'odd aperture 1..31 (1: [−1 0 1] without smoothing)', '3'),
  ).action(
    action(
      (f: CommonFlags & { dx: string; dy: string; ksize: string; scale: string; delta: string }) => ({
        dx: order('--dx', f.dx),
        dy: order('--dy', f.dy),
        ksize: parseIntFlag('--ksize', f.ksize, 1, 'an odd integer from 1 to 31'),
        ...parseScaleDelta(f),
      }),
      (x, o) => sobel(x, o),
    ),
  );

  derivative(
    program
      .command('scharr')
      .summary('Scharr 3×3 derivative, dx,dy = 1,0 or 0,1 (OpenCV Scharr)')
      .description(
        `Scharr: correlation with [3 10 3]ᵀ ⊗ [−1 0 1] (x) or its transpose (y).\n${derivativeHelp}`,
      )
      .argument('<IN>', 'input image or array')
      .requiredOption('--dx <N>', 'derivative order along x: 0 or 1')
      .requiredOption('--dy <N>', 'derivative order along y: 0 or 1'),
  ).action(
    action(
      (f: CommonFlags & { dx: string; dy: string; scale: string; delta: string }) => ({
        dx: order('--dx', f.dx),
        dy: order('--dy', f.dy),
        ...parseScaleDelta(f),
      }),
      (x, o) => scharr(x, o),
    ),
  );

  derivative(
    program
      .command('laplacian')
      .summary('Laplacian ∂²/∂x² + ∂²/∂y² (OpenCV Laplacian)')
      .description(
        `Laplacian: ksize 1 → [0 1 0; 1 −4 1; 0 1 0], 3 → [2 0 2; 0 −8 0; 2 0 2],
5..31 → Sobel(2,0,ksize) + Sobel(0,2,ksize). Negative on a bright spot.
Output dtype: float32 for uint8/uint16 input, else the input's. y = scale · (K ⋆ x) + delta.`,
      )
      .argument('<IN>', 'input image or array')
      .option('--ksize <N>', 'odd aperture 1..31', '1'),
  ).action(
    action(
      (f: CommonFlags & { ksize: string; scale: string; delta: string }) => ({
        ksize: parseIntFlag('--ksize', f.ksize, 1, 'an odd integer from 1 to 31'),
        ...parseScaleDelta(f),
      }),
      (x, o) => laplacian(x, o),
    ),
  );

  common(
    program
      .command('sharpen')
      .summary('sharpen with [0 −a 0; −a 1+4a −a; 0 −a 0]')
      .description('Sharpen: the image minus amount × its 4-neighbour Laplacian (correlation, sum 1).')
      .argument('<IN>', 'input image or array')
      .option('--amount <A>', 'strength a', '1'),
    'mirror',
    "the input's",
    'premultiply',
  ).action(
    action(
      (f: CommonFlags & { amount: string }) => ({ amount: parseFloatFlag('--amount', f.amount) }),
      (x, o) => sharpen(x, o),
    ),
  );

  common(
    program
      .command('unsharp')
      .summary('unsharp mask: x + amount·(x − Gaussian(x)) where |x − Gaussian(x)| ≥ threshold')
      .description(
        `Unsharp mask (scikit-image unsharp_mask with radius = σ, plus PIL's threshold):
  y = x + amount·(x − G_σ ⋆ x)   where |x − G_σ ⋆ x| ≥ threshold, else y = x
G_σ by the SciPy truncate rule (or --ksize, OpenCV taps). Threshold in the image's units.`,
      )
      .argument('<IN>', 'input image or array')
      .option('--sigma <S>', 'σ of the blur', '1')
      .option('--amount <A>', 'strength', '1')
      .option('--threshold <T>', 'minimum |x − blur| that is sharpened', '0')
      .option('--ksize <N>', 'odd blur size (OpenCV taps) instead of the truncate rule')
      .option('--truncate <T>', 'SciPy rule for the blur', '4.0'),
    'replicate (scikit-image nearest)',
    "the input's",
    'premultiply',
  ).action(
    action(
      (
        f: CommonFlags & {
          sigma: string;
          amount: string;
          threshold: string;
          ksize?: string;
          truncate: string;
        },
      ) => ({
        sigma: parseFloatFlag('--sigma', f.sigma),
        amount: parseFloatFlag('--amount', f.amount),
        threshold: parseFloatFlag('--threshold', f.threshold),
        ksize: f.ksize === undefined ? undefined : parseIntFlag('--ksize', f.ksize, 1, 'an odd integer ≥ 1'),
        truncate: parseFloatFlag('--truncate', f.truncate),
      }),
      (x, o) => unsharpMask(x, o),
    ),
  );
}
