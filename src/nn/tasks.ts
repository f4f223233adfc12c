/**
 * A pass of a conv2d plan on a slice of the batch, on arrays in shared memory: what the
 * main thread hands to a worker thread (threads.ts, worker.ts).
 */
import type { ConvGeometry, FloatArray } from './geometry.js';
import { type PlanMethod, runForward, runInputGrad, runWeightGrad } from './run.js';
import { weightGradImageSums } from './winograd-simd.js';

/** A typed array on shared memory, described so that it can cross threads. */
export interface SharedView {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  length: number;
  dtype: 'float32' | 'float64';
}

export interface Task {
  id: number;
  pass: 'forward' | 'inputGrad' | 'weightGrad' | 'weightGradImages';
  method: PlanMethod;
  g: ConvGeometry;
  /**
   * forward: [x, w, bias|null, y]; inputGrad: [gy, w, gx]; weightGrad: [x, gy, gw];
   * weightGradImages (float32 Winograd): [x, gy, per-image sums, done] (winograd-simd.ts).
   */
  arrays: (SharedView | null)[];
  n0: number;
  n1: number;
  /** weightGrad only: output channels o0 ≤ o − grp·Og < o1 of each group (default: all). */
  o0?: number;
  o1?: number;
}

export function viewOf(v: SharedView): FloatArray {
  return v.dtype === 'float32'
    ? new Float32Array(v.buffer, v.byteOffset, v.length)
    : new Float64Array(v.buffer, v.byteOffset, v.length);
}

export function runTask(t: Task): void {
  const a = t.arrays.map((v) => (v ? viewOf(v) : null));
  if (t.pass === 'forward') runForward(t.method, t.g, a[0]!, a[1]!, a[2], a[3]!, t.n0, t.n1);
  else if (t.pass === 'inputGrad') runInputGrad(t.method, t.g, a[0]!, a[1]!, a[2]!, t.n0, t.n1);
  else if (t.pass === 'weightGradImages')
    weightGradImageSums(t.g, a[0]!, a[1]!, a[2] as Float32Array, a[3]!, t.n0, t.n1);
  else runWeightGrad(t.method, t.g, a[0]!, a[1]!, a[2]!, t.n0, t.n1, t.o0, t.o1);
}
