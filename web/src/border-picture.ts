/**
 * The letter grid: a 4×4 image a…p extended by two cells on every side under a border mode,
 * computed with the library's own `borderIndex`, so the picture is what the filter does.
 */
import { type BorderMode, borderIndex } from '../../src/index.js';

export interface LetterCell {
  readonly letter: string;
  readonly inside: boolean;
}

export function letterGrid(mode: BorderMode, size = 4, pad = 2): LetterCell[][] {
  const grid: LetterCell[][] = [];
  for (let r = -pad; r < size + pad; r++) {
    const line: LetterCell[] = [];
    for (let c = -pad; c < size + pad; c++) {
      const sr = borderIndex(r, size, mode);
      const sc = borderIndex(c, size, mode);
      const inside = r >= 0 && r < size && c >= 0 && c < size;
      line.push({
        letter: sr < 0 || sc < 0 ? 'k' : String.fromCharCode(97 + sr * size + sc),
        inside,
      });
    }
    grid.push(line);
  }
  return grid;
}
