/**
 * A pool worker (Node worker_threads or a browser Web Worker): runs the bands it claims of
 * each job it is posted, then waits for the next message. See ./pool.ts.
 */
import { type DirectJob, workOnJob } from './pool.js';
import { isNode, node } from './platform.js';

if (isNode) {
  node.workers!.parentPort!.on('message', (job: DirectJob) => workOnJob(job));
} else {
  (globalThis as unknown as { onmessage: (e: { data: DirectJob }) => void }).onmessage = (e) =>
    workOnJob(e.data);
}
