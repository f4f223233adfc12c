/**
 * The kernel editor: a grid of numeric cells (1…15 × 1…15) with spreadsheet-like keyboard
 * navigation. One cell is in the tab order at a time (a roving tabindex), so Tab moves past
 * the grid and the arrow keys move inside it. Cells accept what the CLI's inline kernels
 * accept (decimals, exponents, fractions like 1/16): each is parsed by `parseInlineKernel`.
 */
import { parseInlineKernel } from '../../src/index.js';

export const MAX_SIZE = 15;

export interface CellError {
  readonly row: number;
  readonly col: number;
  readonly message: string;
}

export type Parsed =
  | { readonly ok: true; readonly taps: number[]; readonly rows: number; readonly cols: number }
  | { readonly ok: false; readonly errors: CellError[] };

/** Parses one cell's text as a single finite number, with a message for the page when it is not. */
export function parseCell(text: string): number | string {
  if (text.trim() === '') return 'is empty — type a number (0 for no weight)';
  try {
    const k = parseInlineKernel(text);
    if (k.rows * k.cols !== 1) return `holds ${k.rows * k.cols} numbers — one number per cell`;
    return k.data[0];
  } catch {
    return `“${text.trim()}” is not a number — use decimals like 0.25, −1, 2e-3 or fractions like 1/16`;
  }
}

export class KernelEditor {
  private cells: string[][] = [['1']];
  private active: [number, number] = [0, 0];
  private anchorCell: [number, number] = [0, 0];

  constructor(
    private readonly table: HTMLTableElement,
    private readonly onChange: () => void,
  ) {
    table.addEventListener('keydown', (e) => this.keydown(e));
    table.addEventListener('input', (e) => {
      const t = e.target as HTMLInputElement;
      const r = Number(t.dataset.row);
      const c = Number(t.dataset.col);
      this.cells[r][c] = t.value;
      this.onChange();
    });
    table.addEventListener('focusin', (e) => {
      const t = e.target as HTMLInputElement;
      if (t.tagName !== 'INPUT') return;
      this.setActive(Number(t.dataset.row), Number(t.dataset.col), false);
      t.select();
    });
  }

  get rows(): number {
    return this.cells.length;
  }

  get cols(): number {
    return this.cells[0].length;
  }

  /** Replaces every cell. */
  set(rows: readonly (readonly (number | string)[])[]): void {
    this.cells = rows.map((r) => r.map((v) => String(v)));
    this.active = [Math.min(this.active[0], this.rows - 1), Math.min(this.active[1], this.cols - 1)];
    this.render();
  }

  /** Changes the size, keeping the cells that still fit; new cells are 0. */
  resize(rows: number, cols: number): void {
    this.cells = Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => this.cells[r]?.[c] ?? '0'),
    );
    this.active = [Math.min(this.active[0], rows - 1), Math.min(this.active[1], cols - 1)];
    this.render();
  }

  /** Marks the anchor cell (as entered). */
  setAnchor(row: number, col: number): void {
    this.anchorCell = [row, col];
    for (const input of this.inputs()) {
      input.classList.toggle(
        'anchor',
        Number(input.dataset.row) === row && Number(input.dataset.col) === col,
      );
    }
  }

  parse(): Parsed {
    const errors: CellError[] = [];
    const taps: number[] = [];
    this.cells.forEach((line, r) =>
      line.forEach((text, c) => {
        const v = parseCell(text);
        if (typeof v === 'string')
          errors.push({ row: r, col: c, message: `Row ${r + 1}, column ${c + 1} ${v}` });
        else taps.push(v);
      }),
    );
    const bad = new Set(errors.map((e) => `${e.row},${e.col}`));
    for (const input of this.inputs()) {
      const isBad = bad.has(`${input.dataset.row},${input.dataset.col}`);
      input.setAttribute('aria-invalid', String(isBad));
    }
    return errors.length ? { ok: false, errors } : { ok: true, taps, rows: this.rows, cols: this.cols };
  }

  private inputs(): HTMLInputElement[] {
    return Array.from(this.table.querySelectorAll('input'));
  }

  private cell(r: number, c: number): HTMLInputElement | null {
    return this.table.querySelector(`input[data-row="${r}"][data-col="${c}"]`);
  }

  private setActive(r: number, c: number, focus: boolean): void {
    this.cell(this.active[0], this.active[1])?.setAttribute('tabindex', '-1');
    this.active = [r, c];
    const el = this.cell(r, c);
    if (!el) return;
    el.setAttribute('tabindex', '0');
    if (focus) el.focus();
  }

  private render(): void {
    const body = document.createElement('tbody');
    this.cells.forEach((line, r) => {
      const tr = document.createElement('tr');
      line.forEach((text, c) => {
        const td = document.createElement('td');
        const input = document.createElement('input');
        input.type = 'text';
        input.inputMode = 'decimal';
        input.autocomplete = 'off';
        input.spellcheck = false;
        input.value = text;
        input.dataset.row = String(r);
        input.dataset.col = String(c);
        input.setAttribute('aria-label', `Weight row ${r + 1}, column ${c + 1}`);
        input.tabIndex = r === this.active[0] && c === this.active[1] ? 0 : -1;
        td.append(input);
        tr.append(td);
      });
      body.append(tr);
    });
    this.table.replaceChildren(body);
    this.table.style.setProperty('--cols', String(this.cols));
    this.setAnchor(...this.anchorCell);
  }

  private keydown(e: KeyboardEvent): void {
    const t = e.target as HTMLInputElement;
    if (t.tagName !== 'INPUT') return;
    const [r, c] = this.active;
    const len = t.value.length;
    const all = t.selectionStart === 0 && t.selectionEnd === len;
    let next: [number, number] | null = null;
    switch (e.key) {
      case 'ArrowUp':
        next = [r - 1, c];
        break;
      case 'ArrowDown':
        next = [r + 1, c];
        break;
      case 'Enter':
        next = e.shiftKey ? [r - 1, c] : [r + 1, c];
        break;
      case 'ArrowLeft':
        if (all || (t.selectionStart === 0 && t.selectionEnd === 0)) next = [r, c - 1];
        break;
      case 'ArrowRight':
        if (all || t.selectionStart === len) next = [r, c + 1];
        break;
      case 'Home':
        if (e.ctrlKey) next = [0, 0];
        break;
      case 'End':
        if (e.ctrlKey) next = [this.rows - 1, this.cols - 1];
        break;
    }
    if (!next) return;
    const [nr, nc] = next;
    if (nr < 0 || nc < 0 || nr >= this.rows || nc >= this.cols) return;
    e.preventDefault();
    this.setActive(nr, nc, true);
  }
}
