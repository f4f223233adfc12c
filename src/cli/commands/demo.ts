/** `convkit demo learn-kernel` and `convkit demo shapes`: training demos for convkit/nn. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../core/errors.js';
import { flipKernel } from '../../kernels/kernel.js';
import { writeFileAtomic } from '../../io/node.js';
import { SHAPE_CLASSES, kernelRows, learnKernel, lossCurveSvg, trainShapes } from '../../nn/demos.js';
import { loadKernel, parseChoice, parseIntFlag } from '../parse.js';

const SOBEL_X = '-1 0 1; -2 0 2; -1 0 1';

const LEARN_HELP = `
What it shows: CNN libraries call cross-correlation "convolution". Random images are filtered
with a hidden kernel h, a single conv2d layer (cross-correlation, no bias) is trained by gradient
descent to reproduce the filtered images, and its weights are printed beside h and flip(h):
  targets made by convolve  (true convolution)  → the layer learns flip(h)  (h rotated by 180°)
  targets made by correlate (cross-correlation) → the layer learns h itself
Default kernel: Sobel x (${SOBEL_X}); flipping it negates it.`;

const SHAPES_HELP = `
Trains conv(1→8, 3×3) → ReLU → maxpool → conv(8→16, 3×3) → ReLU → maxpool → linear(→6) with
Adam on generated 16×16 images of ${SHAPE_CLASSES.join(', ')}, prints a progress bar and the test
accuracy, and writes the loss curve as an SVG.`;

function side(columns: string[][], titles: string[]): string[] {
  const widths = columns.map((c, i) => Math.max(titles[i].length, ...c.map((s) => s.length)) + 4);
  const lines = [titles.map((t, i) => t.padEnd(widths[i])).join('')];
  for (let r = 0; r < columns[0].length; r++)
    lines.push(columns.map((c, i) => c[r].padEnd(widths[i])).join(''));
  return lines;
}

function progressBar(epoch: number, epochs: number, batch: number, batches: number, loss: number): string {
  const done = (epoch * batches + batch + 1) / (epochs * batches);
  const width = 30;
  const filled = Math.round(done * width);
  return `epoch ${epoch + 1}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%  loss ${loss.toFixed(4)}`;
}

export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').summary('Runnable demonstrations (training CNN layers).');

  demo
    .command('learn-kernel')
    .summary('Train one conv2d layer on filtered images: the learned kernel comes out flipped.')
    .option('-k, --kernel <K>', 'hidden kernel: .npy or inline matrix', SOBEL_X)
    .option('--targets <T>', 'how the targets are made: convolve, correlate or both', 'both')
    .option('--steps <N>', 'Adam steps on the full batch', '300')
    .option('--seed <S>', 'random seed', '1')
    .addHelpText('after', LEARN_HELP)
    .action(async (flags: { kernel: string; targets: string; steps: string; seed: string }) => {
      const hidden = await loadKernel('--kernel', flags.kernel);
      if (hidden.rows > 15 || hidden.cols > 15) {
        invalidArgument(
          '--kernel',
          'a kernel of at most 15×15 for this demo',
          `${hidden.rows}×${hidden.cols}`,
        );
      }
      const which = parseChoice('--targets', flags.targets, ['convolve', 'correlate', 'both'] as const);
      const steps = parseIntFlag('--steps', flags.steps, 1, 'an integer ≥ 1');
      const seed = parseIntFlag('--seed', flags.seed, 0, 'an integer ≥ 0');
      const out = process.stdout;
      out.write(
        'A conv2d layer computes a cross-correlation (no flip). It is trained to reproduce images\n' +
          'filtered with a hidden kernel h; its learned weights w are printed beside h and flip(h).\n',
      );
      for (const targets of which === 'both' ? (['convolve', 'correlate'] as const) : [which]) {
        const r = learnKernel(hidden, { targets, steps, seed });
        const verdict =
          r.errorVsFlipped < 1e-3 && r.errorVsHidden >= 1e-3
            ? 'the layer learned flip(h): the kernel comes out FLIPPED'
            : r.errorVsHidden < 1e-3 && r.errorVsFlipped >= 1e-3
              ? 'the layer learned h itself: NOT flipped'
              : r.errorVsHidden < 1e-3
                ? 'h is symmetric under the flip, so both readings agree'
                : 'not converged: try more --steps';
        out.write(
          `\nTargets made by ${targets} ${targets === 'convolve' ? '(true convolution)' : '(cross-correlation)'}:\n`,
        );
        const digits = 2;
        for (const line of side(
          [
            kernelRows(r.hidden, digits),
            kernelRows(flipKernel(r.hidden), digits),
            kernelRows(r.learned, digits),
          ],
          ['hidden h', 'flip(h)', 'learned w'],
        ))
          out.write(`  ${line}\n`);
        out.write(
          `  max |w − flip(h)| = ${r.errorVsFlipped.toExponential(1)}, max |w − h| = ${r.errorVsHidden.toExponential(1)}` +
            ` → ${verdict}\n  (${steps} Adam steps, final mean squared error ${r.finalLoss.toExponential(1)}, ${(r.milliseconds / 1000).toFixed(2)} s)\n`,
        );
      }
    });

  demo
    .command('shapes')
    .summary('Train a small CNN on generated bars, crosses and rings; writes the loss curve (SVG).')
    .option('--epochs <N>', 'passes over the training set', '6')
    .option('--train <N>', 'training images', '3000')
    .option('--test <N>', 'test images', '1000')
    .option('--seed <S>', 'random seed', '1')
    .option('--loss-curve <PATH>', 'where to write the loss curve (.svg)', 'out/shapes-loss.svg')
    .addHelpText('after', SHAPES_HELP)
    .action(
      async (flags: { epochs: string; train: string; test: string; seed: string; lossCurve: string }) => {
        const epochs = parseIntFlag('--epochs', flags.epochs, 1, 'an integer ≥ 1');
        const trainCount = parseIntFlag('--train', flags.train, 1, 'an integer ≥ 1');
        const testCount = parseIntFlag('--test', flags.test, 1, 'an integer ≥ 1');
        const seed = parseIntFlag('--seed', flags.seed, 0, 'an integer ≥ 0');
        if (!/\.svg$/i.test(flags.lossCurve))
          invalidArgument('--loss-curve', 'a path ending in .svg', flags.lossCurve);
        const err = process.stderr;
        const tty = err.isTTY === true;
        let lastEpoch = -1;
        const r = trainShapes({
          epochs,
          trainCount,
          testCount,
          seed,
          onBatch: (epoch, batch, batches, loss) => {
            if (tty) err.write(`\r${progressBar(epoch, epochs, batch, batches, loss)}`);
            else if (batch === batches - 1 && epoch !== lastEpoch) {
              lastEpoch = epoch;
              err.write(`${progressBar(epoch, epochs, batch, batches, loss)}\n`);
            }
          },
        });
        if (tty) err.write('\n');
        const perEpoch = Math.ceil(trainCount / 32);
        const title = `convkit demo shapes: ${epochs} epochs, test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`;
        await mkdir(dirname(flags.lossCurve), { recursive: true });
        await writeFileAtomic(
          flags.lossCurve,
          new TextEncoder().encode(lossCurveSvg(r.losses, title, perEpoch)),
        );
        process.stdout.write(
          `model: ${r.description}\n` +
            `classes: ${SHAPE_CLASSES.join(', ')} (16×16 images, ${trainCount} for training, ${testCount} for testing)\n` +
            `train accuracy ${(r.trainAccuracy * 100).toFixed(1)}%, test accuracy ${(r.testAccuracy * 100).toFixed(1)}%, ` +
            `${(r.milliseconds / 1000).toFixed(1)} s\n` +
            `loss curve: ${flags.lossCurve}\n`,
        );
      },
    );
}
