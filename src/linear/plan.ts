/**
 * Execution plans. A spec (taps, border, anchor, dtype) says WHAT to compute; a plan says
 * HOW (method, backend, threads). A plan changes speed, never the result: every method is
 * tested against the direct plain-TypeScript path.
 */
import { InvalidArgumentError, invalidArgument } from '../core/errors.js';
import { type NDArray, imageDims } from '../core/ndarray.js';
import { separate } from '../kernels/separable.js';
import { type LinearSpec, linearGeometry, runLinear, runPlanes } from './correlate.js';
import { TERMS_PER_PASS, separablePlanes, termsOf } from './separable.js';
import {
  type EngineChoice,
  type EngineOptions,
  type SepTerm,
  chooseDirectEngine,
  chooseSeparableEngine,
  runEngine,
} from '../engine/backend.js';

export type Method = 'auto' | 'direct' | 'separable';
export const METHODS: readonly Method[] = ['auto', 'direct', 'separable'];

export interface PlanOptions extends EngineOptions {
  /** `auto` (default) picks by a cost model; every method gives the same result. */
  method?: Method;
}

export interface LinearPlan {
  readonly method: Exclude<Method, 'auto'>;
  /** `wasm`: the WebAssembly SIMD loops (src/engine); `js`: the plain-TypeScript reference. */
  readonly backend: 'js' | 'wasm';
  /** Threads the run uses (1 = this thread only). */
  readonly threads: number;
  /** One line saying what was chosen and why (`--explain-plan`). */
  readonly reason: string;
  /** The engine's compiled program for this spec and shape (internal). */
  readonly engine?: EngineChoice;
}

type Executor = (input: NDArray, spec: LinearSpec, plan: LinearPlan) => NDArray;

const EXECUTORS: Record<LinearPlan['method'], Executor> = {
  direct: (input, spec, plan) =>
    plan.backend === 'wasm' && plan.engine
      ? runEngine(input, plan.engine, spec.dtype)
      : runLinear(input, spec),
  separable: (input, spec, plan) => {
    if (plan.backend === 'wasm' && plan.engine) return runEngine(input, plan.engine, spec.dtype);
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
  const plan = (m: LinearPlan['method'], reason: string): LinearPlan => {
    const engine =
      m === 'direct'
        ? chooseDirectEngine(input, spec, geo, options)
        : separableEngine(input, spec, geo, options);
    return {
      method: m,
      backend: engine.backend,
      threads: engine.threads,
      reason: `${reason}; ${engine.note}`,
      engine,
    };
  };
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

/** The separable method's engine choice: the reference's paired terms, passed to the SIMD passes. */
function separableEngine(
  input: NDArray,
  spec: LinearSpec,
  geo: ReturnType<typeof linearGeometry>,
  options: PlanOptions,
): EngineChoice {
  const factors = separate(spec.kernel);
  if (!factors) return { backend: 'js', threads: 1, note: 'plain TypeScript' };
  const terms = (taps: Float64Array): SepTerm[] =>
    termsOf(taps).map((t) => ({ w: t.w, a: t.a, b: t.b, kind: t.b < 0 ? 0 : t.sign > 0 ? 1 : 2 }));
  return chooseSeparableEngine(
    input,
    spec,
    geo,
    options,
    terms(factors.col),
    terms(factors.row),
    TERMS_PER_PASS,
  );
}

export function executeLinear(input: NDArray, spec: LinearSpec, plan: LinearPlan): NDArray {
  return EXECUTORS[plan.method](input, spec, plan);
}
