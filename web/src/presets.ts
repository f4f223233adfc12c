/**
 * Kernel presets: the lecture's masks and the classic named kernels, as entered (before the
 * flip that convolution applies).
 *
 * Temporary list: the kernels issue (#3) is adding the library's named kernels; when they
 * land on main, the presets come from there (every named kernel) and this list shrinks to
 * the lecture's teaching examples.
 */
export interface Preset {
  readonly id: string;
  readonly name: string;
  readonly rows: readonly (readonly number[])[];
  /** The scale factor, as the user would type it. */
  readonly scale: string;
  readonly note: string;
}

const binomial7 = [1, 6, 15, 20, 15, 6, 1];

export const PRESETS: readonly Preset[] = [
  {
    id: 'lecture-x',
    name: 'Lecture mask (X)',
    rows: [
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
    ],
    scale: '1',
    note: 'The lecture notes’ 3×3 example mask; try it on the 7×7 lecture image with shape “valid”.',
  },
  {
    id: 'lecture-asym',
    name: 'Lecture asymmetric twin',
    rows: [
      [1, 2, 0],
      [0, 0, 0],
      [0, 0, -1],
    ],
    scale: '1',
    note: 'Asymmetric: convolution and correlation differ — toggle them and watch the laid kernel turn.',
  },
  {
    id: 'shift',
    name: 'Shift (one tap off centre)',
    rows: [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ],
    scale: '1',
    note: 'Correlation moves the image right by one pixel; convolution moves it left. The flip, in one tap.',
  },
  {
    id: 'identity',
    name: 'Identity',
    rows: [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ],
    scale: '1',
    note: 'Returns the image unchanged.',
  },
  {
    id: 'box3',
    name: 'Box 3×3',
    rows: [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ],
    scale: '1/9',
    note: 'Mean of the 3×3 neighbourhood.',
  },
  {
    id: 'box5',
    name: 'Box 5×5',
    rows: Array.from({ length: 5 }, () => [1, 1, 1, 1, 1]),
    scale: '1/25',
    note: 'Mean of the 5×5 neighbourhood.',
  },
  {
    id: 'box15',
    name: 'Box 15×15 (the largest size)',
    rows: Array.from({ length: 15 }, () => Array.from({ length: 15 }, () => 1)),
    scale: '1/225',
    note: 'Mean of the 15×15 neighbourhood: 225 taps per output pixel, the heaviest kernel the editor holds.',
  },
  {
    id: 'gauss3',
    name: 'Gaussian 3×3 (binomial)',
    rows: [
      [1, 2, 1],
      [2, 4, 2],
      [1, 2, 1],
    ],
    scale: '1/16',
    note: 'Weights fall off with distance: a softer blur than the box.',
  },
  {
    id: 'gauss5',
    name: 'Gaussian 5×5 (binomial)',
    rows: [
      [1, 4, 6, 4, 1],
      [4, 16, 24, 16, 4],
      [6, 24, 36, 24, 6],
      [4, 16, 24, 16, 4],
      [1, 4, 6, 4, 1],
    ],
    scale: '1/256',
    note: 'Binomial 5×5, the outer product of [1 4 6 4 1].',
  },
  {
    id: 'gauss7',
    name: 'Gaussian 7×7 (binomial)',
    rows: binomial7.map((a) => binomial7.map((b) => a * b)),
    scale: '1/4096',
    note: 'Binomial 7×7, the outer product of [1 6 15 20 15 6 1] (close to a Gaussian with σ ≈ 1.22).',
  },
  {
    id: 'sharpen',
    name: 'Sharpen',
    rows: [
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ],
    scale: '1',
    note: 'The image plus its negative Laplacian: edges get steeper.',
  },
  {
    id: 'laplace4',
    name: 'Laplacian (4-neighbour)',
    rows: [
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ],
    scale: '1',
    note: 'Second derivative; zero on flat areas and ramps. Use a float output to see negatives.',
  },
  {
    id: 'laplace8',
    name: 'Laplacian (8-neighbour)',
    rows: [
      [1, 1, 1],
      [1, -8, 1],
      [1, 1, 1],
    ],
    scale: '1',
    note: 'Second derivative including the diagonals.',
  },
  {
    id: 'sobel-x',
    name: 'Sobel x (d/dx)',
    rows: [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ],
    scale: '1',
    note: 'As OpenCV applies it (correlation), positive where the image gets brighter to the right.',
  },
  {
    id: 'sobel-y',
    name: 'Sobel y (d/dy)',
    rows: [
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ],
    scale: '1',
    note: 'As OpenCV applies it (correlation), positive where the image gets brighter downwards.',
  },
  {
    id: 'prewitt-x',
    name: 'Prewitt x',
    rows: [
      [-1, 0, 1],
      [-1, 0, 1],
      [-1, 0, 1],
    ],
    scale: '1',
    note: 'Horizontal derivative with a box across.',
  },
  {
    id: 'scharr-x',
    name: 'Scharr x',
    rows: [
      [-3, 0, 3],
      [-10, 0, 10],
      [-3, 0, 3],
    ],
    scale: '1',
    note: 'A derivative with better rotational symmetry than Sobel.',
  },
  {
    id: 'roberts',
    name: 'Roberts cross (2×2)',
    rows: [
      [1, 0],
      [0, -1],
    ],
    scale: '1',
    note: 'An even-sized kernel: the anchor is the lower-right of the centre (row 1, column 1).',
  },
  {
    id: 'emboss',
    name: 'Emboss',
    rows: [
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ],
    scale: '1',
    note: 'A directional derivative plus the image: light seems to come from one side — which side depends on the flip.',
  },
  {
    id: 'motion',
    name: 'Motion blur 7×7 (diagonal)',
    rows: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (i === j ? 1 : 0))),
    scale: '1/7',
    note: 'Averages along the diagonal.',
  },
];
