/**
 * Execution plans. A spec (taps, border, anchor, dtype) says WHAT to compute; a plan says
 * HOW (method, backend, threads). A plan changes speed, never the result: every method is
 * tested against the direct plain-TypeScript path.
 */
import { invalidArgument } from '../core/errors.js';
import { type NDArray, imageDims } from '../core/ndarray.js';
import { type LinearSpec, linearGeometry, runLinear } from './correlate.js';

export type Method = 'auto' | 'direct';
export const METHODS: readonly Method[] = ['auto', 'direct'];

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
};

/** Chooses how to run a spec on an input of this shape. */
export function planLinear(input: NDArray, spec: LinearSpec, options: PlanOptions = {}): LinearPlan {
  const method = options.method ?? 'auto';
  if (!METHODS.includes(method)) invalidArgument('method', `one of ${METHODS.join(', ')}`, method);
  const { height, width, channels } = imageDims(input);
  const geo = linearGeometry(spec, height, width);
  const taps = spec.kernel.rows * spec.kernel.cols;
  const size = `${geo.outHeight}×${geo.outWidth}×${channels}, ${spec.kernel.rows}×${spec.kernel.cols} kernel`;
  const reason =
    method === 'direct'
      ? `direct (asked for): ${size}`
      : `direct: the only method available for ${size} (${taps} taps per output)`;
  return { method: 'direct', backend: 'js', threads: 1, reason };
}

export function executeLinear(input: NDArray, spec: LinearSpec, plan: LinearPlan): NDArray {
  return EXECUTORS[plan.method](input, spec, plan);
}
