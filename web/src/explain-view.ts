/** Renders a worked example: the neighbourhood, the kernel as laid, the products and the sum. */
import { roundHalfEven } from '../../src/index.js';
import type { BilateralExample, Example, LinearExample, MedianExample } from './explain-local.js';
import { fmt } from './format.js';

const CHANNEL_NAMES: Record<number, string[]> = {
  1: ['gray'],
  2: ['gray', 'alpha'],
  3: ['red', 'green', 'blue'],
  4: ['red', 'green', 'blue', 'alpha'],
};

export function channelNames(channels: number): string[] {
  return CHANNEL_NAMES[channels] ?? Array.from({ length: channels }, (_, i) => `channel ${i}`);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** The value the library should have stored for a float64 result `v`, and whether `stored` is it. */
function check(v: number, stored: number, dtype: string): { expected: number; ok: boolean; rule: string } {
  if (dtype === 'uint8' || dtype === 'uint16') {
    const max = dtype === 'uint8' ? 255 : 65535;
    const expected = Math.min(max, Math.max(0, roundHalfEven(v)));
    return { expected, ok: expected === stored, rule: `rounded half to even, saturated to 0…${max}` };
  }
  // Float outputs: the library may add the products in another order, so allow rounding.
  const tol = (dtype === 'float32' ? 1e-6 : 1e-12) * Math.max(1, Math.abs(v));
  const expected = dtype === 'float32' ? Math.fround(v) : v;
  return { expected, ok: Math.abs(expected - stored) <= tol, rule: `stored as ${dtype}` };
}

function grid(
  caption: string,
  rows: number,
  cols: number,
  rowLabel: (i: number) => string,
  colLabel: (j: number) => string,
  cell: (i: number, j: number) => { text: string; cls?: string; title?: string },
): HTMLElement {
  const head = el('tr', {}, el('th', { scope: 'col' }, ''));
  for (let j = 0; j < cols; j++) head.append(el('th', { scope: 'col' }, colLabel(j)));
  const body = el('tbody');
  for (let i = 0; i < rows; i++) {
    const tr = el('tr', {}, el('th', { scope: 'row' }, rowLabel(i)));
    for (let j = 0; j < cols; j++) {
      const c = cell(i, j);
      const td = el('td', c.cls ? { class: c.cls } : {}, c.text);
      if (c.title) td.title = c.title;
      tr.append(td);
    }
    body.append(tr);
  }
  // A figure caption rather than a table caption: a table caption wraps to the table's width,
  // which for a 1×3 kernel is a few characters.
  return el(
    'figure',
    { class: 'numfig' },
    el('figcaption', {}, caption),
    el('table', { class: 'numgrid', 'aria-label': caption }, el('thead', {}, head), body),
  );
}

/** Renders any filter's worked example into `target`. */
export function renderExample(target: HTMLElement, ex: Example): void {
  const parts =
    ex.kind === 'median' ? medianParts(ex) : ex.kind === 'bilateral' ? bilateralParts(ex) : linearParts(ex);
  target.replaceChildren(...parts);
  Object.assign(target.dataset, { row: String(ex.row), col: String(ex.col), channel: String(ex.channel) });
}

function linearParts(ex: LinearExample): (Node | string)[] {
  const e = ex.explanation;
  const [kh, kw] = e.params.kernel;
  const conv = e.op === 'convolve';
  const at = (i: number, j: number) => e.terms[i * kw + j];
  const idx = (p: readonly number[]) => `[${p.join(', ')}]`;
  const num = (v: number | string) => (typeof v === 'number' ? fmt(v) : v);
  // The terms run row-major over the kernel as laid on the image: row i of the grids is
  // image row terms[i·kw].pixel[0].
  const hood = grid(
    'Neighbourhood x (image rows × columns; shaded = outside the image, from the border)',
    kh,
    kw,
    (i) => fmt(at(i, 0).pixel[0]),
    (j) => fmt(at(0, j).pixel[1]),
    (i, j) => {
      const t = at(i, j);
      return t.border
        ? {
            text: num(t.x),
            cls: 'border',
            title: t.from
              ? `x${idx(t.pixel)} is x${idx(t.from)} (${t.border} border)`
              : `${t.border} border value`,
          }
        : { text: num(t.x), title: `x${idx(t.pixel)}` };
    },
  );
  const anchorAt = (i: number, j: number) => {
    const t = at(i, j).tap;
    const a = e.indexing === 'centered' ? [0, 0] : e.params.anchor;
    return t[0] === a[0] && t[1] === a[1];
  };
  const kern = grid(
    conv ? 'Kernel as laid (h rotated 180°: convolution)' : 'Kernel as laid (h as written: correlation)',
    kh,
    kw,
    (i) => fmt(at(i, 0).pixel[0]),
    (j) => fmt(at(0, j).pixel[1]),
    (i, j) => ({
      text: num(at(i, j).h),
      cls: anchorAt(i, j) ? 'anchor' : '',
      title: `h${idx(at(i, j).tap)} as written`,
    }),
  );
  const prods = grid(
    'Products h·x',
    kh,
    kw,
    (i) => fmt(at(i, 0).pixel[0]),
    (j) => fmt(at(0, j).pixel[1]),
    (i, j) => ({
      text: num(at(i, j).product),
    }),
  );
  const nonzero = e.terms.filter((t) => t.h !== 0);
  const terms =
    nonzero.length <= 25
      ? nonzero
          .map((t) => `${num(t.h)}·${num(t.x)}`)
          .join(' + ')
          .replace(/\+ −/g, '− ')
      : `${nonzero.length} non-zero products`;
  const sum = typeof e.sum === 'number' ? e.sum : NaN;
  const c = check(sum, ex.stored, e.params.dtype);
  const indexing =
    e.indexing === 'centered'
      ? `centred indices: the centre of the image, of the kernel and of the output is [0, 0]`
      : `zero-based indices`;
  const parts: (Node | string)[] = [
    what(
      ex,
      conv ? 'convolution' : 'correlation',
      `y${idx(e.at)} in ${indexing}; border ${e.params.border}${e.params.border === 'constant' ? ` (k = ${fmt(e.params.cval)})` : ''}, shape ${e.params.shape}`,
    ),
    el('p', { class: 'formula' }, ex.formula),
    el('div', { class: 'grids' }, hood, kern, prods),
    el(
      'p',
      { class: 'sum', 'data-sum': String(sum) },
      `Σ h·x = ${terms || '0'} = `,
      el('strong', {}, fmt(sum, 10)),
    ),
  ];
  for (const note of e.notes) parts.push(el('p', { class: 'note' }, note));
  const libraryOutput = e.output ?? NaN;
  parts.push(
    el(
      'p',
      {
        class: (ex.premultiplied ? true : c.ok) ? 'stored ok' : 'stored bad',
        'data-stored': String(ex.stored),
      },
      `Result pixel (${c.rule}): `,
      el('strong', {}, fmt(ex.stored, 10)),
      ex.premultiplied
        ? ` — filtered premultiplied (colour weighted by alpha), so it differs from the channel on its own (${fmt(libraryOutput, 10)}).`
        : c.ok && libraryOutput === ex.stored
          ? ' ✓ the library’s result agrees'
          : ` ⚠ expected ${fmt(c.expected, 10)} from the sum`,
    ),
    el(
      'details',
      {},
      el('summary', {}, 'As text (what convkit explain prints)'),
      el('pre', { class: 'explain-text' }, ex.text),
    ),
  );
  return parts;
}

const what = (
  ex: { row: number; col: number; channel: number; channels: number },
  name: string,
  rest: string,
) =>
  el(
    'p',
    { class: 'what' },
    `Output pixel (row ${ex.row}, column ${ex.col}), ${channelNames(ex.channels)[ex.channel]} — ${name}, ${rest}.`,
  );

function medianParts(ex: MedianExample): (Node | string)[] {
  const ar = ex.rows >> 1;
  const ac = ex.cols >> 1;
  const at = (i: number, j: number) => ex.cells[i * ex.cols + j];
  const hood = grid(
    `Window X (image rows × columns; shaded = supplied by the border)`,
    ex.rows,
    ex.cols,
    (i) => fmt(at(i, 0).row),
    (j) => fmt(at(0, j).col),
    (i, j) => {
      const c = at(i, j);
      const own = c.source !== null && c.source[0] === c.row && c.source[1] === c.col;
      return {
        text: fmt(c.value),
        cls: `${own ? '' : 'border'}${i === ar && j === ac ? ' anchor' : ''}`.trim(),
        title: c.source ? `from image (${c.source[0]}, ${c.source[1]})` : 'constant border value',
      };
    },
  );
  const n = ex.sorted.length;
  // Every value for windows up to 15×15; for larger ones the 15 around the middle.
  const from = n <= 225 ? 0 : ex.rank - 7;
  const to = n <= 225 ? n : ex.rank + 8;
  const list = el('ol', {
    class: 'sorted',
    'aria-label': `Window values sorted, ranks ${from} to ${to - 1}`,
  });
  for (let k = from; k < to; k++) {
    list.append(
      el('li', k === ex.rank ? { class: 'pick' } : {}, el('small', {}, String(k)), fmt(ex.sorted[k])),
    );
  }
  const c = check(ex.sorted[ex.rank], ex.stored, ex.dtype);
  return [
    what(ex, 'median', `border ${ex.border}, window ${ex.cols}×${ex.rows} anchored at (${ar}, ${ac})`),
    el('div', { class: 'grids' }, hood),
    el(
      'p',
      { class: 'note' },
      `The ${n} values sorted${n > 225 ? ' (the 15 around the middle shown)' : ''}; the output is the one of ` +
        `rank ⌊${n}/2⌋ = ${ex.rank} (counting from 0)` +
        (n % 2 === 0 ? ', the upper of the two middle ones.' : ', the middle one.'),
    ),
    list,
    el(
      'p',
      { class: c.ok ? 'stored ok' : 'stored bad', 'data-stored': String(ex.stored) },
      'Result pixel: ',
      el('strong', { 'data-median': String(ex.sorted[ex.rank]) }, fmt(ex.stored, 10)),
      c.ok ? ' ✓ the library’s result agrees' : ` ⚠ expected ${fmt(c.expected, 10)}`,
    ),
  ];
}

function bilateralParts(ex: BilateralExample): (Node | string)[] {
  const r = ex.radius;
  const side = 2 * r + 1;
  const byOffset = new Map(ex.taps.map((t) => [`${t.di},${t.dj}`, t]));
  const cellOf = (i: number, j: number) => byOffset.get(`${i - r},${j - r}`);
  const parts: (Node | string)[] = [
    what(
      ex,
      'bilateral',
      `border ${ex.border}, disc of radius ${r} (${ex.taps.length} pixels), σ colour ${fmt(ex.sigmaColor)}, σ space ${fmt(ex.sigmaSpace)}`,
    ),
    el(
      'p',
      { class: 'formula' },
      'y = Σ w·x / Σ w,  w = exp(−|q − p|² / 2σs²) · exp(−D² / 2σc²),  D = Σ over channels |x[q] − x[p]|',
    ),
  ];
  if (side <= 15) {
    const lab = (v: number) => fmt(v - r);
    const hood = grid('Disc X (offsets from the pixel)', side, side, lab, lab, (i, j) => {
      const t = cellOf(i, j);
      if (!t) return { text: '' };
      const own =
        t.cell.source !== null && t.cell.source[0] === t.cell.row && t.cell.source[1] === t.cell.col;
      return {
        text: fmt(t.cell.value),
        cls: `${own ? '' : 'border'}${i === r && j === r ? ' anchor' : ''}`.trim(),
      };
    });
    const weights = grid('Weights w = space · colour', side, side, lab, lab, (i, j) => {
      const t = cellOf(i, j);
      return t
        ? {
            text: fmt(t.weight, 3),
            title: `space ${fmt(t.spaceWeight, 4)} · colour ${fmt(t.colourWeight, 4)} (D = ${fmt(t.distance)})`,
          }
        : { text: '' };
    });
    parts.push(el('div', { class: 'grids' }, hood, weights));
  } else {
    parts.push(
      el('p', { class: 'note' }, `The disc is ${side} pixels wide: too wide to print; the sums are below.`),
    );
  }
  const integer = ex.dtype === 'uint8' || ex.dtype === 'uint16';
  const expected = integer ? roundHalfEven(ex.mean) : ex.mean;
  const close = Math.abs(ex.stored - expected) <= (integer ? 1 : 1e-3 * Math.max(1, Math.abs(ex.mean)));
  parts.push(
    el(
      'p',
      { class: 'sum', 'data-mean': String(ex.mean) },
      `Σ w = ${fmt(ex.weightSum)}, Σ w·x / Σ w = `,
      el('strong', {}, fmt(ex.mean, 8)),
    ),
    el(
      'p',
      { class: close ? 'stored ok' : 'stored bad', 'data-stored': String(ex.stored) },
      'Result pixel: ',
      el('strong', {}, fmt(ex.stored, 10)),
      ex.stored === expected && !ex.approximate
        ? ' ✓ the library’s result agrees'
        : close
          ? ` ≈ agrees (the library, like OpenCV, sums in float32${ex.approximate ? ' and interpolates the colour weight for float images' : ''})`
          : ` ⚠ expected about ${fmt(expected)}`,
    ),
  );
  return parts;
}
