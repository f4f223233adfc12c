/**
 * A pool worker (Node worker_threads or a browser Web Worker): announces that it has loaded,
 * then runs the bands it claims of each job it is posted. See ./pool.ts.
 */
import { type EngineJob, workOnJob } from './pool.js';
import { isNode, node } from './platform.js';
import { adoptSimdModule } from './simd.js';

interface Start {
  ready: SharedArrayBuffer;
  /** The parent's compiled SIMD module (shared code, no second compile). */
  module?: WebAssembly.Module;
  /** Whether that module is the relaxed-SIMD build. */
  relaxed?: boolean;
}

function started({ ready, module, relaxed }: Start): void {
  if (module) adoptSimdModule(module, relaxed === true);
  const r = new Int32Array(ready);
  Atomics.add(r, 0, 1);
  Atomics.notify(r, 0);
}

if (isNode) {
  const { parentPort, workerData } = node.workers!;
  started(workerData as Start);
  parentPort!.on('message', (job: EngineJob) => workOnJob(job, true));
} else {
  const scope = globalThis as unknown as { onmessage: (e: { data: unknown }) => void };
  scope.onmessage = (e) => {
    const msg = e.data as EngineJob | Start;
    if ('ready' in msg) started(msg);
    else workOnJob(msg, true);
  };
}
