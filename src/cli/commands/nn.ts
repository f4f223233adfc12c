/** `convkit conv2d` and `convkit conv-transpose2d`: the CNN layers of convkit/nn on .npy files. */
import { unlink } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, invalidArgument } from '../../core/errors.js';
import type { NDArray } from '../../core/ndarray.js';
import { readArray, writeArray } from '../../io/node.js';
import { planConv } from '../../nn/conv2d.js';
import { conv2dBackwardThreaded, conv2dThreaded, convTranspose2dThreaded } from '../../nn/threads.js';
import {
  CONV_METHODS,
  type ConvMethod,
  type Padding,
  conv2dGeometry,
  convTranspose2dGeometry,
} from '../../nn/geometry.js';
import { UsageError, registerFlag } from '../errors.js';
import { parseChoice } from '../parse.js';

registerFlag('stride', '--stride');
registerFlag('padding', '--padding');
registerFlag('dilation', '--dilation');
registerFlag('groups', '--groups');
registerFlag('outputPadding', '--output-padding');
registerFlag('weight', '--weight');
registerFlag('bias', '--bias');
registerFlag('gradOutput', '--grad-output');

const CONV2D_HELP = `
Meaning (PyTorch's conv2d: a cross-correlation, the kernel is NOT flipped):
  y[n, o, p, q] = b[o] + Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, g·C/G + c, p·sh − pt + i·dh, q·sw − pl + j·dw]
  Layouts: input N×C×H×W, weight O×(C/G)×kh×kw, output N×O×Ho×Wo (all .npy, float32 or float64;
  the output has the input's dtype). Pixels outside the input are 0 (zero padding).
  Ho = floor((H + pt + pb − dh·(kh − 1) − 1) / sh) + 1   (likewise Wo)

Padding: P (all sides), PH,PW (PyTorch's (ph, pw)), T,B,L,R (each side), valid (= 0), or same
  (stride 1 only): total dh·(kh − 1) per axis, half rounded down at the top/left and the rest at
  the bottom/right, as PyTorch.

Backward (with --grad-output GY = ∂L/∂y):
  --grad-input   ∂L/∂x = the transposed convolution of GY with w: for stride 1 the FULL CONVOLUTION
                 (flipped kernel) of GY with w, cropped by the padding.
  --grad-weight  ∂L/∂w = the VALID CROSS-CORRELATION (no flip) of the zero-padded x with GY
                 (GY's pixels spaced by the stride).
  --grad-bias    ∂L/∂b = the sum of GY over batch and pixels.

Example:
  convkit conv2d --input x.npy --weight w.npy --padding same -o y.npy`;

const TRANSPOSE_HELP = `
Meaning (PyTorch's conv_transpose2d): the adjoint of conv2d with the same stride, padding and
dilation — conv2d's input gradient as a layer. Every input pixel adds a copy of its kernel, scaled
by its value, to the output, stride pixels apart; padding crops every side, output padding adds
rows/columns at the bottom/right. For stride 1, padding 0 it is the full convolution (flipped
kernel) of each input plane with its kernel, summed over input channels.
  Layouts: input N×C×H×W, weight C×(O/G)×kh×kw (in-channels first), output N×O×Ho×Wo (.npy).
  Ho = (H − 1)·sh − 2·ph + dh·(kh − 1) + oph + 1   (likewise Wo)
  Output padding must be smaller than the stride or the dilation.

Example:
  convkit conv-transpose2d --input x.npy --weight w.npy --stride 2,2 --padding 1,1 --output-padding 1,1 -o y.npy`;

/** "S" or "S,S" → [S, S]. */
function parsePair(flag: string, text: string, min: number): [number, number] {
  const parts = String(text)
    .trim()
    .split(/\s*,\s*/);
  const nums = parts.map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : NaN));
  if ((nums.length !== 1 && nums.length !== 2) || nums.some((v) => !Number.isSafeInteger(v) || v < min)) {
    invalidArgument(flag, `an integer ≥ ${min} or a pair like ${min + 1},${min + 1}`, text);
  }
  return nums.length === 1 ? [nums[0], nums[0]] : [nums[0], nums[1]];
}

function parsePadding(text: string): Padding {
  const t = String(text).trim();
  if (t === 'same' || t === 'valid') return t;
  const parts = t.split(/\s*,\s*/);
  const nums = parts.map((p) => (/^\+?\d+$/.test(p) ? Number(p) : NaN));
  if (![1, 2, 4].includes(nums.length) || nums.some((v) => !Number.isSafeInteger(v))) {
    invalidArgument('--padding', 'P, PH,PW or T,B,L,R (integers ≥ 0), same or valid', text);
  }
  if (nums.length === 1) return nums[0];
  return nums.length === 2 ? [nums[0], nums[1]] : [nums[0], nums[1], nums[2], nums[3]];
}

function parseGroups(text: string): number {
  const t = String(text).trim();
  const v = /^\+?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(v) || v < 1) invalidArgument('--groups', 'an integer ≥ 1', text);
  return v;
}

function npyPath(flag: string, path: string): string {
  if (!/\.npy$/i.test(path)) {
    invalidArgument(flag, 'a path ending in .npy (N×C×H×W batches and weights are written as .npy)', path);
  }
  return path;
}

/** nn names its arrays like the API (input, gradOutput); on this command line they are flags. */
async function withFlags<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.option === 'input') {
      throw new InvalidArgumentError('--input', e.allowed, e.received);
    }
    throw e;
  }
}

/** Writes every output or none: if one write fails, the ones already written are removed. */
async function writeAll(outputs: [string, NDArray][]): Promise<void> {
  const done: string[] = [];
  try {
    for (const [path, a] of outputs) {
      await writeArray(path, a);
      done.push(path);
    }
  } catch (e) {
    await Promise.all(done.map((p) => unlink(p).catch(() => undefined)));
    throw e;
  }
}

interface ConvFlags {
  input: string;
  weight: string;
  bias?: string;
  stride: string;
  padding: string;
  dilation: string;
  groups: string;
  method: string;
  output: string;
  gradOutput?: string;
  gradInput?: string;
  gradWeight?: string;
  gradBias?: string;
  outputPadding?: string;
  explainPlan?: boolean;
  threads?: string;
}

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = String(text).trim();
  const v = /^\+?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(v) || v < 1) invalidArgument('--threads', 'an integer ≥ 1', text);
  return v;
}

export function registerNnCommands(program: Command): void {
  program
    .command('conv2d')
    .summary('CNN conv2d (cross-correlation, NCHW, PyTorch semantics), and its gradients.')
    .description(
      'CNN conv2d (cross-correlation, NCHW input, OIHW weight, PyTorch semantics), optionally with\n' +
        'its backward pass. Arrays are .npy files.',
    )
    .requiredOption('--input <X>', 'input batch N×C×H×W (.npy)')
    .requiredOption('--weight <W>', 'weights O×(C/G)×kh×kw (.npy)')
    .option('--bias <B>', 'bias, length O (.npy); default none')
    .option('--stride <S,S>', 'stride: S or SH,SW', '1,1')
    .option('--padding <P>', 'zero padding: P, PH,PW, T,B,L,R, same or valid', '0,0')
    .option('--dilation <D,D>', 'dilation (spacing of kernel taps): D or DH,DW', '1,1')
    .option('--groups <G>', 'channel groups (C and O multiples of G; G = C is depthwise)', '1')
    .option(
      '--method <M>',
      'auto, gemm (im2col + matrix product), winograd (3×3, stride 1, dilation 1) or direct (plain loops); same result',
      'auto',
    )
    .option('--threads <N>', 'threads; the batch is split among them (default: all cores)')
    .option('--explain-plan', 'print the chosen method and why to stderr')
    .requiredOption('-o, --output <Y>', 'output N×O×Ho×Wo (.npy)')
    .option('--grad-output <GY>', 'backward pass: ∂L/∂y, N×O×Ho×Wo (.npy)')
    .option('--grad-input <GX>', 'write ∂L/∂x here (.npy; needs --grad-output)')
    .option('--grad-weight <GW>', 'write ∂L/∂w here (.npy; needs --grad-output)')
    .option('--grad-bias <GB>', 'write ∂L/∂b here (.npy; needs --grad-output)')
    .addHelpText('after', CONV2D_HELP)
    .action((flags: ConvFlags) =>
      withFlags(async () => {
        const options = {
          stride: parsePair('--stride', flags.stride, 1),
          padding: parsePadding(flags.padding),
          dilation: parsePair('--dilation', flags.dilation, 1),
          groups: parseGroups(flags.groups),
          method: parseChoice<ConvMethod>('--method', flags.method, CONV_METHODS),
          threads: parseThreads(flags.threads),
        };
        const outputs: [string, string | undefined][] = [
          ['-o', flags.output],
          ['--grad-input', flags.gradInput],
          ['--grad-weight', flags.gradWeight],
          ['--grad-bias', flags.gradBias],
        ];
        for (const [flag, path] of outputs) if (path !== undefined) npyPath(flag, path);
        const wantsGrad = flags.gradInput ?? flags.gradWeight ?? flags.gradBias;
        if (flags.gradOutput === undefined && wantsGrad !== undefined) {
          throw new UsageError(
            `Expected --grad-output GY (the gradient ∂L/∂y, .npy) with --grad-input/--grad-weight/--grad-bias, got ${JSON.stringify(wantsGrad)} without it`,
          );
        }
        if (flags.gradOutput !== undefined && wantsGrad === undefined) {
          throw new UsageError(
            `Expected at least one of --grad-input, --grad-weight, --grad-bias with --grad-output ${JSON.stringify(flags.gradOutput)}, got none`,
          );
        }
        const x = await readArray(flags.input);
        const w = await readArray(flags.weight);
        const b = flags.bias === undefined ? null : await readArray(flags.bias);
        const y = await conv2dThreaded(x, w, b, options);
        if (flags.explainPlan) {
          const plan = planConv(conv2dGeometry(x.shape, w.shape, options), options.method, x.dtype);
          process.stderr.write(`conv2d plan: ${plan.method} (${plan.reason})\n`);
        }
        const writes: [string, NDArray][] = [[flags.output, y]];
        if (flags.gradOutput !== undefined) {
          const gy = await readArray(flags.gradOutput);
          const grads = await conv2dBackwardThreaded(x, w, gy, {
            ...options,
            gradInput: flags.gradInput !== undefined,
            gradWeight: flags.gradWeight !== undefined,
            gradBias: flags.gradBias !== undefined,
          });
          if (flags.gradInput) writes.push([flags.gradInput, grads.gradInput!]);
          if (flags.gradWeight) writes.push([flags.gradWeight, grads.gradWeight!]);
          if (flags.gradBias) writes.push([flags.gradBias, grads.gradBias!]);
        }
        await writeAll(writes);
      }),
    );

  program
    .command('conv-transpose2d')
    .summary('Transposed convolution (PyTorch conv_transpose2d): the adjoint of conv2d.')
    .description(
      "Transposed convolution with PyTorch's semantics (conv_transpose2d): the adjoint of conv2d,\n" +
        "i.e. conv2d's input gradient as a layer. Arrays are .npy files.",
    )
    .requiredOption('--input <X>', 'input batch N×C×H×W (.npy)')
    .requiredOption('--weight <W>', 'weights C×(O/G)×kh×kw (.npy)')
    .option('--bias <B>', 'bias, length O (.npy); default none')
    .option('--stride <S,S>', 'stride of the convolution it transposes: S or SH,SW', '1,1')
    .option(
      '--padding <P,P>',
      'padding of the convolution it transposes (crops the output): P or PH,PW',
      '0,0',
    )
    .option('--output-padding <P,P>', 'extra rows,columns at the bottom/right: P or PH,PW', '0,0')
    .option('--dilation <D,D>', 'dilation: D or DH,DW', '1,1')
    .option('--groups <G>', 'channel groups', '1')
    .option('--method <M>', 'auto, gemm, winograd or direct (same result)', 'auto')
    .option('--threads <N>', 'threads; the batch is split among them (default: all cores)')
    .option('--explain-plan', 'print the chosen method and why to stderr')
    .requiredOption('-o, --output <Y>', 'output N×O×Ho×Wo (.npy)')
    .addHelpText('after', TRANSPOSE_HELP)
    .action((flags: ConvFlags) =>
      withFlags(async () => {
        const options = {
          stride: parsePair('--stride', flags.stride, 1),
          padding: parsePair('--padding', flags.padding, 0),
          outputPadding: parsePair('--output-padding', flags.outputPadding ?? '0', 0),
          dilation: parsePair('--dilation', flags.dilation, 1),
          groups: parseGroups(flags.groups),
          method: parseChoice<ConvMethod>('--method', flags.method, CONV_METHODS),
          threads: parseThreads(flags.threads),
        };
        npyPath('-o', flags.output);
        const x = await readArray(flags.input);
        const w = await readArray(flags.weight);
        const b = flags.bias === undefined ? null : await readArray(flags.bias);
        const y = await convTranspose2dThreaded(x, w, b, options);
        if (flags.explainPlan) {
          const plan = planConv(convTranspose2dGeometry(x.shape, w.shape, options), options.method, x.dtype);
          process.stderr.write(`conv-transpose2d plan: ${plan.method} (${plan.reason})\n`);
        }
        await writeArray(flags.output, y);
      }),
    );
}
