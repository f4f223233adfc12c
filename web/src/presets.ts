/**
 * Kernel presets: a few teaching examples of the playground's own, the lecture notes' masks
 * and every other named kernel of the library (`NAMED_KERNELS`, with their parameters).
 */
import {
  type Kernel,
  LECTURE_MASKS,
  NAMED_KERNELS,
  type NamedKernel,
  type ParamSpec,
  namedKernel,
  toKernel,
} from '../../src/index.js';

export interface Preset {
  /** `example:…` or `named:<library name>`. */
  readonly id: string;
  readonly group: string;
  readonly name: string;
  readonly summary: string;
  /** The named kernel's parameters (none for the examples). */
  readonly params: readonly ParamSpec[];
  /** The parameter string a preset starts with. */
  readonly initial: string;
  /** Builds the kernel from a parameter string (errors name the parameter and what is allowed). */
  make(params: string): Kernel;
}

/** Small kernels that show one thing each; not named kernels of the library. */
const EXAMPLES: { id: string; name: string; summary: string; rows: number[][] }[] = [
  {
    id: 'lecture-x',
    name: 'Lecture worked example (X mask)',
    summary: 'The notes’ printed 7×7 example uses this mask: try it on the lecture image with shape “valid”.',
    rows: [
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
    ],
  },
  {
    id: 'lecture-asym',
    name: 'Asymmetric twin of the X mask',
    summary: 'Convolution and correlation differ: toggle them and watch the laid kernel turn.',
    rows: [
      [1, 2, 0],
      [0, 0, 0],
      [0, 0, -1],
    ],
  },
  {
    id: 'shift',
    name: 'Shift (one tap off centre)',
    summary: 'Correlation moves the image right by one pixel, convolution left: the flip in one tap.',
    rows: [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ],
  },
  {
    id: 'identity',
    name: 'Identity',
    summary: 'One tap at the anchor: the image unchanged, whatever the border.',
    rows: [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ],
  },
];

/** Parameter strings that make a useful kernel where the library's defaults alone do not. */
const INITIAL: Readonly<Record<string, string>> = { gaussian: 'ksize=7', binomial2d: 'ksize=7x7' };

function defaults(spec: NamedKernel): string {
  if (INITIAL[spec.name] !== undefined) return INITIAL[spec.name];
  return spec.params
    .filter((p) => p.default !== undefined)
    .map((p) => `${p.name}=${Array.isArray(p.default) ? p.default.join('x') : String(p.default)}`)
    .join(', ');
}

export const PRESETS: readonly Preset[] = [
  ...EXAMPLES.map((e): Preset => ({
    id: `example:${e.id}`,
    group: 'Examples',
    name: e.name,
    summary: e.summary,
    params: [],
    initial: '',
    make: () => toKernel(e.rows),
  })),
  ...[...NAMED_KERNELS.values()].map((k): Preset => ({
    id: `named:${k.name}`,
    group: k.name in LECTURE_MASKS ? 'Lecture notes’ masks' : 'Named kernels',
    name: k.name,
    summary: k.summary + (k.note ? ` (${k.note})` : ''),
    params: k.params,
    initial: defaults(k),
    // The library reads "a=1,b=2"; people also type spaces after the commas.
    make: (params) => namedKernel(k.name, params.replace(/,\s+/g, ',')),
  })),
];

/** Smallest D (from these) that makes every tap a readable integer multiple of 1/D. */
const DENOMINATORS = [
  ...Array.from({ length: 1024 }, (_, i) => i + 1),
  ...Array.from({ length: 14 }, (_, i) => 2 ** (i + 11)),
  ...Array.from({ length: 1024 }, (_, i) => (i + 1) ** 2).filter((d) => d > 1024),
].sort((a, b) => a - b);

/**
 * Cells for the editor and the scale that reproduce a kernel: integers with "1/D" when every
 * tap is n/D for a common D (the lecture's masks, boxes, binomials, Sobel), otherwise each
 * tap written out in full (the shortest decimal that reads back to the same float64).
 */
export function cellsFor(k: Kernel): { rows: string[][]; scale: string } {
  const taps = Array.from(k.data);
  const fits = (d: number) =>
    taps.every((t) => {
      const n = Math.round(t * d);
      return Math.abs(n) <= 1e7 && (n === 0) === (t === 0) && n / d === t;
    });
  const d = DENOMINATORS.find(fits);
  const cell = (t: number) => (d === undefined ? String(t) : String(Math.round(t * d)));
  const rows = Array.from({ length: k.rows }, (_, i) =>
    Array.from({ length: k.cols }, (_, j) => cell(taps[i * k.cols + j])),
  );
  return { rows, scale: d === undefined || d === 1 ? '1' : `1/${d}` };
}
