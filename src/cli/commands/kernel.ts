/**
 * `convkit kernel <name> … [-o K.npy]`, `convkit kernel info K`, `convkit kernel compose A B -o C`,
 * and the `--kernel name:params` syntax (registered here for every command that takes a kernel).
 */
import { type Command, Option } from 'commander';
import { InvalidArgumentError, invalidArgument } from '../../core/errors.js';
import { ndarray } from '../../core/ndarray.js';
import { type Kernel } from '../../kernels/kernel.js';
import { composeAnchor, composeKernels } from '../../kernels/algebra.js';
import { kernelInfo } from '../../kernels/info.js';
import {
  NAMED_KERNELS,
  type NamedKernel,
  type ParamValue,
  namedKernel,
  parseParam,
} from '../../kernels/named.js';
import { writeArray } from '../../io/node.js';
import { loadKernel, registerNamedKernel } from '../parse.js';

/** Named kernels whose natural form is 1-D taps: written as a 1-D .npy array [N]. */
const ONE_D = new Set(['gaussian', 'binomial', 'gaussian-961']);

for (const spec of NAMED_KERNELS.values()) {
  registerNamedKernel(spec.name, (params) => {
    try {
      return namedKernel(spec.name, params);
    } catch (e) {
      // `--kernel gaussian:4` must blame --kernel, not a --ksize flag the command may not have
      if (e instanceof InvalidArgumentError && e.option !== 'kernel') {
        const what = e.option.startsWith(`${spec.name} `) ? e.option : `${spec.name} ${e.option}`;
        invalidArgument('kernel', `${e.allowed} (${what})`, `${spec.name}:${params}`);
      }
      throw e;
    }
  });
}

const NAMED_SYNTAX = `
Named kernels (also usable as --kernel name:params in correlate, convolve, kernel info, kernel compose):
  params are comma-separated, positional in the order listed or key=value, e.g.
  gaussian:7,1.5   gaussian:ksize=7,sigma=1.5   box:5x3   sobel:dx=0,dy=1,ksize=5   motion:15,30`;

/** A tap for reading: 9 significant digits (exact values such as 0.25 stay short). -o writes exact taps. */
function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-4 || a >= 1e7 ? v.toExponential(6) : String(Number(v.toPrecision(9)));
}

/** The kernel as text: one row per line. */
export function formatKernel(k: Kernel): string {
  const cells = Array.from(k.data, fmt);
  const width = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let i = 0; i < k.rows; i++)
    lines.push(
      cells
        .slice(i * k.cols, (i + 1) * k.cols)
        .map((c) => c.padStart(width))
        .join(' '),
    );
  return lines.join('\n');
}

async function writeKernel(path: string | undefined, k: Kernel, oneD: boolean): Promise<void> {
  if (path === undefined) {
    process.stdout.write(`${formatKernel(k)}\n`);
    return;
  }
  if (!/\.npy$/i.test(path)) invalidArgument('output', 'a path ending in .npy (kernels are float64)', path);
  const shape = oneD && k.rows === 1 ? [k.cols] : [k.rows, k.cols];
  await writeArray(path, ndarray(Float64Array.from(k.data), shape));
}

function flagName(p: { name: string }): string {
  return p.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function addNamed(kernel: Command, spec: NamedKernel): void {
  const cmd = kernel
    .command(spec.name)
    .summary(spec.summary)
    .description(
      `${spec.summary}.${spec.note ? `\nSign: ${spec.note}.` : ''}\nWrites float64 taps to -o K.npy (${ONE_D.has(spec.name) ? '1-D [N]' : '2-D [rows, cols]'}), or prints them without -o.`,
    );
  for (const p of spec.params) {
    if (p.kind === 'bool') {
      if (p.default === true) cmd.option(`--no-${p.name}`, `do not ${p.doc}`);
      else cmd.option(`--${p.name}`, p.doc);
      continue;
    }
    const value = p.kind === 'size' ? '<WxH>' : p.kind === 'int' ? '<N>' : '<X>';
    const def =
      p.default === undefined
        ? ''
        : ` (default ${Array.isArray(p.default) ? p.default.join('x') : p.default})`;
    cmd.addOption(new Option(`--${p.name} ${value}`, `${p.doc}${def}`));
  }
  cmd.option('-o, --output <K.npy>', 'output .npy file (default: print the taps)');
  cmd.action(async (flags: Record<string, string | boolean | undefined>) => {
    const values: Record<string, ParamValue | undefined> = {};
    for (const p of spec.params) {
      const raw = flags[flagName(p)];
      if (p.kind === 'bool') values[p.name] = raw === undefined ? p.default : Boolean(raw);
      else values[p.name] = raw === undefined ? p.default : parseParam(p, String(raw), `--${p.name}`);
    }
    const k = spec.make(values);
    await writeKernel(flags.output as string | undefined, k, ONE_D.has(spec.name));
  });
}

function describeSymmetry(info: ReturnType<typeof kernelInfo>): string[] {
  const lines: string[] = [];
  const sym = (s: string) =>
    s === 'symmetric' ? 'symmetric' : s === 'antisymmetric' ? 'antisymmetric (h′ = −h)' : 'none';
  lines.push(
    `symmetry:   left-right ${sym(info.leftRight)}, up-down ${sym(info.upDown)}, 180° rotation ${sym(info.rotation)}`,
  );
  const even = info.rows % 2 === 0 || info.cols % 2 === 0;
  let verdict: string;
  if (info.rotation === 'symmetric')
    verdict = even
      ? 'differ by a one-pixel shift: flip(h) = h, but an even size mirrors the anchor (kh−1−ar, kw−1−ac) ≠ (kh//2, kw//2)'
      : 'the same (flip(h) = h)';
  else if (info.rotation === 'antisymmetric')
    verdict = even
      ? 'differ: flip(h) = −h, and the even size also shifts the anchor by one pixel'
      : 'opposite signs: convolve = −correlate (flip(h) = −h)';
  else verdict = 'differ: convolve = correlate with flip(h) (h rotated by 180°)';
  lines.push(`convolve vs correlate: ${verdict}`);
  return lines;
}

export function formatInfo(k: Kernel): string {
  const info = kernelInfo(k);
  const lines = [
    `size:       ${info.rows}×${info.cols} (rows × cols), default anchor (${info.anchor[0]}, ${info.anchor[1]})`,
    `sum:        ${fmt(info.sum)}${Math.abs(info.sum - 1) < 1e-12 ? ' (keeps the mean)' : Math.abs(info.sum) <= 1e-12 * info.absSum ? ' (zero sum: flat regions → 0, an edge/derivative kernel)' : ''}`,
    `sum |h|:    ${fmt(info.absSum)}    min ${fmt(info.min)}    max ${fmt(info.max)}`,
    ...describeSymmetry(info),
  ];
  if (info.separable) {
    const { col, row } = info.separable;
    lines.push(
      `separable:  yes (rank 1 within ${info.separableTolerance}·max|h|): h = col ⊗ row, ${info.rows} + ${info.cols} taps per pixel instead of ${info.rows * info.cols}`,
      `  col (down):  [${Array.from(col, fmt).join(' ')}]ᵀ`,
      `  row (across): [${Array.from(row, fmt).join(' ')}]`,
    );
  } else lines.push(`separable:  no (not rank 1 within ${info.separableTolerance}·max|h|)`);
  lines.push('taps:', formatKernel(k).replace(/^/gm, '  '));
  return lines.join('\n');
}

export function registerKernelCommands(program: Command): void {
  const kernel = program
    .command('kernel')
    .summary('make, inspect and compose kernels (Gaussian, Sobel, box, Laplacian, …)')
    .description('Make a named kernel (-o K.npy), describe one (info), or compose two (compose).')
    .addHelpText('after', NAMED_SYNTAX);
  for (const spec of NAMED_KERNELS.values()) addNamed(kernel, spec);

  kernel
    .command('info')
    .summary('describe a kernel: size, sum, symmetry, separable factors, convolve vs correlate')
    .argument('<K>', 'a .npy file, an inline matrix "1 0 1; 0 1 0; 1 0 1" or a named kernel name:params')
    .option('--json', 'print the description as JSON')
    .addHelpText(
      'after',
      '\nAn inline matrix that starts with a minus sign goes after --:  convkit kernel info -- "-1 0 1"',
    )
    .action(async (text: string, flags: { json?: boolean }) => {
      const k = await loadKernel('--kernel', text);
      if (flags.json) {
        const info = kernelInfo(k);
        const json = {
          ...info,
          separable: info.separable && {
            col: Array.from(info.separable.col),
            row: Array.from(info.separable.row),
          },
          taps: Array.from({ length: k.rows }, (_, i) =>
            Array.from(k.data.subarray(i * k.cols, (i + 1) * k.cols)),
          ),
        };
        process.stdout.write(`${JSON.stringify(json)}\n`);
      } else process.stdout.write(`${formatInfo(k)}\n`);
    });

  kernel
    .command('compose')
    .summary('compose two kernels by full convolution: filtering by A then B = filtering by C')
    .description(
      `C = A ∗ B (full 2-D convolution), (ha+hb−1)×(wa+wb−1) taps:
  C[k, l] = Σ_i Σ_j A[i, j] · B[k − i, l − j]
Filtering by A then by B equals filtering once by C — for correlate and for convolve alike —
with shape full and a zero border, or any shape with border wrap and anchor = anchorA + anchorB
(the centre of C when A and B have odd sizes). Other borders differ near the edges.`,
    )
    .argument('<A>', 'first kernel: .npy, inline matrix or name:params')
    .argument('<B>', 'second kernel: .npy, inline matrix or name:params')
    .option('-o, --output <C.npy>', 'output .npy file (default: print the taps)')
    .action(async (a: string, b: string, flags: { output?: string }) => {
      const A = await loadKernel('--kernel', a);
      const B = await loadKernel('--kernel', b);
      const C = composeKernels(A, B);
      const anchor = composeAnchor([A.rows >> 1, A.cols >> 1], [B.rows >> 1, B.cols >> 1]);
      const centred = anchor[0] === C.rows >> 1 && anchor[1] === C.cols >> 1;
      if (!centred)
        process.stderr.write(
          `note: even sizes — filtering by A then B equals filtering by C with --anchor ${anchor[0]},${anchor[1]} (not the default centre)\n`,
        );
      await writeKernel(flags.output, C, false);
    });
}
