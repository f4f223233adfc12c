/** `convkit explain`, `convkit borders` and `convkit compare`: convkit explaining itself. */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { BORDER_MODES, type BorderMode, resolveBorder } from '../../border/border.js';
import { invalidArgument } from '../../core/errors.js';
import { type NDArray, imageDims, ndarray } from '../../core/ndarray.js';
import { type Kernel, parseInlineKernel, parseNumber, scaleKernel } from '../../kernels/kernel.js';
import { OUTPUT_SHAPES, type OutputShape } from '../../linear/correlate.js';
import { readArray, writeArray, writeFileAtomic } from '../../io/node.js';
import { encodePng } from '../../io/png.js';
import {
  EXPLAIN_OPS,
  type ExplainOp,
  type ExplainValue,
  type SymbolicImage,
  type SymbolicKernel,
  explain,
  formatValue,
} from '../../explain/explain.js';
import {
  DEFAULT_MAX_TERMS,
  explanationToJSONText,
  explanationToMarkdown,
  explanationToText,
} from '../../explain/format.js';
import { explanationToSvg } from '../../explain/svg.js';
import { borderPicture, borderPictureGrid, bordersText } from '../../explain/borders.js';
import { compareFilterNames, compareGrid, compareReport, getCompareFilter } from '../../explain/compare.js';
import { kernelWarnings } from '../../explain/warnings.js';
import { canvasToArray } from '../../explain/raster.js';
import { loadKernel, parseChoice, parseFloatFlag, parseIntFlag, parseIntPair, parseSize } from '../parse.js';
import { UsageError, registerFlag } from '../errors.js';
import { type WarningFlags, addWarningOptions, printWarnings } from '../warnings.js';
import { stepProgress } from '../progress.js';
import { linearFlagOptions } from './linear.js';
import { BORDER_PICTOGRAMS } from '../../border/border.js';

registerFlag('at', '--at');
registerFlag('op', '--op');
registerFlag('channel', '--channel');
registerFlag('image', '--image');
registerFlag('filter', '--filter');
registerFlag('sizes', '--sizes');
registerFlag('pad', '--pad');
registerFlag('size', '--size');
registerFlag('ksize', '--sizes');

const FORMATS = ['text', 'markdown', 'svg', 'json'] as const;
type Format = (typeof FORMATS)[number];
const FORMAT_BY_EXTENSION: Record<string, Format> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.svg': 'svg',
  '.json': 'json',
};

const IMAGE_FILE = /\.(npy|png|jpe?g)$/i;
const SIZE_TEXT = /^\s*\d+\s*[xX×]\s*\d+\s*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `--image`: a file, a size WxH (a symbolic image x[r, c]), or an inline matrix. */
async function loadExplainImage(text: string): Promise<NDArray | SymbolicImage> {
  const t = String(text).trim();
  if (IMAGE_FILE.test(t)) return readArray(t);
  if (SIZE_TEXT.test(t)) {
    const [width, height] = parseSize('--image', t);
    return { height, width };
  }
  if (/^[\d\s.,;+\-eE/[\]]+$/.test(t) && t !== '') {
    const k = parseInlineKernel(t, '--image');
    // One row is a 1-D signal, as for kernels.
    return ndarray(Float64Array.from(k.data), k.rows === 1 ? [k.cols] : [k.rows, k.cols]);
  }
  return invalidArgument(
    '--image',
    'an image file (.npy, .png, .jpg), a size WxH for a symbolic image, or an inline matrix "1 2; 3 4"',
    text,
  );
}

/**
 * `--kernel`: `letters[:WxH]` (a…i for 3×3), an inline matrix of numbers and/or letters
 * ("a b c; d e f; g h i"), or anything `loadKernel` accepts.
 */
async function loadExplainKernel(text: string): Promise<Kernel | SymbolicKernel> {
  const t = String(text).trim();
  const letters = /^letters(?::(.+))?$/i.exec(t);
  if (letters) {
    const [cols, rows] = letters[1] === undefined ? [3, 3] : parseSize('--kernel', letters[1]);
    if (rows * cols > LETTERS.length) {
      invalidArgument('--kernel', `letters:WxH with at most ${LETTERS.length} taps`, text);
    }
    return { rows, cols, values: [...LETTERS.slice(0, rows * cols)] };
  }
  const rowsText = t.replace(/^\[|\]$/g, '').split(';');
  const tokens = rowsText.map((r) =>
    r
      .trim()
      .split(/[\s,]+/)
      .filter((s) => s !== ''),
  );
  const flat = tokens.flat();
  const symbolic =
    !IMAGE_FILE.test(t) &&
    (flat.length > 1 || /^[A-Za-z]$/.test(t)) &&
    flat.some((s) => IDENTIFIER.test(s)) &&
    flat.every((s) => IDENTIFIER.test(s) || parseNumber(s) !== undefined);
  if (!symbolic) return loadKernel('--kernel', t);
  const cols = tokens[0].length;
  tokens.forEach((row, r) => {
    if (row.length !== cols)
      invalidArgument(
        '--kernel',
        `rows of equal length (row 1 has ${cols} entries)`,
        `row ${r + 1} with ${row.length}`,
      );
  });
  const values: ExplainValue[] = flat.map((s) => (IDENTIFIER.test(s) ? s : parseNumber(s)!));
  return { rows: tokens.length, cols, values };
}

function isSymbolic(k: Kernel | SymbolicKernel): k is SymbolicKernel {
  return 'values' in k;
}

interface ExplainFlags extends WarningFlags {
  image: string;
  kernel: string;
  scale?: string;
  at: string;
  op: string;
  border: string;
  cval?: string;
  shape: string;
  anchor?: string;
  centered?: boolean;
  channel: string;
  dtype?: string;
  rounding: string;
  format?: string;
  maxTerms: string;
  output?: string;
}

const EXPLAIN_HELP = `
Indices are always [row, column].
  zero-based (default): [0, 0] is the top-left of the image, of the kernel and of the output.
  --centered: the centre of the image, of the kernel and of the output is [0, 0] (the
    convolution-vs-correlation blog post's convention). With the default anchor:
      convolve:  y[m, n] = Σ_i Σ_j x[i, j] · h[m − i, n − j]
      correlate: y[m, n] = Σ_i Σ_j x[m + i, n + j] · h[i, j]
    Even sizes have no centre: index 0 is then element size//2 (the lower/right of the two
    middle ones, like the default anchor), and the kernel's [0, 0] is its anchor; a note says so.

Each term lists the pixel, the kernel tap as you wrote it (before the flip of convolution),
both values and the product; pixels outside the image say which border rule gave their value.
The sum is computed like convolve/correlate (same spec, same order), so it equals their output.

--image: an image file (.npy, .png, .jpg), a size WxH (width x height) for a symbolic image
  whose pixels are x[r, c], or an inline matrix "1 2 3; 4 5 6".
--kernel: as for convolve (a .npy file or "1 0 1; 0 1 0; 1 0 1"), letters "a b c; d e f; g h i",
  or letters[:WxH] (a…i for 3x3) for a symbolic worked example.
--format json is stable: {"op", "at", "indexing", "terms": [{"pixel", "tap", "x", "h",
  "product", "border"?, "from"?}], "sum", "output"?, "params", "notes"} (see docs/explain.md).

Examples (the blog post's two worked examples):
  convkit explain --image 7x7 --kernel letters --at 1,1 --centered
  convkit explain --image 7x7 --kernel letters --at -1,-1 --centered --op correlate`;

function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .summary('Worked example: every term of the sum behind one output value of convolve/correlate.')
    .description(
      'Worked example: every term of the sum behind one output value of convolve or correlate, with the neighbourhood, the kernel as written and as laid over the image, and the products.',
    )
    .requiredOption('--image <IMG>', 'image file, WxH for a symbolic image, or an inline matrix')
    .requiredOption(
      '-k, --kernel <K>',
      'kernel: .npy, inline matrix, letters "a b c; d e f; g h i" or letters[:WxH]',
    )
    .requiredOption(
      '--at <R,C>',
      'output position [row, column] (n for a 1-D signal), in the chosen indexing',
    )
    .option('--scale <S>', 'multiply the kernel by S (e.g. 1/16)')
    .option('--op <OP>', 'convolve or correlate', 'convolve')
    .option('-b, --border <B>', `border mode: ${BORDER_MODES.join(', ')} or an alias`, 'constant')
    .option('--cval <V>', 'value outside the image for --border constant (default 0)')
    .option('--shape <S>', 'output shape: same, full or valid', 'same')
    .option('--anchor <R,C>', 'kernel element on the output pixel (default: centre, kh//2,kw//2)')
    .option('--centered', 'centered indices: the centre of image, kernel and output is [0, 0]')
    .option('--channel <N>', 'channel of a colour image to explain', '0')
    .option('--dtype <T>', "output dtype: uint8, uint16, float32, float64 (default: the input's)")
    .option('--rounding <R>', 'integer rounding: half-even, half-away, truncate', 'half-even')
    .option('--format <F>', 'text, markdown, svg or json (default: from -o extension, else text)')
    .option(
      '--max-terms <N>',
      'list at most N terms in text/markdown (beyond: first and last few)',
      String(DEFAULT_MAX_TERMS),
    )
    .option('-o, --output <FILE>', 'write to FILE instead of stdout');
  addWarningOptions(cmd)
    .addHelpText('after', EXPLAIN_HELP)
    .action(async (flags: ExplainFlags) => {
      const op = parseChoice<ExplainOp>('--op', flags.op, EXPLAIN_OPS);
      const shape = parseChoice<OutputShape>('--shape', flags.shape, OUTPUT_SHAPES);
      const format: Format =
        flags.format !== undefined
          ? parseChoice<Format>('--format', flags.format, FORMATS)
          : flags.output !== undefined
            ? (FORMAT_BY_EXTENSION[extname(flags.output).toLowerCase()] ?? 'text')
            : 'text';
      const maxTerms = parseIntFlag('--max-terms', flags.maxTerms, 1, 'a positive integer');
      const channel = parseIntFlag('--channel', flags.channel, 0, 'a non-negative integer');
      const linear = linearFlagOptions(flags);
      const anchor = linear.anchor as [number, number] | undefined;
      let kernel = await loadExplainKernel(flags.kernel);
      if (flags.scale !== undefined) {
        const s = parseFloatFlag('--scale', flags.scale);
        kernel = isSymbolic(kernel)
          ? {
              ...kernel,
              values: kernel.values.map((v) => (typeof v === 'number' ? v * s : `${formatValue(s)}${v}`)),
            }
          : scaleKernel(kernel, s);
      }
      const image = await loadExplainImage(flags.image);
      const oneD = !('height' in image && !('data' in image)) && (image as NDArray).shape.length === 1;
      const atText = String(flags.at).trim();
      const at: [number, number] | number =
        oneD && /^[+-]?\d+$/.test(atText)
          ? Number(atText)
          : parseIntPair(
              '--at',
              atText,
              'R,C: the output row and column (negative values with --centered), e.g. 1,1',
            );
      const e = explain(image, kernel, {
        ...linear,
        at,
        op,
        centered: flags.centered === true,
        shape,
        channel,
      });
      const text =
        format === 'json'
          ? explanationToJSONText(e)
          : format === 'markdown'
            ? explanationToMarkdown(e, { maxTerms })
            : format === 'svg'
              ? explanationToSvg(e)
              : explanationToText(e, { maxTerms });
      const warnings = isSymbolic(kernel) ? [] : kernelWarnings(kernel, { op, shape, anchor });
      // Notes are in the text and Markdown already; JSON and SVG readers get them on stderr too.
      if (format === 'json' || format === 'svg' || flags.output !== undefined) warnings.push(...e.notes);
      printWarnings('explain', warnings, flags);
      if (flags.output !== undefined) await writeFileAtomic(flags.output, new TextEncoder().encode(text));
      else process.stdout.write(text);
    });
}

interface BordersFlags {
  border: string;
  pad?: string;
  size: string;
  cval?: string;
  columns: string;
  tile?: string;
  output?: string;
}

function parseModes(text: string): BorderMode[] {
  if (text === 'all') return [...BORDER_MODES];
  return String(text)
    .split(',')
    .map((s) => resolveBorder(s.trim(), undefined, 'constant').mode);
}

const BORDERS_HELP = `
Without IN: prints the lecture's letter grid — a 5x5 image a…y padded by 2 on every side — in
each mode, with a box around the image. --size WxH (at most 52 pixels) and --pad change it.
With IN: writes a PNG/JPEG of the image padded by --pad (default a quarter of its shorter side)
with a dashed magenta/white frame drawn in the border just outside the image. One --border
gives that picture; several (comma-separated) or "all" give a labelled grid of them.

Border modes, shown on a row a b c d:
${BORDER_MODES.map((m) => `  ${m.padEnd(10)} ${BORDER_PICTOGRAMS[m]}`).join('\n')}`;

function registerBorders(program: Command): void {
  program
    .command('borders')
    .summary('Show what each border mode puts outside an image (letter grid, or a padded picture).')
    .description(
      'Show what each border mode puts outside an image: the letter grid, or a padded picture of IN.',
    )
    .argument('[IN]', 'an image to pad (PNG, JPEG or .npy); without it the letter grid is printed')
    .option('-b, --border <B>', 'a mode or alias, a comma-separated list, or "all"', 'all')
    .option('--pad <N>', 'pixels added on every side (letter grid: 2; image: a quarter of its shorter side)')
    .option('--size <WxH>', 'letter grid size, width x height', '5x5')
    .option('--cval <V>', 'value of the constant border (default 0)')
    .option('--columns <N>', 'pictures per row in a grid of several modes', '3')
    .option('--tile <N>', 'shrink each picture of a grid to fit N×N pixels')
    .option('-o, --output <OUT>', 'output picture (.png, .jpg) for IN; a text file for the letter grid')
    .addHelpText('after', BORDERS_HELP)
    .action(async (inPath: string | undefined, flags: BordersFlags) => {
      const modes = parseModes(flags.border);
      const cval = flags.cval === undefined ? 0 : parseFloatFlag('--cval', flags.cval);
      resolveBorder('constant', cval, 'constant');
      if (inPath === undefined) {
        const [width, height] = parseSize('--size', flags.size);
        const pad =
          flags.pad === undefined ? 2 : parseIntFlag('--pad', flags.pad, 0, 'an integer from 0 to 26');
        const text = bordersText(modes, { height, width, pad, cval });
        if (flags.output !== undefined) await writeFileAtomic(flags.output, new TextEncoder().encode(text));
        else process.stdout.write(text);
        return;
      }
      if (flags.output === undefined) {
        throw new UsageError('Expected -o OUT.png (or .jpg) for the padded picture of IN, got no -o');
      }
      const columns = parseIntFlag('--columns', flags.columns, 1, 'a positive integer');
      const tile =
        flags.tile === undefined ? undefined : parseIntFlag('--tile', flags.tile, 16, 'an integer ≥ 16');
      const input = await readArray(inPath);
      const { height, width } = imageDims(input);
      const pad =
        flags.pad === undefined
          ? Math.max(1, Math.round(Math.min(height, width) / 4))
          : parseIntFlag('--pad', flags.pad, 0, 'a non-negative integer');
      const unit = (input.dtype === 'float32' || input.dtype === 'float64') && maxOf(input) <= 1;
      const canvas =
        modes.length === 1
          ? borderPicture(
              input,
              pad,
              resolveBorder(modes[0], modes[0] === 'constant' ? cval : undefined, 'constant'),
              unit,
            )
          : borderPictureGrid(input, pad, modes, cval, { columns, tile, unitFloats: unit });
      await writeArray(flags.output, canvasToArray(canvas));
    });
}

function maxOf(a: NDArray): number {
  let m = -Infinity;
  for (const v of a.data) if (v > m) m = v;
  return m;
}

interface CompareFlags extends WarningFlags {
  filter: string;
  sizes: string;
  output?: string;
  html?: string;
  border?: string;
  cval?: string;
  columns: string;
  tile?: string;
  sigmaColor: string;
  sigmaSpace: string;
}

function parseSizes(text: string): number[] {
  const parts = String(text)
    .split(',')
    .map((s) => s.trim());
  const allowed = 'a comma-separated list of positive integers, e.g. 5,15,25,35,45';
  if (parts.length === 0 || parts.length > 64) invalidArgument('--sizes', allowed, text);
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 4096) invalidArgument('--sizes', allowed, text);
    return Number(p);
  });
}

function registerCompare(program: Command): void {
  const available = compareFilterNames();
  const cmd = program
    .command('compare')
    .summary('Labelled grid of a filter at several sizes next to the original (and an HTML report).')
    .description(
      'Runs a filter at several sizes and writes a labelled grid: the original, then one tile per size.\n' +
        `Filters: ${available.join(', ')}; each uses its best-known peer's default border.`,
    )
    .argument('<IN>', 'input image (PNG, JPEG or .npy)')
    .requiredOption('--filter <F>', `filter: ${available.join(', ')}`)
    .requiredOption('--sizes <N,N,…>', 'window sizes, e.g. 5,15,25,35,45 (box: N×N mean)')
    .option('-o, --output <OUT>', 'grid picture (.png or .jpg)')
    .option('--html <FILE>', 'also write a self-contained HTML report with every tile and the parameters')
    .option('-b, --border <B>', "border mode (default: the filter's; box: mirror, as OpenCV)")
    .option('--cval <V>', 'value outside the image for --border constant (default 0)')
    .option('--columns <N>', 'tiles per row', '3')
    .option('--tile <N>', 'shrink each tile to fit N×N pixels (default: full size)')
    .option('--sigma-color <SC>', 'bilateral: range σ in grey levels', '75')
    .option('--sigma-space <SS>', 'bilateral: spatial σ in pixels', '75');
  addWarningOptions(cmd).action(async (inPath: string, flags: CompareFlags) => {
    if (flags.output === undefined && flags.html === undefined) {
      throw new UsageError('Expected -o grid.png (or .jpg) and/or --html report.html, got neither');
    }
    if (flags.output !== undefined && !/\.(png|jpe?g)$/i.test(flags.output)) {
      invalidArgument('-o', 'a picture path ending in .png, .jpg or .jpeg', flags.output);
    }
    getCompareFilter(flags.filter);
    const sizes = parseSizes(flags.sizes);
    const columns = parseIntFlag('--columns', flags.columns, 1, 'a positive integer');
    const tile =
      flags.tile === undefined ? undefined : parseIntFlag('--tile', flags.tile, 16, 'an integer ≥ 16');
    const params = {
      border: flags.border,
      cval: flags.cval === undefined ? undefined : parseFloatFlag('--cval', flags.cval),
      sigmaColor: parseFloatFlag('--sigma-color', flags.sigmaColor),
      sigmaSpace: parseFloatFlag('--sigma-space', flags.sigmaSpace),
    };
    const input = await readArray(inPath);
    const progress = stepProgress('compare', !(flags.quiet === true || flags.warnings === false));
    let result;
    try {
      result = compareGrid(input, flags.filter, sizes, {
        ...params,
        columns,
        tile,
        onProgress: (done, total, label, finished) => progress.step(done, total, label, finished),
      });
    } finally {
      progress.done();
    }
    if (flags.output !== undefined) await writeArray(flags.output, canvasToArray(result.grid));
    if (flags.html !== undefined) {
      const html = compareReport(
        result,
        {
          input: inPath,
          command: [
            `convkit compare ${inPath} --filter ${flags.filter} --sizes ${sizes.join(',')}`,
            flags.border === undefined ? '' : `--border ${flags.border}`,
            params.cval === undefined ? '' : `--cval ${params.cval}`,
            result.filter.name === 'bilateral'
              ? `--sigma-color ${params.sigmaColor} --sigma-space ${params.sigmaSpace}`
              : '',
            flags.output === undefined ? '' : `-o ${flags.output}`,
          ]
            .filter(Boolean)
            .join(' '),
          grid: flags.output,
        },
        (c) => `data:image/png;base64,${Buffer.from(encodePng(canvasToArray(c))).toString('base64')}`,
      );
      await writeFileAtomic(flags.html, new TextEncoder().encode(html));
    }
  });
}

export function registerExplainCommands(program: Command): void {
  registerExplain(program);
  registerBorders(program);
  registerCompare(program);
}
