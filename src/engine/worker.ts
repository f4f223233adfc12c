/**
 * A pool worker (Node worker_threads or a browser Web Worker): announces that it has loaded,
 * then runs the bands it claims of each job it is posted. See ./pool.ts.
 */
import { type EngineJob, workOnJob } from './pool.js';
import { isNode, node } from './platform.js';

function started(ready: SharedArrayBuffer): void {
  const r = new Int32Array(ready);
  Atomics.add(r, 0, 1);
  Atomics.notify(r, 0);
}

if (isNode) {
  const { parentPort, workerData } = node.workers!;
  started((workerData as { ready: SharedArrayBuffer }).ready);
  parentPort!.on('message', (job: EngineJob) => workOnJob(job, true));
} else {
  const scope = globalThis as unknown as { onmessage: (e: { data: unknown }) => void };
  scope.onmessage = (e) => {
    const msg = e.data as EngineJob | { ready: SharedArrayBuffer };
    if ('ready' in msg) started(msg.ready);
    else workOnJob(msg, true);
  };
}
