/**
 * The entry point of a conv2d worker thread (Node): runs the tasks threads.ts posts.
 * Not part of the public API.
 */
import { parentPort } from 'node:worker_threads';
import { type Task, runTask } from './tasks.js';

parentPort?.on('message', (t: Task) => {
  try {
    runTask(t);
    parentPort!.postMessage({ id: t.id });
  } catch (e) {
    parentPort!.postMessage({ id: t.id, error: e instanceof Error ? e.message : String(e) });
  }
});
