/**
 * Kernels by name, with parameters: the table behind `convkit kernel <name>` and the
 * `--kernel name:params` syntax. A parameter string is a comma-separated list of values,
 * positional (in the documented order) and/or `key=value`:
 *
 *     gaussian:7,1.5          gaussian:ksize=7,sigma=1.5
 *     box:5x3                 sobel:dx=0,dy=1,ksize=5        motion:length=15,angle=30
 */
import { invalidArgument } from '../core/errors.js';
import { type Kernel, parseNumber } from './kernel.js';
import { gaussianKernel, gaussianTaps, gaussianTapsTruncated } from './gaussian.js';
import {
  laplacianKernel,
  logKernel,
  dogKernel,
  prewittKernel,
  scharrKernel,
  sobelKernel,
} from './derivatives.js';
import {
  LECTURE_MASKS,
  binomialKernel,
  binomialTaps,
  boxKernel,
  diskKernel,
  embossKernel,
  motionKernel,
  sharpenKernel,
  unsharpKernel,
} from './presets.js';

/** A parameter's kind: how its text is read. */
export type ParamKind = 'int' | 'number' | 'size' | 'bool';
export type ParamValue = number | [number, number] | boolean;

export interface ParamSpec {
  /** kebab-case name: the key in `name:key=value` and the CLI flag `--key`. */
  readonly name: string;
  readonly kind: ParamKind;
  /** Omitted: the parameter is optional and the factory's rule applies (stated in `doc`). */
  readonly default?: ParamValue;
  readonly doc: string;
}

export interface NamedKernel {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Sign convention or other note printed in help. */
  readonly note?: string;
  make(p: Readonly<Record<string, ParamValue | undefined>>): Kernel;
}

const num = (p: Readonly<Record<string, ParamValue | undefined>>, k: string) => p[k] as number;
const opt = (p: Readonly<Record<string, ParamValue | undefined>>, k: string) => p[k] as number | undefined;
const size = (p: Readonly<Record<string, ParamValue | undefined>>, k: string) =>
  p[k] as [number, number] | undefined;
const row1d = (taps: Float64Array): Kernel => ({ data: taps, rows: 1, cols: taps.length });

const KSIZE_WH = (def?: [number, number], doc = 'size WxH (width x height); N means NxN'): ParamSpec => ({
  name: 'ksize',
  kind: 'size',
  default: def,
  doc,
});
const DX: ParamSpec = { name: 'dx', kind: 'int', default: 1, doc: 'derivative order along x (columns)' };
const DY: ParamSpec = { name: 'dy', kind: 'int', default: 0, doc: 'derivative order along y (rows)' };
const DERIV_SIGN =
  'correlate: positive where intensity increases to the right (dx) / downwards (dy), as OpenCV';

const TABLE: NamedKernel[] = [
  {
    name: 'box',
    summary: 'box (averaging) kernel of any width × height, even sizes too',
    params: [
      KSIZE_WH([3, 3]),
      { name: 'normalize', kind: 'bool', default: true, doc: 'divide by width·height (sum 1)' },
    ],
    make: (p) => boxKernel(size(p, 'ksize')!, { normalize: p.normalize as boolean }),
  },
  {
    name: 'gaussian',
    summary: '1-D Gaussian taps as OpenCV getGaussianKernel (float64)',
    params: [
      {
        name: 'ksize',
        kind: 'int',
        doc: 'odd number of taps; omitted: SciPy rule 2·floor(truncate·σ + 0.5) + 1',
      },
      {
        name: 'sigma',
        kind: 'number',
        default: 0,
        doc: 'σ; ≤ 0 derives it from ksize as OpenCV (fixed tables for ksize ≤ 9)',
      },
      { name: 'truncate', kind: 'number', default: 4, doc: 'SciPy rule, used when ksize is omitted' },
    ],
    make: (p) => {
      const k = opt(p, 'ksize');
      if (k === undefined) {
        if (!(num(p, 'sigma') > 0))
          invalidArgument('sigma', 'a σ > 0 when ksize is not given (or give ksize)', num(p, 'sigma'));
        return row1d(gaussianTapsTruncated(num(p, 'sigma'), num(p, 'truncate')));
      }
      return row1d(gaussianTaps(k, num(p, 'sigma')));
    },
  },
  {
    name: 'gaussian2d',
    summary: '2-D Gaussian, anisotropic (sigma-y) and rotated (angle) if asked',
    params: [
      {
        name: 'sigma',
        kind: 'number',
        default: 1,
        doc: 'σ along x; ≤ 0 with ksize: derived from the width (OpenCV)',
      },
      { name: 'sigma-y', kind: 'number', doc: 'σ along y (default: sigma)' },
      KSIZE_WH(undefined, 'odd WxH: OpenCV taps per axis; omitted: SciPy truncate rule'),
      { name: 'truncate', kind: 'number', default: 4, doc: 'SciPy rule radius floor(truncate·σ + 0.5)' },
      { name: 'angle', kind: 'number', default: 0, doc: 'rotation of the x axis, degrees counter-clockwise' },
    ],
    make: (p) =>
      gaussianKernel({
        sigma: num(p, 'sigma'),
        sigmaY: opt(p, 'sigma-y'),
        ksize: size(p, 'ksize'),
        truncate: num(p, 'truncate'),
        angle: num(p, 'angle'),
      }),
  },
  {
    name: 'binomial',
    summary: '1-D binomial taps C(n−1, k)/2^(n−1): [1 2 1]/4, [1 4 6 4 1]/16, …',
    params: [{ name: 'ksize', kind: 'int', default: 3, doc: 'number of taps (≥ 1)' }],
    make: (p) => row1d(binomialTaps(num(p, 'ksize'))),
  },
  {
    name: 'binomial2d',
    summary: '2-D binomial kernel binomial(h)ᵀ ⊗ binomial(w)',
    params: [KSIZE_WH([3, 3])],
    make: (p) => binomialKernel(size(p, 'ksize')!),
  },
  {
    name: 'sobel',
    summary: 'Sobel derivative kernel (OpenCV getDerivKernels), any order, odd size',
    params: [
      DX,
      DY,
      {
        name: 'ksize',
        kind: 'int',
        default: 3,
        doc: 'odd aperture 1..31 (1: 3-tap difference, no smoothing)',
      },
      { name: 'normalize', kind: 'bool', default: false, doc: "scale as OpenCV's normalize flag" },
    ],
    note: DERIV_SIGN,
    make: (p) =>
      sobelKernel({
        dx: num(p, 'dx'),
        dy: num(p, 'dy'),
        ksize: num(p, 'ksize'),
        normalize: p.normalize as boolean,
      }),
  },
  {
    name: 'scharr',
    summary: 'Scharr 3×3 derivative kernel (OpenCV), dx,dy = 1,0 or 0,1',
    params: [
      DX,
      DY,
      { name: 'normalize', kind: 'bool', default: false, doc: "scale as OpenCV's normalize flag" },
    ],
    note: DERIV_SIGN,
    make: (p) => scharrKernel({ dx: num(p, 'dx'), dy: num(p, 'dy'), normalize: p.normalize as boolean }),
  },
  {
    name: 'prewitt',
    summary: 'Prewitt derivative kernel: ones across, Sobel derivative taps along',
    params: [DX, DY, { name: 'ksize', kind: 'int', default: 3, doc: 'odd aperture 3..31' }],
    note: DERIV_SIGN,
    make: (p) => prewittKernel({ dx: num(p, 'dx'), dy: num(p, 'dy'), ksize: num(p, 'ksize') }),
  },
  {
    name: 'laplacian',
    summary:
      'Laplacian as OpenCV: ksize 1 → [0 1 0; 1 −4 1; 0 1 0], 3 → [2 0 2; 0 −8 0; 2 0 2], 5.. → Sobel sums',
    params: [{ name: 'ksize', kind: 'int', default: 1, doc: 'odd aperture 1..31' }],
    note: 'negative at the centre of a bright spot',
    make: (p) => laplacianKernel(num(p, 'ksize')),
  },
  {
    name: 'log',
    summary: "Laplacian of Gaussian (MATLAB fspecial('log')), zero sum",
    params: [
      { name: 'sigma', kind: 'number', default: 1, doc: 'σ' },
      { name: 'ksize', kind: 'int', doc: 'odd size (default 2·ceil(3σ) + 1)' },
    ],
    note: 'negative at the centre (same sign as the Laplacian)',
    make: (p) => logKernel(num(p, 'sigma'), opt(p, 'ksize')),
  },
  {
    name: 'dog',
    summary: 'difference of Gaussians G(σ1) − G(σ2), zero sum',
    params: [
      { name: 'sigma', kind: 'number', default: 1, doc: 'σ1' },
      { name: 'sigma2', kind: 'number', doc: 'σ2 (default 1.6·σ1)' },
      { name: 'ksize', kind: 'int', doc: 'odd size (default 2·ceil(3·max σ) + 1)' },
    ],
    note: 'positive at the centre when σ1 < σ2',
    make: (p) => dogKernel(num(p, 'sigma'), opt(p, 'sigma2'), opt(p, 'ksize')),
  },
  {
    name: 'sharpen',
    summary: 'identity + amount·(−Laplacian): [0 −a 0; −a 1+4a −a; 0 −a 0]',
    params: [{ name: 'amount', kind: 'number', default: 1, doc: 'strength a' }],
    make: (p) => sharpenKernel(num(p, 'amount')),
  },
  {
    name: 'unsharp',
    summary: 'unsharp mask (1 + amount)·δ − amount·Gaussian(σ)',
    params: [
      { name: 'sigma', kind: 'number', default: 1, doc: 'σ of the blur' },
      { name: 'amount', kind: 'number', default: 1, doc: 'strength' },
      { name: 'ksize', kind: 'int', doc: 'odd size (OpenCV taps); omitted: SciPy truncate rule' },
      { name: 'truncate', kind: 'number', default: 4, doc: 'SciPy rule' },
    ],
    make: (p) =>
      unsharpKernel(num(p, 'sigma'), num(p, 'amount'), {
        ksize: opt(p, 'ksize'),
        truncate: num(p, 'truncate'),
      }),
  },
  {
    name: 'emboss',
    summary: 'emboss [−2s −s 0; −s 1 s; 0 s 2s]',
    params: [{ name: 'strength', kind: 'number', default: 1, doc: 'strength s' }],
    note: 'correlate: positive where intensity increases towards the lower right',
    make: (p) => embossKernel(num(p, 'strength')),
  },
  {
    name: 'motion',
    summary: 'motion blur along a line through the centre (antialiased, sum 1)',
    params: [
      { name: 'length', kind: 'number', default: 9, doc: 'length of the line in pixels' },
      { name: 'angle', kind: 'number', default: 0, doc: 'degrees counter-clockwise from +x' },
    ],
    make: (p) => motionKernel(num(p, 'length'), num(p, 'angle')),
  },
  {
    name: 'disk',
    summary: "disk (pillbox) of a radius, exact pixel coverage (MATLAB fspecial('disk'))",
    params: [{ name: 'radius', kind: 'number', default: 3, doc: 'radius in pixels' }],
    make: (p) => diskKernel(num(p, 'radius')),
  },
  ...Object.entries(LECTURE_MASKS).map(([name, m]): NamedKernel => ({
    name,
    summary: `lecture notes: ${m.summary}`,
    params: [],
    note: 'written for convolution (I ∗ M), as in the notes',
    make: m.make,
  })),
];

/** Every named kernel, by name. */
export const NAMED_KERNELS: ReadonlyMap<string, NamedKernel> = new Map(TABLE.map((k) => [k.name, k]));

/** Reads one parameter value from text; the error names `option` (e.g. "ksize"). */
export function parseParam(spec: ParamSpec, text: string, option = spec.name): ParamValue {
  const t = String(text).trim();
  switch (spec.kind) {
    case 'bool':
      if (/^(true|1|yes)$/i.test(t)) return true;
      if (/^(false|0|no)$/i.test(t)) return false;
      return invalidArgument(option, 'true or false', text);
    case 'int': {
      const v = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
      if (!Number.isSafeInteger(v)) invalidArgument(option, 'an integer', text);
      return v;
    }
    case 'number': {
      const v = parseNumber(t);
      if (v === undefined) invalidArgument(option, 'a finite number', text);
      return v;
    }
    case 'size': {
      const m = /^(\d+)(?:[xX×*](\d+))?$/.exec(t);
      if (!m) invalidArgument(option, 'WxH (width x height) or N, positive integers', text);
      const w = Number(m[1]);
      return [w, m[2] === undefined ? w : Number(m[2])];
    }
  }
}

/**
 * Builds a named kernel from a parameter string (`"7,1.5"`, `"ksize=7,sigma=1.5"`, or
 * `""` for the defaults). Unknown names and parameters are errors naming what exists.
 *
 * @example
 *   namedKernel('sobel', 'dx=0,dy=1');   // [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
 */
export function namedKernel(name: string, params = ''): Kernel {
  const spec = NAMED_KERNELS.get(name.toLowerCase());
  if (!spec) invalidArgument('kernel', `a kernel name (${[...NAMED_KERNELS.keys()].join(', ')})`, name);
  const given: Record<string, string> = {};
  const items = params.trim() === '' ? [] : params.split(',').map((s) => s.trim());
  let position = 0;
  for (const item of items) {
    const eq = item.indexOf('=');
    let key: string;
    let value: string;
    if (eq >= 0) {
      key = item.slice(0, eq).trim().toLowerCase();
      value = item.slice(eq + 1);
    } else {
      if (position >= spec.params.length)
        invalidArgument(
          'kernel',
          `at most ${spec.params.length} parameter${spec.params.length === 1 ? '' : 's'} for ${spec.name} (${paramList(spec)})`,
          `${name}:${params}`,
        );
      key = spec.params[position++].name;
      value = item;
    }
    if (!spec.params.some((p) => p.name === key))
      invalidArgument('kernel', `a parameter of ${spec.name} (${paramList(spec) || 'none'})`, `${key}`);
    given[key] = value;
  }
  const values: Record<string, ParamValue | undefined> = {};
  for (const p of spec.params)
    values[p.name] =
      given[p.name] === undefined ? p.default : parseParam(p, given[p.name], `${spec.name} ${p.name}`);
  return spec.make(values);
}

function paramList(spec: NamedKernel): string {
  return spec.params.map((p) => p.name).join(', ');
}
