/**
 * Execution plans. A spec (taps, border, anchor, dtype) says WHAT to compute; a plan says
 * HOW (method, backend, threads). A plan changes speed, never the result: every method is
 * tested against the direct plain-TypeScript path.
 */
import { InvalidArgumentError, invalidArgument } from '../core/errors.js';
import { type NDArray, imageDims } from '../core/ndarray.js';
import { separate } from '../kernels/separable.js';
import { type LinearSpec, linearGeometry, runLinear, runPlanes } from './correlate.js';
import { separablePlanes } from './separable.js';

export type Method = 'auto' | 'direct' | 'separable';
export const METHODS: readonly Method[] = ['auto', 'direct', 'separable'];

export interface PlanOptions {
  /** `auto` (default) picks by a cost model; every method gives the same result. */
  method?: Method;
}

export interface LinearPlan {
  readonly method: Exclude<Method, 'auto'>;
  readonly backend: 'js';
  readonly threads: number;
  /** One line saying what was chosen and why (`--explain-plan`). */
  readonly reason: string;
}

type Executor = (input: NDArray, spec: LinearSpec, plan: LinearPlan) => NDArray;

const EXECUTORS: Record<LinearPlan['method'], Executor> = {
  direct: (input, spec) => runLinear(input, spec),
  separable: (input, spec) => {
    const factors = separate(spec.kernel);
    if (!factors) throw notRankOne(spec);
    return runPlanes(input, spec, separablePlanes(factors));
  },
};

function notRankOne(spec: LinearSpec): InvalidArgumentError {
  return new InvalidArgumentError(
    'method',
    'direct or auto for a kernel that is not rank 1 (separable needs h = col ⊗ row within 1e-12·max|h|)',
    'separable',
    `the ${spec.kernel.rows}×${spec.kernel.cols} kernel is not separable`,
  );
}

/** Chooses how to run a spec on an input of this shape. */
export function planLinear(input: NDArray, spec: LinearSpec, options: PlanOptions = {}): LinearPlan {
  const method = options.method ?? 'auto';
  if (!METHODS.includes(method)) invalidArgument('method', `one of ${METHODS.join(', ')}`, method);
  const { height, width, channels } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  const { rows: kh, cols: kw } = spec.kernel;
  const taps = kh * kw;
  const size = `${geo.outHeight}×${geo.outWidth}×${channels}, ${kh}×${kw} kernel`;
  const plan = (m: LinearPlan['method'], reason: string): LinearPlan => ({
    method: m,
    backend: 'js',
    threads: 1,
    reason,
  });
  if (method === 'direct') return plan('direct', `direct (asked for): ${size}`);
  const rankOne = kh > 1 && kw > 1 ? separate(spec.kernel) !== undefined : false;
  if (method === 'separable') {
    if (!separate(spec.kernel)) throw notRankOne(spec);
    return plan('separable', `separable (asked for): ${size}, ${kh} + ${kw} taps per output`);
  }
  // Simple rule until the cost model lands: two 1-D passes cost about kh + kw operations per
  // output against kh·kw direct; beyond 3×3 that wins even with the second pass's overhead.
  if (rankOne && taps > 9)
    return plan(
      'separable',
      `separable: the ${kh}×${kw} kernel is rank 1, so two 1-D passes take ${kh + kw} taps per output instead of ${taps} (${size})`,
    );
  const why = rankOne
    ? `rank 1 but only ${taps} taps: one direct pass is cheaper than two`
    : kh === 1 || kw === 1
      ? `a 1-D kernel is already one pass`
      : `not rank 1 (not separable)`;
  return plan('direct', `direct: ${why} (${size}, ${taps} taps per output)`);
}

export function executeLinear(input: NDArray, spec: LinearSpec, plan: LinearPlan): NDArray {
  return EXECUTORS[plan.method](input, spec, plan);
}
