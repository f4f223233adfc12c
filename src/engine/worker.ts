/**
 * A pool worker (Node worker_threads or a browser Web Worker): announces that it has loaded,
 * then runs the bands it claims of each job it is posted. See ./pool.ts.
 */
import { type EngineJob, workOnJob } from './pool.js';
import { isNode, node } from './platform.js';
import { adoptSimdModule } from './simd.js';

interface Start {
  ready: SharedArrayBuffer;
  /** Node: the pool's doorbell, rung after each job posted (see pool.ts). */
  bell?: SharedArrayBuffer;
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

/**
 * How long a Node worker waits for the next job after one, blocked on the doorbell (a futex
 * sleep, no CPU), before it goes back to its event loop. Filters called back to back (a video
 * loop, a pipeline) then find the worker awake at once.
 */
const LINGER_MS = 25;

if (isNode) {
  const { parentPort, workerData, receiveMessageOnPort } = node.workers!;
  const start = workerData as Start;
  started(start);
  const bell = start.bell ? new Int32Array(start.bell) : undefined;
  parentPort!.on('message', (job: EngineJob) => {
    workOnJob(job, true);
    if (!bell) return;
    let until = performance.now() + LINGER_MS;
    for (;;) {
      // Read the bell before looking for a message: a job posted in between changes it, and
      // the wait below then returns at once.
      const seen = Atomics.load(bell, 0);
      const next = receiveMessageOnPort(parentPort!);
      if (next) {
        workOnJob(next.message as EngineJob, true);
        until = performance.now() + LINGER_MS;
        continue;
      }
      const left = until - performance.now();
      if (left <= 0) return;
      Atomics.wait(bell, 0, seen, left);
    }
  });
} else {
  const scope = globalThis as unknown as { onmessage: (e: { data: unknown }) => void };
  scope.onmessage = (e) => {
    const msg = e.data as EngineJob | Start;
    if ('ready' in msg) started(msg);
    else workOnJob(msg, true);
  };
}
