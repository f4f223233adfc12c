// Shared bench machinery: timing, deterministic data, .npy hand-off to Python peers, the
// memory-bandwidth floor. Workloads live in ./workloads/<id>.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';

export { fill } from './data.mjs';

export const PYTHON = '/usr/bin/python3';
const here = new URL('.', import.meta.url).pathname;
export const tmp = mkdtempSync(join(tmpdir(), 'convkit-bench-'));

/**
 * Median wall time in ms of `reps` runs after eight warm-ups (on top of the workloads' own
 * two; fewer for a peer that takes over 1.5 s to warm up, at least one): a long-running
 * process's steady state. A fresh process's first 5–10 calls of a 4K
 * filter run slower while V8 tiers the WebAssembly loops up (Liftoff, then TurboFan in the
 * background) in this thread and the pool's workers, the pool's shared buffers fault their
 * pages in once, and the allocator settles on recycling the previous results' memory — W5
 * (box 45×45, 4K RGB) measured 46, 37, 22, 23, 34, 14, 16, 17, 14, then 11–12 ms from the
 * tenth call (2-core AMD EPYC VM). The README gives both figures.
 *
 * The warm-up also lasts at least 0.4 s: the rows before this one leave garbage (a fresh 4K
 * result per call) that V8 collects and unmaps in background threads, which share the two
 * cores with the pool. W1 on engine arrays right after the fresh-result rows measured 5–10 ms
 * for its first 18 calls (~130 ms), then 4.2–4.6 ms.
 */
export async function timeIt(fn, reps) {
  const t0 = performance.now();
  for (let i = 0; i === 0 || ((i < 8 || performance.now() - t0 < 400) && performance.now() - t0 < 1500); i++)
    await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * CPU times in ms (user + system, `process.cpuUsage`) of `reps` runs of `fn` after `warmups`,
 * sorted. CPU time hardly moves when other processes share the cores, where wall-clock medians
 * swing 2–5×: the single-thread comparisons (bench/cpu.mjs, cpu-nonlinear, fft-cpu,
 * median-cpu, fit-plan) use it.
 */
export function cpuTimes(fn, reps, warmups = 1) {
  for (let i = 0; i < warmups; i++) fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    ts.push((d.user + d.system) / 1000);
  }
  return ts.sort((a, b) => a - b);
}

/** The median of `cpuTimes`. */
export const cpuMs = (fn, reps, warmups = 1) => {
  const ts = cpuTimes(fn, reps, warmups);
  return ts[ts.length >> 1];
};

/**
 * A Python peer's CPU time: runs `code` (which prints one number, in ms, as its last line) with
 * `args`; NaN when /usr/bin/python3 is missing or the snippet fails.
 */
export function pythonCpuMs(code, args) {
  if (!existsSync(PYTHON)) return NaN;
  const r = spawnSync(PYTHON, ['-c', code, ...args.map(String)], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().split('\n').pop()) : NaN;
}

/**
 * `fn` after two extra warm-up calls (timeIt adds a third): the WebAssembly loops are tiered up
 * (Liftoff → TurboFan) in the background during the first runs, in this thread and in the
 * pool's workers — a long-running process's steady state, which is what the peers' timings show.
 */
export function warmed(fn) {
  fn();
  fn();
  return fn;
}

/** Writes arrays for the Python peers and returns their paths. */
export function handOff(convkit, name, arr) {
  const p = join(tmp, `${name}.npy`);
  writeFileSync(p, convkit.encodeNpy(arr));
  return p;
}

/**
 * bench/peers.py for one workload, kept running between rounds: `first` resolves to its first
 * {peer: ms} (every peer, or a `_note` when Python peers are missing or fail); `again(names)`
 * times those peers again in the same process (no imports, loads or warm-up repeated), so
 * their rounds interleave with convkit's; `close()` ends it.
 */
export function pythonPeerServer(workload, files, reps, params = {}) {
  if (!existsSync(PYTHON))
    return {
      first: Promise.resolve({ _note: `${PYTHON} not found: Python peers skipped` }),
      again: async () => ({}),
      close() {},
    };
  const child = spawn(PYTHON, [
    join(here, 'peers.py'),
    workload,
    String(reps),
    JSON.stringify(params),
    ...files,
  ]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const waiting = [];
  let ended = false;
  const fail = () => ({ _note: `peers.py failed: ${stderr.trim().split('\n').slice(-1)[0]}` });
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  child.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(fail());
  });
  const next = () => new Promise((ok) => (ended ? ok(fail()) : waiting.push(ok)));
  return {
    first: next(),
    again(names) {
      if (ended || !names.length) return Promise.resolve({});
      child.stdin.write(`${JSON.stringify(names)}\n`);
      return next();
    },
    close: () => child.stdin.end(),
  };
}

/** Imports an npm peer installed under bench/node_modules, or returns undefined. */
export async function nodePeer(name) {
  try {
    const require = createRequire(join(here, 'package.json'));
    const resolved = require.resolve(name);
    return await import(resolved);
  } catch {
    return undefined;
  }
}

/**
 * Measured copy bandwidth in bytes/ms — a copy reads n bytes and writes n — on one thread and
 * on `threads` at once (each copying its own slice of one 64 MB shared buffer with
 * TypedArray.set, started together; by default as many threads as the engine's default,
 * the cores this process may use); median of 8 after 3 warm-ups. The floor uses the larger:
 * the workloads run on all cores, and on the 2-core VM here one thread copies at 15–23 GB/s and
 * two at 29–33 (issue 4's 2.1 ms floor for W1 is 66 MB at 31.6 GB/s).
 */
export async function copyBandwidth(threads = availableParallelism()) {
  const n = 64 << 20;
  const src = new Uint8Array(new SharedArrayBuffer(n)).fill(1);
  const dst = new Uint8Array(new SharedArrayBuffer(n));
  // [0]: round started (bumped), [1]: slices finished in this round
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const slice = (k, t) => [Math.floor((k * n) / t / 64) * 64, Math.floor(((k + 1) * n) / t / 64) * 64];
  const workers = [];
  for (let k = 1; k < threads; k++) {
    const [lo, hi] = slice(k, threads);
    workers.push(
      new Worker(
        `const { workerData: d, parentPort } = require('node:worker_threads');
         const src = new Uint8Array(d.src, d.lo, d.hi - d.lo), dst = new Uint8Array(d.dst, d.lo, d.hi - d.lo);
         const ctl = new Int32Array(d.ctl);
         parentPort.postMessage('ready');
         for (let seen = 0; ; ) {
           Atomics.wait(ctl, 0, seen);
           seen = Atomics.load(ctl, 0);
           dst.set(src);
           Atomics.add(ctl, 1, 1);
           Atomics.notify(ctl, 1);
         }`,
        { eval: true, workerData: { src: src.buffer, dst: dst.buffer, ctl: ctl.buffer, lo, hi } },
      ),
    );
  }
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const time = (t) => {
    const [lo, hi] = slice(0, t);
    const times = [];
    for (let i = 0; i < 11; i++) {
      Atomics.store(ctl, 1, 0);
      const start = performance.now();
      if (t > 1) {
        Atomics.add(ctl, 0, 1);
        Atomics.notify(ctl, 0);
      }
      dst.set(src.subarray(lo, hi), lo);
      for (let done; (done = Atomics.load(ctl, 1)) < t - 1;) Atomics.wait(ctl, 1, done, 100);
      if (i >= 3) times.push(performance.now() - start);
    }
    times.sort((x, y) => x - y);
    return (2 * n) / times[times.length >> 1];
  };
  const one = time(1);
  const all = threads > 1 ? time(threads) : one;
  await Promise.all(workers.map((w) => w.terminate()));
  return { one, all, threads, floor: Math.max(one, all) };
}

export function machine() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/**
 * A row on engine arrays (convkit.engineArray): a copy of `input` and a result of its shape
 * and dtype in the engine's shared memory, where every thread reads and writes them without
 * copies in or out (direct float32 filters run in place). `make(input, out)` returns the
 * timed function; two warm-ups, as the other rows.
 */
export function engineRow(convkit, input, make) {
  const inside = convkit.engineArray(input.shape, input.dtype);
  inside.data.set(input.data);
  const fn = make(inside, convkit.engineArray(input.shape, input.dtype));
  fn();
  fn();
  return fn;
}
