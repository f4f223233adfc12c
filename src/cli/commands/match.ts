/** `convkit match`: template matching with OpenCV's six scores. */
import type { Command } from 'commander';
import { invalidArgument } from '../../core/errors.js';
import { readArray, writeArray } from '../../io/node.js';
import { METHODS, type Method } from '../../linear/plan.js';
import { drawBoxes } from '../../match/draw.js';
import {
  MATCH_METHODS,
  type MatchMethod,
  bestMatches,
  lowerIsBetter,
  matchTemplate,
  planMatch,
} from '../../match/match.js';
import { type EngineFlags, addEngineOptions, engineFlags } from '../engine.js';
import { registerFlag } from '../errors.js';
import { parseChoice, parseIntFlag } from '../parse.js';

const HELP = `
Scores at each position (r, c) of the template's top-left corner, window W = I[r..r+h−1, c..c+w−1]
(sums over the window and over channels; T' = T − mean(T), I' = W − mean(W)):
  sqdiff         Σ (T − I)²                           best = lowest
  sqdiff-normed  Σ (T − I)² / √(ΣT² · ΣI²)            best = lowest, capped at 1 (as OpenCV)
  ccorr          Σ T·I                                best = highest
  ccorr-normed   Σ T·I / √(ΣT² · ΣI²)                 best = highest, in [−1, 1]
  ccoeff         Σ T'·I'                              best = highest
  ccoeff-normed  Σ T'·I' / √(ΣT'² · ΣI'²)             best = highest, in [−1, 1] (default)
Output: (H−h+1)×(W−w+1) float32 (.npy). Same definitions as OpenCV matchTemplate.
Flat cases (0/0): a flat template gives ccoeff-normed 1 everywhere; a flat window gives
ccoeff-normed and ccorr-normed 0 and sqdiff-normed 1 (as OpenCV).
Σ T·I is computed by FFT or directly, whichever is faster (--correlation-method to force).`;

interface MatchFlags extends EngineFlags {
  template: string;
  method: string;
  correlationMethod: string;
  explainPlan?: boolean;
  best?: string | boolean;
  draw?: string;
  output?: string;
}

export function registerMatchCommand(program: Command): void {
  registerFlag('template', '--template');
  registerFlag('image', 'IN');
  registerFlag('correlation', '--correlation-method');
  const cmd = program
    .command('match')
    .summary('Template matching: where does a template fit in an image (OpenCV matchTemplate)?')
    .description(
      'Template matching: score every position of TEMPLATE in IN (OpenCV matchTemplate).\n\nIN and TEMPLATE are .npy, PNG or JPEG files with the same number of channels.',
    )
    .argument('<IN>', 'image to search')
    .requiredOption('-t, --template <T>', 'template image (no larger than IN)')
    .option('-m, --method <M>', `score: ${MATCH_METHODS.join(', ')}`, 'ccoeff-normed')
    .option('--correlation-method <M>', `how Σ T·I is computed: ${METHODS.join(', ')} (same result)`, 'auto')
    .option('--explain-plan', 'print how the correlation is computed and why on stderr')
    .option('--best [N]', 'print the N best matches (default 1): rank, row, col, score')
    .option('--draw <PNG>', 'write a copy of IN with the best match box(es) drawn in red')
    .option('-o, --output <OUT>', 'score map, (H−h+1)×(W−w+1) float32 .npy')
    .addHelpText('after', HELP);
  addEngineOptions(cmd).action(async (inPath: string, flags: MatchFlags) => {
    const method = parseChoice<MatchMethod>('--method', flags.method, MATCH_METHODS);
    const correlation = parseChoice<Method>('--correlation-method', flags.correlationMethod, METHODS);
    const engine = engineFlags(flags);
    const count =
      typeof flags.best === 'string'
        ? parseIntFlag('--best', flags.best, 1, 'a positive integer (how many matches to print)')
        : 1;
    if (!flags.output && flags.best === undefined && !flags.draw)
      invalidArgument('-o', 'an output path (or --best or --draw)', undefined);
    if (flags.draw !== undefined && !/\.png$/i.test(flags.draw))
      invalidArgument('--draw', 'a path ending in .png', flags.draw);
    const image = await readArray(inPath);
    const template = await readArray(flags.template);
    const options = { method, correlation, ...engine };
    if (flags.explainPlan) process.stderr.write(`plan: ${planMatch(image, template, options).reason}\n`);
    const scores = matchTemplate(image, template, options);
    if (flags.output) await writeArray(flags.output, scores);
    const th = template.shape.length === 1 ? 1 : template.shape[0];
    const tw = template.shape.length === 1 ? template.shape[0] : template.shape[1];
    const matches =
      flags.best !== undefined || flags.draw ? bestMatches(scores, method, count, [th, tw]) : [];
    if (flags.best !== undefined) {
      const rows = matches.map((m, i) => `${i + 1}\t${m.row}\t${m.col}\t${m.score}`);
      process.stdout.write(
        `rank\trow\tcol\tscore (${method}, ${lowerIsBetter(method) ? 'lower' : 'higher'} is better)\n${rows.join('\n')}\n`,
      );
    }
    if (flags.draw) {
      await writeArray(
        flags.draw,
        drawBoxes(
          image,
          matches.map((m) => ({ row: m.row, col: m.col, height: th, width: tw })),
        ),
      );
    }
  });
}
