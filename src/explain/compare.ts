/**
 * Comparison grids, like the lecture's figures: the original and one tile per filter
 * size, labelled. Filters come from a small registry (`registerCompareFilter`) so that
 * each named filter plugs in with its own semantics and defaults.
 */
import { type BorderMode, resolveBorder } from '../border/border.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims } from '../core/ndarray.js';
import { boxFilter } from '../filters/box.js';
import { gaussianBlur } from '../filters/gaussian.js';
import { gaussianSigmaForSize } from '../kernels/gaussian.js';
import { medianFilter } from '../nonlinear/median.js';
import { bilateralFilter } from '../nonlinear/bilateral.js';
import { type GridOptions, labelledGrid } from './borders.js';
import { type Canvas, fitCanvas, toRgbCanvas } from './raster.js';

export interface CompareParams {
  /** Border mode name or alias; default: the filter's (box: `mirror`, as OpenCV). */
  border?: BorderMode | string;
  /** Constant border value (default 0). */
  cval?: number;
  /** Bilateral: range σ in grey levels (default 75). */
  sigmaColor?: number;
  /** Bilateral: spatial σ in pixels (default 75). */
  sigmaSpace?: number;
}

/** A filter `compare` can run at a list of sizes. */
export interface CompareFilter {
  readonly name: string;
  /** One line for --help. */
  readonly summary: string;
  readonly defaultBorder: BorderMode;
  /** Tile label for a size, e.g. "15×15 box". */
  label(size: number): string;
  /** Checks a size (throws InvalidArgumentError naming 'sizes'). */
  checkSize(size: number): void;
  /** The parameters used at a size, for the report. */
  parameters(size: number, params: CompareParams): Record<string, string | number>;
  /**
   * Filters the image at a size; the output has the input's shape and dtype. Filters
   * that report progress call `onProgress` with the fraction done.
   */
  run(input: NDArray, size: number, params: CompareParams, onProgress?: (fraction: number) => void): NDArray;
}

const FILTERS = new Map<string, CompareFilter>();

export function registerCompareFilter(f: CompareFilter): void {
  FILTERS.set(f.name, f);
}

/** Names of the filters compare can run, in registration order. */
export function compareFilterNames(): string[] {
  return [...FILTERS.keys()];
}

export function getCompareFilter(name: string): CompareFilter {
  const f = FILTERS.get(name);
  if (f) return f;
  return invalidArgument('filter', `one of ${[...FILTERS.keys()].join(', ')}`, name);
}

const positiveSize = (n: number) => {
  if (!Number.isInteger(n) || n < 1) invalidArgument('sizes', 'positive integers', n);
};

registerCompareFilter({
  name: 'box',
  summary: 'normalized box (mean of the N×N window), border mirror, as OpenCV blur',
  defaultBorder: 'mirror',
  label: (n) => `${n}×${n} box`,
  checkSize: positiveSize,
  parameters: (n, p) => ({ ksize: `${n}x${n}`, normalize: 'yes', border: borderName(p, 'mirror') }),
  run: (img, n, p) => boxFilter(img, { ksize: n, border: p.border, cval: p.cval }),
});

registerCompareFilter({
  name: 'gaussian',
  summary: 'N×N Gaussian with σ derived from the size, border mirror, as OpenCV GaussianBlur(img, (N, N), 0)',
  defaultBorder: 'mirror',
  label: (n) => `${n}×${n} Gaussian`,
  checkSize: (n) => {
    if (!Number.isInteger(n) || n < 1 || n % 2 === 0)
      invalidArgument('sizes', 'odd positive integers (Gaussian sizes)', n);
  },
  parameters: (n, p) => ({
    ksize: `${n}x${n}`,
    sigma: Number(gaussianSigmaForSize(n).toPrecision(6)),
    border: borderName(p, 'mirror'),
  }),
  run: (img, n, p) => gaussianBlur(img, { sigma: 0, ksize: [n, n], border: p.border, cval: p.cval }),
});

registerCompareFilter({
  name: 'median',
  summary: 'median of the N×N window, border replicate as OpenCV medianBlur',
  defaultBorder: 'replicate',
  label: (n) => `${n}×${n} median`,
  checkSize: positiveSize,
  parameters: (n, p) => ({ ksize: `${n}x${n}`, border: borderName(p, 'replicate') }),
  run: (img, n, p, onProgress) => medianFilter(img, n, { border: p.border, cval: p.cval, onProgress }),
});

registerCompareFilter({
  name: 'bilateral',
  summary:
    'bilateral filter of diameter N (OpenCV bilateralFilter: σ colour and σ space default 75), border mirror',
  defaultBorder: 'mirror',
  label: (n) => `bilateral d=${n}`,
  checkSize: positiveSize,
  parameters: (n, p) => ({
    diameter: n,
    'sigma-color': p.sigmaColor ?? 75,
    'sigma-space': p.sigmaSpace ?? 75,
    border: borderName(p, 'mirror'),
  }),
  run: (img, n, p, onProgress) =>
    bilateralFilter(img, n, p.sigmaColor ?? 75, p.sigmaSpace ?? 75, {
      border: p.border,
      cval: p.cval,
      onProgress,
    }),
});

function borderName(p: CompareParams, fallback: BorderMode): string {
  const b = resolveBorder(p.border, p.cval, fallback);
  return b.mode === 'constant' ? `constant ${b.cval}` : b.mode;
}

export interface CompareTile {
  readonly label: string;
  /** The size (undefined for the original). */
  readonly size?: number;
  readonly parameters: Record<string, string | number>;
  /** The filtered image (the input for the original). */
  readonly image: NDArray;
  /** The tile as displayed (8-bit RGB). */
  readonly canvas: Canvas;
  /** Filtering time in milliseconds. */
  readonly ms: number;
}

export interface CompareOptions extends CompareParams, GridOptions {
  /**
   * Called as tiles are made: `done` tiles of `total` (fractional while a filter that
   * reports progress runs; `finished` is true when a tile is complete).
   */
  onProgress?: (done: number, total: number, label: string, finished: boolean) => void;
}

/** True when a float image looks like 0..1 data (its finite maximum is at most 1). */
function looksUnit(a: NDArray): boolean {
  if (a.dtype !== 'float32' && a.dtype !== 'float64') return false;
  let max = -Infinity;
  for (const v of a.data) if (v > max) max = v;
  return max <= 1;
}

/**
 * Runs a filter at each size and lays the original and the results out as a labelled
 * grid (columns default 3). Returns the grid and every tile.
 */
export function compareGrid(
  input: NDArray,
  filterName: string,
  sizes: readonly number[],
  options: CompareOptions = {},
): { grid: Canvas; tiles: CompareTile[]; filter: CompareFilter } {
  checkArray(input);
  const filter = getCompareFilter(filterName);
  if (!Array.isArray(sizes) || sizes.length === 0)
    invalidArgument('sizes', 'a non-empty list of sizes', sizes);
  sizes.forEach((n) => filter.checkSize(n));
  resolveBorder(options.border, options.cval, filter.defaultBorder);
  const unit = looksUnit(input);
  // Tiles are shown (in the grid and the report) at the size asked for.
  const display = (a: NDArray) => {
    const c = toRgbCanvas(a, unit);
    return options.tile ? fitCanvas(c, options.tile) : c;
  };
  const { height, width, channels } = imageDims(input);
  const tiles: CompareTile[] = [
    {
      label: 'original',
      parameters: { image: `${width}x${height}${channels > 1 ? `x${channels}` : ''} ${input.dtype}` },
      image: input,
      canvas: display(input),
      ms: 0,
    },
  ];
  const total = sizes.length;
  sizes.forEach((n, k) => {
    const t0 = performance.now();
    const label = filter.label(n);
    const image = filter.run(input, n, options, (f) => options.onProgress?.(k + f, total, label, false));
    const ms = performance.now() - t0;
    tiles.push({
      label,
      size: n,
      parameters: filter.parameters(n, options),
      image,
      canvas: display(image),
      ms,
    });
    options.onProgress?.(k + 1, total, label, true);
  });
  const grid = labelledGrid(
    tiles.map((t) => ({ label: t.label, canvas: t.canvas })),
    options,
  );
  return { grid, tiles, filter };
}

const escHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A small self-contained HTML report: the parameters used and every tile as an embedded
 * PNG (`pngDataUrl` encodes a canvas).
 */
export function compareReport(
  result: { tiles: readonly CompareTile[]; filter: CompareFilter },
  info: { input: string; command: string; grid?: string },
  pngDataUrl: (c: Canvas) => string,
): string {
  const { tiles, filter } = result;
  const rows = tiles
    .slice(1)
    .map(
      (t) =>
        `<tr><td>${escHtml(t.label)}</td><td>${escHtml(
          Object.entries(t.parameters)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        )}</td><td>${t.ms.toFixed(1)} ms</td></tr>`,
    )
    .join('\n');
  const figures = tiles
    .map(
      (t) =>
        `<figure><img src="${pngDataUrl(t.canvas)}" alt="${escHtml(t.label)}" width="${t.canvas.width}" height="${t.canvas.height}"><figcaption>${escHtml(t.label)}</figcaption></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>convkit compare: ${escHtml(filter.name)} on ${escHtml(info.input)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; }
figure { display: inline-block; margin: 0.5em; text-align: center; }
img { max-width: 100%; height: auto; image-rendering: pixelated; }
code { background: #f4f4f4; padding: 0.1em 0.3em; }
</style>
</head>
<body>
<h1>convkit compare: ${escHtml(filter.name)}</h1>
<p>${escHtml(filter.summary)}.</p>
<p>Input: <code>${escHtml(info.input)}</code> (${escHtml(String(tiles[0].parameters.image))}).
Command: <code>${escHtml(info.command)}</code>${info.grid ? `. Grid image: <code>${escHtml(info.grid)}</code>` : ''}.</p>
<table>
<tr><th>tile</th><th>parameters</th><th>time</th></tr>
${rows}
</table>
${figures}
</body>
</html>
`;
}
