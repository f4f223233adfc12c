/**
 * Renders an Explanation as text (terminal), Markdown, or the stable JSON object.
 * Text and Markdown show the neighbourhood, the kernel as written, the kernel as it is
 * laid over the image (flipped for convolution), the products and the sum.
 */
import { type ExplainTerm, type ExplainValue, type Explanation, formatValue } from './explain.js';

/** Grids wider or taller than this are summarized instead of printed. */
export const MAX_GRID_SIDE = 15;
/** Default number of terms listed one per line before the list is summarized. */
export const DEFAULT_MAX_TERMS = 225;

export interface RenderOptions {
  /** List at most this many terms; beyond, print the first and last few (default 225). */
  maxTerms?: number;
}

const idx = (p: readonly number[]) => `[${p.join(', ')}]`;

/**
 * The stable JSON form (documented in docs/explain.md):
 * `{op, at, indexing, terms: [{pixel, tap, x, h, product, border?, from?}], sum, output?, params, notes}`.
 * Symbols (letters, `x[r, c]`) are strings; NaN and ±Infinity are the strings "NaN", "Infinity", "-Infinity".
 */
export function explanationToJSON(e: Explanation): object {
  const num = (v: ExplainValue) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  return {
    op: e.op,
    at: e.at,
    indexing: e.indexing,
    terms: e.terms.map((t) => ({
      pixel: t.pixel,
      tap: t.tap,
      x: num(t.x),
      h: num(t.h),
      product: num(t.product),
      ...(t.border ? { border: t.border } : {}),
      ...(t.from ? { from: t.from } : {}),
    })),
    sum: num(e.sum),
    ...(e.output === undefined ? {} : { output: num(e.output) }),
    params: e.params,
    notes: e.notes,
  };
}

/**
 * The JSON text: two-space indentation, one term per line (so a diff or a grep shows a
 * term at a time). Parses to `explanationToJSON(e)`.
 */
export function explanationToJSONText(e: Explanation): string {
  const obj = explanationToJSON(e) as Record<string, unknown>;
  const lines = Object.entries(obj).map(([k, v]) => {
    if (k === 'terms') {
      const terms = (v as unknown[]).map((t) => `    ${JSON.stringify(t)}`).join(',\n');
      return `  "terms": [\n${terms}\n  ]`;
    }
    if (k === 'params') {
      const params = Object.entries(v as object).map(
        ([pk, pv]) => `    ${JSON.stringify(pk)}: ${JSON.stringify(pv)}`,
      );
      return `  "params": {\n${params.join(',\n')}\n  }`;
    }
    return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** The formula with this explanation's offsets, in its indexing. */
export function formulaOf(e: Explanation): string {
  const t = e.terms[0];
  const sign = e.op === 'convolve' ? -1 : 1;
  // correlate: pixel = at + tap + d; convolve: pixel = at − tap + d.
  const d = [0, 1].map((k) => t.pixel[k] - e.at[k] - sign * t.tap[k]);
  const off = (v: number) => (v === 0 ? '' : v > 0 ? ` + ${v}` : ` − ${-v}`);
  if (e.op === 'correlate') {
    return `y[m, n] = Σ_i Σ_j h[i, j] · x[m + i${off(d[0])}, n + j${off(d[1])}]`;
  }
  // x[i, j] meets h[m − i + d].
  return `y[m, n] = Σ_i Σ_j h[m − i${off(d[0])}, n − j${off(d[1])}] · x[i, j]`;
}

function describeHeader(e: Explanation): { title: string; setting: string } {
  const p = e.params;
  const [H, W, C] = p.image;
  const image = `image ${H}×${W}${C > 1 ? `×${C} (channel ${p.channel})` : ''}${p.symbolic && typeof e.terms[0]?.x === 'string' ? ' (symbolic)' : ''}`;
  const border = p.border === 'constant' ? `constant (cval ${formatValue(p.cval)})` : p.border;
  const setting =
    `${image}, kernel ${p.kernel[0]}×${p.kernel[1]} (anchor ${idx(anchorIn(e))}), border ${border}, ` +
    `shape ${p.shape} → output ${p.outputShape[0]}×${p.outputShape[1]}, dtype ${p.dtype}`;
  const title =
    `${e.op}: y${idx(e.at)}, ` +
    (e.indexing === 'centered'
      ? 'centered indices (the centre of the image, of the kernel and of the output is [0, 0])'
      : 'zero-based indices ([0, 0] is the top-left of the image, of the kernel and of the output)');
  return { title, setting };
}

/** The anchor in the explanation's indexing. */
function anchorIn(e: Explanation): [number, number] {
  const a = e.params.anchor;
  return e.indexing === 'centered' ? [a[0] - e.origins.kernel[0], a[1] - e.origins.kernel[1]] : a;
}

/** Row/column labels of the neighbourhood and of the two kernel layouts. */
function layout(e: Explanation) {
  const [kh, kw] = e.params.kernel;
  const t0 = e.terms[0];
  const pixelRows = Array.from({ length: kh }, (_, i) => t0.pixel[0] + i);
  const pixelCols = Array.from({ length: kw }, (_, j) => t0.pixel[1] + j);
  const ko = e.indexing === 'centered' ? e.origins.kernel : [0, 0];
  const tapRows = Array.from({ length: kh }, (_, i) => i - ko[0]);
  const tapCols = Array.from({ length: kw }, (_, j) => j - ko[1]);
  const at = (i: number, j: number): ExplainTerm => e.terms[i * kw + j];
  return { kh, kw, pixelRows, pixelCols, tapRows, tapCols, at };
}

function describeBorder(t: ExplainTerm, e: Explanation): string {
  if (!t.border) return '';
  if (t.from) return `x${idx(t.pixel)} is x${idx(t.from)} (${t.border} border)`;
  return `x${idx(t.pixel)} is outside: cval ${formatValue(e.params.cval)} (constant border)`;
}

function outputLine(e: Explanation): string {
  if (e.output === undefined) return '';
  const dt = e.params.dtype;
  const how =
    dt === 'float64'
      ? 'the float64 sum itself'
      : dt === 'float32'
        ? 'the float64 sum rounded to float32'
        : `the sum rounded (${'half to even unless --rounding says otherwise'}) and saturated to ${dt}`;
  return `output (${dt}): ${String(e.output)} — ${how}; what convkit ${e.op} returns at this position`;
}

/** Right-aligned table with row labels. */
function textGrid(rows: readonly string[], cols: readonly string[], cell: (i: number, j: number) => string) {
  const cells = rows.map((_, i) => cols.map((_, j) => cell(i, j)));
  const w = Math.max(...cols.map((c) => c.length), ...cells.flat().map((c) => c.length));
  const lw = Math.max(...rows.map((r) => r.length));
  const lines = [`${' '.repeat(lw)}${cols.map((c) => c.padStart(w + 2)).join('')}`];
  rows.forEach((r, i) => lines.push(`${r.padStart(lw)}${cells[i].map((c) => c.padStart(w + 2)).join('')}`));
  return lines.map((l) => `  ${l.trimEnd()}`).join('\n');
}

function termLine(t: ExplainTerm): [string, string] {
  const lhs = `h${idx(t.tap)} · x${idx(t.pixel)}`;
  const values =
    typeof t.product === 'number'
      ? `${formatValue(t.h)} · ${formatValue(t.x)} = ${formatValue(t.product)}`
      : `${formatValue(t.product)}`;
  return [lhs, values];
}

function selectTerms(e: Explanation, maxTerms: number): { shown: ExplainTerm[]; skipped: number } {
  if (e.terms.length <= maxTerms) return { shown: [...e.terms], skipped: 0 };
  const half = Math.max(1, Math.floor(Math.min(maxTerms, 16) / 2));
  return {
    shown: [...e.terms.slice(0, half), ...e.terms.slice(e.terms.length - half)],
    skipped: e.terms.length - 2 * half,
  };
}

function summary(e: Explanation): string[] {
  const out: string[] = [];
  const border = e.terms.filter((t) => t.border).length;
  out.push(
    `${e.terms.length} terms (${e.params.kernel[0]}×${e.params.kernel[1]} kernel), ` +
      `${border} of them from outside the image (${e.params.border} border)`,
  );
  const nums = e.terms.map((t) => t.product).filter((p): p is number => typeof p === 'number');
  if (nums.length === e.terms.length && nums.length > 0) {
    out.push(`products range from ${formatValue(Math.min(...nums))} to ${formatValue(Math.max(...nums))}`);
  }
  return out;
}

const KERNEL_LAID = (e: Explanation) =>
  e.op === 'convolve'
    ? 'Kernel as laid over the image (flipped in both axes: convolution); each cell meets the pixel in the same place'
    : 'Kernel as laid over the image (not flipped: correlation); each cell meets the pixel in the same place';

/** A worked example for a terminal. */
export function explanationToText(e: Explanation, options: RenderOptions = {}): string {
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  const { title, setting } = describeHeader(e);
  const L = layout(e);
  const out: string[] = [title, setting, '', `  ${formulaOf(e)}`, ''];
  for (const n of e.notes) out.push(`note: ${n}`);
  if (e.notes.length) out.push('');
  const anyBorder = e.terms.some((t) => t.border);
  if (L.kh <= MAX_GRID_SIDE && L.kw <= MAX_GRID_SIDE) {
    out.push(
      `Neighbourhood: the pixels under the kernel${anyBorder ? ' (* = outside the image, from the border)' : ''}`,
    );
    out.push(
      textGrid(
        L.pixelRows.map(String),
        L.pixelCols.map(String),
        (i, j) => formatValue(L.at(i, j).x) + (L.at(i, j).border ? '*' : ''),
      ),
    );
    out.push('', 'Kernel h as written');
    out.push(
      textGrid(L.tapRows.map(String), L.tapCols.map(String), (i, j) => formatValue(e.kernel[i * L.kw + j])),
    );
    out.push('', KERNEL_LAID(e));
    out.push(
      textGrid(L.pixelRows.map(String), L.pixelCols.map(String), (i, j) => {
        const t = L.at(i, j);
        return `h${idx(t.tap)}=${formatValue(t.h)}`;
      }),
    );
    out.push('', 'Products h·x');
    out.push(
      textGrid(L.pixelRows.map(String), L.pixelCols.map(String), (i, j) => formatValue(L.at(i, j).product)),
    );
  } else {
    out.push(
      `The ${L.kh}×${L.kw} neighbourhood is too large to draw: pixels rows ${L.pixelRows[0]}…${L.pixelRows[L.kh - 1]}, ` +
        `columns ${L.pixelCols[0]}…${L.pixelCols[L.kw - 1]}.`,
    );
  }
  out.push('', 'Terms, in the order they are summed:');
  const { shown, skipped } = selectTerms(e, maxTerms);
  const lines = shown.map(termLine);
  const w = Math.max(...lines.map((l) => l[0].length));
  shown.forEach((t, k) => {
    const note = describeBorder(t, e);
    out.push(`  ${lines[k][0].padEnd(w)}  =  ${lines[k][1]}${note ? `    ${note}` : ''}`);
    if (skipped > 0 && k === shown.length / 2 - 1) {
      out.push(`  … ${skipped} more terms (all of them: --format json, or --max-terms ${e.terms.length})`);
    }
  });
  if (skipped > 0) out.push('', ...summary(e));
  out.push('');
  if (e.terms.length <= MAX_INDEX_SUM_TERMS) out.push(`y${idx(e.at)} = ${indexSum(e)}`);
  if (typeof e.sum === 'string') {
    out.push(`y${idx(e.at)} = ${e.sum}`);
  } else {
    out.push(`y${idx(e.at)} = Σ h·x = ${String(e.sum)}`);
    out.push(outputLine(e));
  }
  return out.join('\n') + '\n';
}

/** Up to this many terms, the sum is also written with indices only: h[1, 1]·x[0, 0] + … */
const MAX_INDEX_SUM_TERMS = 49;

/** The sum with indices only, in summation order (every term, zero taps included). */
export function indexSum(e: Explanation): string {
  return e.terms.map((t) => `h${idx(t.tap)}·x${idx(t.pixel)}`).join(' + ');
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

function mdTable(rows: readonly string[], cols: readonly string[], cell: (i: number, j: number) => string) {
  const head = `| | ${cols.map(mdCell).join(' | ')} |`;
  const rule = `|---|${cols.map(() => '---:').join('|')}|`;
  const body = rows.map(
    (r, i) => `| **${mdCell(r)}** | ${cols.map((_, j) => mdCell(cell(i, j))).join(' | ')} |`,
  );
  return [head, rule, ...body].join('\n');
}

/** A worked example as Markdown (tables for the grids and the terms). */
export function explanationToMarkdown(e: Explanation, options: RenderOptions = {}): string {
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  const { title, setting } = describeHeader(e);
  const L = layout(e);
  const out: string[] = [`### ${title}`, '', `_${setting}_`, '', `\`${formulaOf(e)}\``, ''];
  for (const n of e.notes) out.push(`> note: ${n}`, '');
  if (L.kh <= MAX_GRID_SIDE && L.kw <= MAX_GRID_SIDE) {
    const anyBorder = e.terms.some((t) => t.border);
    out.push(
      `**Neighbourhood** — the pixels under the kernel${anyBorder ? ' (\\* = outside the image, from the border)' : ''}`,
      '',
    );
    out.push(
      mdTable(
        L.pixelRows.map(String),
        L.pixelCols.map(String),
        (i, j) => formatValue(L.at(i, j).x) + (L.at(i, j).border ? '\\*' : ''),
      ),
      '',
    );
    out.push('**Kernel h as written**', '');
    out.push(
      mdTable(L.tapRows.map(String), L.tapCols.map(String), (i, j) => formatValue(e.kernel[i * L.kw + j])),
      '',
    );
    out.push(`**${KERNEL_LAID(e)}**`, '');
    out.push(
      mdTable(L.pixelRows.map(String), L.pixelCols.map(String), (i, j) => {
        const t = L.at(i, j);
        return `h${idx(t.tap)} = ${formatValue(t.h)}`;
      }),
      '',
    );
    out.push('**Products h·x**', '');
    out.push(
      mdTable(L.pixelRows.map(String), L.pixelCols.map(String), (i, j) => formatValue(L.at(i, j).product)),
      '',
    );
  } else {
    out.push(`_The ${L.kh}×${L.kw} neighbourhood is too large to draw._`, '');
  }
  out.push('**Terms**, in the order they are summed', '');
  out.push('| pixel | tap | x | h | h·x | border |', '|---|---|---:|---:|---:|---|');
  const { shown, skipped } = selectTerms(e, maxTerms);
  shown.forEach((t, k) => {
    out.push(
      `| x${idx(t.pixel)} | h${idx(t.tap)} | ${mdCell(formatValue(t.x))} | ${mdCell(formatValue(t.h))} | ` +
        `${mdCell(formatValue(t.product))} | ${mdCell(describeBorder(t, e))} |`,
    );
    if (skipped > 0 && k === shown.length / 2 - 1) out.push(`| … | ${skipped} more terms | | | | |`);
  });
  out.push('');
  if (skipped > 0) out.push(...summary(e).map((s) => `_${s}_`), '');
  if (e.terms.length <= MAX_INDEX_SUM_TERMS) out.push(`y${idx(e.at)} = ${mdCell(indexSum(e))}`, '');
  if (typeof e.sum === 'string') {
    out.push(`**y${idx(e.at)} = ${mdCell(e.sum)}**`);
  } else {
    out.push(`**y${idx(e.at)} = Σ h·x = ${String(e.sum)}**`, '', outputLine(e));
  }
  return out.join('\n') + '\n';
}
