/**
 * Border pictures: what each border mode puts outside an image.
 *   - the lecture's letter grid: a 5×5 image a…y padded by 2 in each mode, as text;
 *   - for a real image: the padded image with the border region marked, as a picture.
 * Both are made by `borderIndex`/`padPlane`, the code every filter pads with.
 */
import {
  BORDER_MODES,
  BORDER_PICTOGRAMS,
  type Border,
  type BorderMode,
  borderIndex,
  padPlane,
} from '../border/border.js';
import { storeRow } from '../core/cast.js';
import { allocate } from '../core/dtypes.js';
import { invalidArgument } from '../core/errors.js';
import { type NDArray, checkArray, imageDims, ndarray } from '../core/ndarray.js';
import { formatValue } from './explain.js';
import {
  type Canvas,
  type RGB,
  blit,
  createCanvas,
  drawTextCentered,
  fitCanvas,
  strokeRect,
  textHeight,
  toRgbCanvas,
} from './raster.js';

/** Pixel names of the letter grid: a…z then A…Z, row by row. */
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const MAX_LETTER_PIXELS = LETTERS.length;

/** What the lecture notes call each mode they show. */
const LECTURE_NAMES: Partial<Record<BorderMode, string>> = {
  constant: 'the lecture\'s "expand by zeros"',
  replicate: 'the lecture\'s "replicating boundaries"',
  mirror: 'the lecture\'s "reflecting boundaries"',
};

export interface LetterGridOptions {
  /** Image height and width (default 5×5, at most 52 pixels: a…z, A…Z). */
  height?: number;
  width?: number;
  /** Pixels added on every side (default 2, as for a 5×5 mask). */
  pad?: number;
  /** The constant border's value (default 0). */
  cval?: number;
}

function checkGrid(o: LetterGridOptions) {
  const height = o.height ?? 5;
  const width = o.width ?? 5;
  const pad = o.pad ?? 2;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    invalidArgument('size', 'positive integer sides', `${width}x${height}`);
  }
  if (height * width > MAX_LETTER_PIXELS) {
    invalidArgument(
      'size',
      `at most ${MAX_LETTER_PIXELS} pixels (one letter each: a…z, A…Z)`,
      `${width}x${height}`,
    );
  }
  if (!Number.isInteger(pad) || pad < 0 || pad > 26) invalidArgument('pad', 'an integer from 0 to 26', pad);
  return { height, width, pad, cval: o.cval ?? 0 };
}

/**
 * The letter image padded in one mode: (height + 2·pad) rows of (width + 2·pad) labels;
 * a constant border shows its value.
 */
export function paddedLetterGrid(mode: BorderMode, options: LetterGridOptions = {}): string[][] {
  const { height, width, pad, cval } = checkGrid(options);
  const rows: string[][] = [];
  for (let r = -pad; r < height + pad; r++) {
    const sr = borderIndex(r, height, mode);
    const row: string[] = [];
    for (let c = -pad; c < width + pad; c++) {
      const sc = borderIndex(c, width, mode);
      row.push(sr < 0 || sc < 0 ? formatValue(cval) : LETTERS[sr * width + sc]);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * The letter grids as text, the image framed so the border region stands out:
 *
 *   mirror     c b | a b c d | c b   …
 *     m l   k l m n o   n m
 *         ┌───────────┐
 *     c b │ a b c d e │ d c
 */
export function bordersText(
  modes: readonly BorderMode[] = BORDER_MODES,
  options: LetterGridOptions = {},
): string {
  const { height, width, pad } = checkGrid(options);
  const blocks: string[] = [];
  for (const mode of modes) {
    const grid = paddedLetterGrid(mode, options);
    const w = Math.max(...grid.flat().map((s) => s.length));
    const cell = (s: string) => s.padStart(w);
    const join = (cells: string[]) => cells.map(cell).join(' ');
    const leftLen = pad === 0 ? 0 : pad * (w + 1) - 1;
    const innerLen = width * (w + 1) - 1;
    const lines: string[] = [];
    lines.push(`${mode.padEnd(10)} ${BORDER_PICTOGRAMS[mode]}`);
    const note = LECTURE_NAMES[mode];
    lines.push(
      `${height}×${width} image padded by ${pad} on every side${note ? ` (${note})` : ''}; the box is the image:`,
    );
    const frame = (l: string, r: string) =>
      `  ${' '.repeat(leftLen + (pad === 0 ? 0 : 1))}${l}${'─'.repeat(innerLen + 2)}${r}`;
    grid.forEach((row, k) => {
      if (k === pad) lines.push(frame('┌', '┐'));
      const inside = k >= pad && k < pad + height;
      const left = join(row.slice(0, pad));
      const mid = join(row.slice(pad, pad + width));
      const right = join(row.slice(pad + width));
      const bar = inside ? '│' : ' ';
      lines.push(
        `  ${left}${pad === 0 ? '' : ' '}${bar} ${mid} ${bar}${pad === 0 ? '' : ' '}${right}`.trimEnd(),
      );
      if (k === pad + height - 1) lines.push(frame('└', '┘'));
    });
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}

/**
 * An image extended by `pad` pixels on every side under a border, in the input's dtype
 * (a constant value outside an integer type's range is rounded and saturated).
 */
export function padImage(input: NDArray, pad: number, border: Border): NDArray {
  checkArray(input);
  if (!Number.isInteger(pad) || pad < 0) invalidArgument('pad', 'a non-negative integer', pad);
  const { height, width, channels } = imageDims(input);
  const ph = height + 2 * pad;
  const pw = width + 2 * pad;
  const out = allocate(input.dtype, ph * pw * channels);
  for (let ch = 0; ch < channels; ch++) {
    const plane = padPlane(
      { data: input.data, offset: ch, rowStride: width * channels, colStride: channels, height, width },
      { top: pad, bottom: pad, left: pad, right: pad },
      border,
      Float64Array,
    ) as Float64Array;
    storeRow(plane, plane.length, out, ch, channels, input.dtype, 'half-even');
  }
  const shape = input.shape.length === 3 ? [ph, pw, channels] : [ph, pw];
  return ndarray(out, shape, { alpha: input.alpha === true });
}

/** The dashed frame's colours: magenta and white show on dark and light images alike. */
export const FRAME_COLORS: readonly RGB[] = [
  [255, 0, 200],
  [255, 255, 255],
];

/** Thickness of the frame drawn around the image: about 1/256 of its longer side, ≥ 1, ≤ pad. */
export function frameThickness(height: number, width: number, pad: number): number {
  return Math.min(pad, Math.max(1, Math.round(Math.max(height, width) / 256)));
}

/**
 * The padded image as an RGB picture, with a dashed frame drawn in the border just
 * outside the image: every image pixel, and every border pixel outside the frame, is
 * exactly the padded value (gray repeated, alpha dropped, uint16 scaled to 8 bits).
 */
export function borderPicture(
  input: NDArray,
  pad: number,
  border: Border,
  unitFloats = false,
  thickness = frameThickness(imageDims(input).height, imageDims(input).width, pad),
): Canvas {
  const { height, width } = imageDims(input);
  const canvas = toRgbCanvas(padImage(input, pad, border), unitFloats);
  const t = Math.min(pad, thickness);
  if (t > 0) strokeRect(canvas, pad - t, pad - t, width + 2 * t, height + 2 * t, t, FRAME_COLORS);
  return canvas;
}

/** Options for a labelled grid of pictures (border pictures, comparison grids). */
export interface GridOptions {
  /** Tiles per row (default 3). */
  columns?: number;
  /** Shrink each tile to fit in this many pixels (default: full size). */
  tile?: number;
}

/** Lays out tiles with a label above each, `columns` per row, on white. */
export function labelledGrid(
  tiles: readonly { label: string; canvas: Canvas }[],
  options: GridOptions = {},
): Canvas {
  const columns = Math.max(1, Math.min(options.columns ?? 3, tiles.length));
  const fitted = tiles.map((t) => ({
    label: t.label,
    canvas: options.tile ? fitCanvas(t.canvas, options.tile) : t.canvas,
  }));
  const cellW = Math.max(...fitted.map((t) => t.canvas.width));
  const cellH = Math.max(...fitted.map((t) => t.canvas.height));
  const scale = cellW >= 400 ? 3 : cellW >= 180 ? 2 : 1;
  const gap = 4 * scale + 4;
  const labelH = textHeight(scale) + 2 * (2 * scale + 2);
  const rows = Math.ceil(fitted.length / columns);
  const canvas = createCanvas(
    columns * cellW + (columns + 1) * gap,
    rows * (cellH + labelH) + (rows + 1) * gap,
  );
  fitted.forEach((t, k) => {
    const x = gap + (k % columns) * (cellW + gap);
    const y = gap + Math.floor(k / columns) * (cellH + labelH + gap);
    drawTextCentered(canvas, t.label, x, cellW, y + 2 * scale + 2, scale);
    blit(canvas, t.canvas, x + Math.floor((cellW - t.canvas.width) / 2), y + labelH);
  });
  return canvas;
}

/** Border pictures of one image in several modes, labelled, in a grid. */
export function borderPictureGrid(
  input: NDArray,
  pad: number,
  modes: readonly BorderMode[],
  cval: number,
  options: GridOptions & { unitFloats?: boolean } = {},
): Canvas {
  const { height, width } = imageDims(input);
  // A frame that stays about 2 pixels wide after the tile is shrunk to --tile.
  const shrink = options.tile ? Math.min(1, options.tile / (Math.max(height, width) + 2 * pad)) : 1;
  const thickness = Math.max(frameThickness(height, width, pad), Math.ceil(2 / shrink));
  const tiles = modes.map((mode) => ({
    label: mode === 'constant' ? `constant ${formatValue(cval)}` : mode,
    canvas: borderPicture(
      input,
      pad,
      { mode, cval: mode === 'constant' ? cval : 0 },
      options.unitFloats,
      thickness,
    ),
  }));
  return labelledGrid(tiles, options);
}
