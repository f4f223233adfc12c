/** `convkit correlate` and `convkit convolve`. */
import type { Command } from 'commander';
import { BORDER_MODES, BORDER_PICTOGRAMS } from '../../border/border.js';
import { ROUNDINGS, type Rounding } from '../../core/cast.js';
import { DTYPES, type DType } from '../../core/dtypes.js';
import { invalidArgument } from '../../core/errors.js';
import { type Kernel, scaleKernel } from '../../kernels/kernel.js';
import {
  type LinearOptions,
  OUTPUT_SHAPES,
  type OutputShape,
  convolve,
  correlate,
} from '../../linear/correlate.js';
import { readArray, writeArray } from '../../io/node.js';
import { METHODS, type Method, planLinear } from '../../linear/plan.js';
import { linearSpec } from '../../linear/correlate.js';
import { loadKernel, parseChoice, parseFloatFlag, parseIntPair } from '../parse.js';
import { kernelWarnings } from '../../explain/warnings.js';
import { type WarningFlags, addWarningOptions, printWarnings } from '../warnings.js';
import { type EngineFlags, addEngineOptions, engineFlags } from '../engine.js';

const FORMULAS = `
Formulas (shape same; X = the image extended by --border; anchor (ar, ac)):
  correlate:  y[m, n] = Σ_i Σ_j h[i, j] · X[m + i − ar, n + j − ac]
  convolve:   y[m, n] = Σ_i Σ_j h[i, j] · X[m − i + ar', n − j + ac']     ar' = kh−1−ar, ac' = kw−1−ac
              (= correlate with the kernel flipped in both axes: the textbook (f∗g)[n] = Σ f[m]·g[n−m])
  For both, a kernel that is 1 at its anchor and 0 elsewhere returns the image unchanged.
  Default anchor: (kh//2, kw//2) — the centre for odd sizes, the lower-right of the centre four for even.

Border modes, shown on a row a b c d:
${BORDER_MODES.map((m) => `  ${m.padEnd(10)} ${BORDER_PICTOGRAMS[m]}`).join('\n')}

Shapes: same = H×W (default), full = (H+kh−1)×(W+kw−1), valid = (H−kh+1)×(W−kw+1).
Files: .npy (<f8 <f4 |u1 <u2), PNG (8/16-bit gray, gray+alpha, RGB, RGBA), JPEG; chosen by extension.
Integer outputs round half to even (or --rounding) and saturate to the type's range.`;

interface LinearFlags extends WarningFlags, EngineFlags {
  kernel: string;
  scale?: string;
  border?: string;
  cval?: string;
  shape: string;
  anchor?: string;
  method: string;
  dtype?: string;
  rounding: string;
  alpha: string;
  output: string;
  quality?: string;
  explainPlan?: boolean;
}

/** Reads the flags shared by the linear commands into library options. */
export async function linearOptions(flags: LinearFlags): Promise<{ kernel: Kernel; options: LinearOptions }> {
  let kernel = await loadKernel('--kernel', flags.kernel);
  if (flags.scale !== undefined) kernel = scaleKernel(kernel, parseFloatFlag('--scale', flags.scale));
  return { kernel, options: { ...linearFlagOptions(flags), ...engineFlags(flags) } };
}

/** The options part of the linear flags (everything but the kernel). */
export function linearFlagOptions(
  flags: Omit<LinearFlags, 'kernel' | 'output' | 'method' | 'alpha'> & { method?: string; alpha?: string },
): LinearOptions {
  const options: LinearOptions = {
    border: flags.border,
    cval: flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval),
    shape: parseChoice<OutputShape>('--shape', flags.shape, OUTPUT_SHAPES),
    anchor:
      flags.anchor === undefined
        ? undefined
        : parseIntPair(
            '--anchor',
            flags.anchor,
            'R,C (row,column of the kernel element on the output pixel)',
          ),
    dtype: flags.dtype === undefined ? undefined : parseChoice<DType>('--dtype', flags.dtype, DTYPES),
    rounding: parseChoice<Rounding>('--rounding', flags.rounding, ROUNDINGS),
    alpha: parseChoice('--alpha', flags.alpha ?? 'premultiply', ['premultiply', 'separate'] as const),
  };
  options.method = parseChoice<Method>('--method', flags.method ?? 'auto', METHODS);
  return options;
}

function addLinearCommand(program: Command, name: 'correlate' | 'convolve', summary: string): void {
  const cmd = program.command(name);
  addWarningOptions(cmd)
    .summary(summary)
    .description(`${summary}\n\nIN and OUT are .npy, PNG or JPEG files (by extension).`)
    .argument('<IN>', 'input image or signal')
    .requiredOption(
      '-k, --kernel <K>',
      'kernel: a .npy file or an inline matrix "1 0 1; 0 1 0; 1 0 1" (rows by ;)',
    )
    .option('--scale <S>', 'multiply the kernel by S (e.g. 1/16)')
    .option('-b, --border <B>', `border mode: ${BORDER_MODES.join(', ')} or an alias`, 'constant')
    .option('--cval <V>', 'value outside the image for --border constant', undefined)
    .option('--shape <S>', 'output shape: same, full or valid', 'same')
    .option('--anchor <R,C>', 'kernel element on the output pixel (default: centre, kh//2,kw//2)')
    .option('--method <M>', `execution method: ${METHODS.join(', ')} (all give the same result)`, 'auto')
    .option('--explain-plan', 'print the chosen execution plan and why on stderr')
    .option('--dtype <T>', "output dtype: uint8, uint16, float32, float64 (default: the input's)")
    .option(
      '--rounding <R>',
      'integer rounding: half-even, half-away (MATLAB), truncate (sharp/jimp)',
      'half-even',
    )
    .option(
      '--alpha <A>',
      'RGBA/gray+alpha images: premultiply (transparent pixels do not bleed) or separate',
      'premultiply',
    )
    .option('--quality <Q>', 'JPEG output quality 1..100', '92')
    .requiredOption('-o, --output <OUT>', 'output file (.npy, .png, .jpg)');
  addEngineOptions(cmd)
    .addHelpText('after', FORMULAS)
    .action(async (inPath: string, flags: LinearFlags) => {
      const { kernel, options } = await linearOptions(flags);
      const input = await readArray(inPath);
      if (flags.explainPlan) {
        const spec = linearSpec(input, kernel, options, name === 'convolve');
        process.stderr.write(`plan: ${planLinear(input, spec, options).reason}\n`);
      }
      const out = name === 'correlate' ? correlate(input, kernel, options) : convolve(input, kernel, options);
      const anchor = options.anchor as [number, number] | undefined;
      printWarnings(name, kernelWarnings(kernel, { op: name, shape: options.shape, anchor }), flags);
      await writeArray(flags.output, out, { quality: parseQuality(flags.quality) });
    });
}

export function parseQuality(text: string | undefined): number {
  const q = text === undefined ? 92 : Number(text);
  if (!Number.isInteger(q) || q < 1 || q > 100)
    invalidArgument('--quality', 'an integer from 1 to 100', text);
  return q;
}

export function registerLinearCommands(program: Command): void {
  addLinearCommand(
    program,
    'correlate',
    'Cross-correlate with a kernel (no flip; what CNNs and OpenCV filter2D compute).',
  );
  addLinearCommand(
    program,
    'convolve',
    'Convolve with a kernel (flipped in both axes: the textbook convolution).',
  );
}
