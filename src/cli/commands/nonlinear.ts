/** `convkit median`, `convkit bilateral` and `convkit nlmeans`: the non-linear filters. */
import type { Command } from 'commander';
import { BORDER_MODES, BORDER_PICTOGRAMS } from '../../border/border.js';
import { readArray, writeArray } from '../../io/node.js';
import { MEDIAN_METHODS, type MedianMethod, medianFilter } from '../../nonlinear/median.js';
import { registerFlag } from '../errors.js';
import { parseChoice, parseFloatFlag, parseSize } from '../parse.js';
import { terminalProgress } from '../progress.js';
import { parseQuality } from './linear.js';

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
time per pixel), select (any size and dtype); auto picks by dtype and size.

${BORDERS}`;

interface MedianFlags {
  ksize: string;
  border: string;
  cval?: string;
  method: string;
  output: string;
  quality?: string;
}

function registerMedian(program: Command): void {
  program
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
    .addHelpText('after', MEDIAN_HELP)
    .action(async (inPath: string, flags: MedianFlags) => {
      const [w, h] = parseSize(
        '--ksize',
        flags.ksize,
        'N or WxH (width x height) with positive integers, e.g. 5 or 5x3',
      );
      const method = parseChoice<MedianMethod>('--method', flags.method, MEDIAN_METHODS);
      const cval = flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval);
      const quality = parseQuality(flags.quality);
      const input = await readArray(inPath);
      const progress = terminalProgress('median');
      const ksize: number | [number, number] = /[xX×*]/.test(flags.ksize) ? [w, h] : w;
      const out = medianFilter(input, ksize, {
        border: flags.border,
        cval,
        method,
        onProgress: progress.onProgress,
      });
      progress.done();
      await writeArray(flags.output, out, { quality });
    });
}

export function registerNonlinearCommands(program: Command): void {
  registerFlag('ksize', '--ksize');
  registerFlag('onProgress', '--progress');
  registerMedian(program);
}
