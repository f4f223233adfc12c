/**
 * A worked example as an SVG picture: the neighbourhood (border pixels shaded and labelled
 * with the rule that produced them), the kernel as written, the kernel as laid over the
 * image (flipped for convolution) and the products, then the sum.
 */
import { type Explanation, type ExplainTerm, formatValue } from './explain.js';
import { MAX_GRID_SIDE, formulaOf } from './format.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FONT = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"';
const CHAR_W = 7.8; // advance of a 13 px monospace glyph, for layout
const BORDER_FILL = '#fde2c0';
const INSIDE_FILL = '#eef4fb';
const KERNEL_FILL = '#e9f7e9';

interface Panel {
  title: string;
  rows: string[];
  cols: string[];
  cell: (i: number, j: number) => { main: string; small?: string; fill: string };
}

function idx(p: readonly number[]) {
  return `[${p.join(', ')}]`;
}

function wrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width) {
      lines.push(line);
      line = '    ' + w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

/** The worked example as a standalone SVG document. */
export function explanationToSvg(e: Explanation): string {
  const [kh, kw] = e.params.kernel;
  const parts: string[] = [];
  let y = 24;
  const text = (x: number, yy: number, s: string, attrs = '') =>
    parts.push(`<text x="${x}" y="${yy}" ${FONT} font-size="13" ${attrs}>${esc(s)}</text>`);
  const title = `${e.op}: y${idx(e.at)} (${e.indexing} indices)`;
  parts.push(`<text x="16" y="${y}" ${FONT} font-size="16" font-weight="bold">${esc(title)}</text>`);
  y += 22;
  const p = e.params;
  const border = p.border === 'constant' ? `constant (cval ${formatValue(p.cval)})` : p.border;
  text(
    16,
    y,
    `image ${p.image[0]}×${p.image[1]}, kernel ${kh}×${kw}, border ${border}, shape ${p.shape}, dtype ${p.dtype}`,
  );
  y += 20;
  text(16, y, formulaOf(e));
  y += 12;
  for (const n of e.notes) {
    for (const l of wrap(`note: ${n}`, 110)) {
      y += 18;
      text(16, y, l, 'fill="#8a4b00"');
    }
  }
  y += 20;
  let width = 800;

  if (kh <= MAX_GRID_SIDE && kw <= MAX_GRID_SIDE) {
    const t0 = e.terms[0];
    const at = (i: number, j: number): ExplainTerm => e.terms[i * kw + j];
    const pixelRows = Array.from({ length: kh }, (_, i) => String(t0.pixel[0] + i));
    const pixelCols = Array.from({ length: kw }, (_, j) => String(t0.pixel[1] + j));
    const ko = e.indexing === 'centered' ? e.origins.kernel : [0, 0];
    const tapRows = Array.from({ length: kh }, (_, i) => String(i - ko[0]));
    const tapCols = Array.from({ length: kw }, (_, j) => String(j - ko[1]));
    const panels: Panel[] = [
      {
        title: 'neighbourhood x',
        rows: pixelRows,
        cols: pixelCols,
        cell: (i, j) => {
          const t = at(i, j);
          return {
            main: formatValue(t.x),
            small: t.border ? (t.from ? `${t.border} ← ${idx(t.from)}` : `${t.border}`) : undefined,
            fill: t.border ? BORDER_FILL : INSIDE_FILL,
          };
        },
      },
      {
        title: 'kernel h as written',
        rows: tapRows,
        cols: tapCols,
        cell: (i, j) => ({ main: formatValue(e.kernel[i * kw + j]), fill: KERNEL_FILL }),
      },
      {
        title: e.op === 'convolve' ? 'h as laid on x (flipped)' : 'h as laid on x (not flipped)',
        rows: pixelRows,
        cols: pixelCols,
        cell: (i, j) => ({
          main: formatValue(at(i, j).h),
          small: `h${idx(at(i, j).tap)}`,
          fill: KERNEL_FILL,
        }),
      },
      {
        title: 'products h·x',
        rows: pixelRows,
        cols: pixelCols,
        cell: (i, j) => ({
          main: formatValue(at(i, j).product),
          fill: at(i, j).border ? BORDER_FILL : '#ffffff',
        }),
      },
    ];
    let x = 16;
    let tallest = 0;
    const panelTop = y;
    for (const panel of panels) {
      let longest = 4;
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const c = panel.cell(i, j);
          longest = Math.max(longest, c.main.length, (c.small?.length ?? 0) * 0.8);
        }
      const cw = Math.ceil(longest * CHAR_W + 14);
      const ch = 40;
      const labelW = 30;
      const pw = labelW + cw * kw;
      if (x + pw > 1400 && x > 16) {
        // wrap the panels onto another line rather than making the picture very wide
        x = 16;
        y = panelTop + tallest + 20;
        tallest = 0;
      }
      text(x, y, panel.title, 'font-weight="bold"');
      const gy = y + 22;
      panel.cols.forEach((c, j) =>
        text(x + labelW + j * cw + cw / 2, gy - 4, c, 'text-anchor="middle" fill="#666"'),
      );
      panel.rows.forEach((r, i) =>
        text(x + labelW - 6, gy + i * ch + ch / 2 + 4, r, 'text-anchor="end" fill="#666"'),
      );
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const c = panel.cell(i, j);
          const cx = x + labelW + j * cw;
          const cy = gy + i * ch;
          parts.push(
            `<rect x="${cx}" y="${cy}" width="${cw}" height="${ch}" fill="${c.fill}" stroke="#888" stroke-width="1"/>`,
          );
          text(cx + cw / 2, cy + (c.small ? 18 : 25), c.main, 'text-anchor="middle"');
          if (c.small) {
            parts.push(
              `<text x="${cx + cw / 2}" y="${cy + 33}" ${FONT} font-size="10" fill="#555" text-anchor="middle">${esc(c.small)}</text>`,
            );
          }
        }
      }
      tallest = Math.max(tallest, 22 + ch * kh + 10);
      width = Math.max(width, x + pw + 16);
      x += pw + 28;
    }
    y += tallest + 16;
  } else {
    text(
      16,
      y,
      `The ${kh}×${kw} neighbourhood is too large to draw; see --format text or json for the terms.`,
    );
    y += 24;
  }
  const sum =
    typeof e.sum === 'string' ? `y${idx(e.at)} = ${e.sum}` : `y${idx(e.at)} = Σ h·x = ${String(e.sum)}`;
  for (const l of wrap(sum, Math.max(60, Math.floor((width - 32) / CHAR_W)))) {
    parts.push(`<text x="16" y="${y}" ${FONT} font-size="14" font-weight="bold">${esc(l)}</text>`);
    y += 20;
  }
  if (e.output !== undefined && e.params.dtype !== 'float64') {
    text(16, y, `output (${e.params.dtype}): ${String(e.output)}`);
    y += 20;
  }
  const height = y + 8;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" ` +
    `viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">\n` +
    `<rect width="100%" height="100%" fill="#ffffff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}
