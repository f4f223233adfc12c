#!/usr/bin/env node
// convkit benchmarks: each workload of DESIGN.md beside its peers, in one run, as ratios.
//   node bench/run.mjs [--quick] [--only W1,W3] [--reps N] [--rounds N] [--bw BYTES_PER_MS] [--no-browser]
//   (--help: the options)
// The memory floor (W1, W2) is bytes read + written ÷ the copy bandwidth measured before each
// of the workload's rounds (their median; --bw fixes it instead), beside the floor from the
// bandwidth measured at the run's start.
// Not a test: nothing here passes or fails. Peers that are not installed are skipped with a note.
//
// Each workload runs in a fresh Node process (this script with --one ID), as each Python peer
// runs in its own: in one long process, the heap that earlier workloads left (opencv.js's
// module, jimp's garbage, 33 MB arrays) made every later 4K result's collection slower — W3
// measured 30.8 ms after W1/W2 in the same process and 20.0 ms alone (2-core AMD EPYC, quiet).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from './data.mjs';
import { copyBandwidth, machine, pythonPeerServer, timeIt } from './lib.mjs';

const USAGE = `usage: node bench/run.mjs [options]        (or: npm run bench -- [options])
Times DESIGN.md's workloads beside their peers (OpenCV, SciPy, PyTorch, sharp, jimp, opencv.js,
tfjs), then the same in Chromium; prints medians and ratios. Takes about 17 minutes in full.
  --quick          smaller images, 5 runs per row, one round
  --only W1,W3     only these workloads (W1…W13, FFT)
  --reps N         timed runs per row (default 7, --quick 5)
  --rounds N       rounds per workload (default 3, --quick 1)
  --bw B           the copy bandwidth for the memory floor, in bytes per ms, instead of
                   measuring it before each workload
  --no-browser     skip the Chromium half
  -h, --help       this text`;

/** One line naming what is wrong, and exit 2 (nothing has run yet). */
const usageError = (message) => {
  console.error(`bench: ${message} (node bench/run.mjs --help)`);
  process.exit(2);
};
const args = process.argv.slice(2);
let values;
try {
  ({ values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      reps: { type: 'string' },
      rounds: { type: 'string' },
      bw: { type: 'string' },
      'no-browser': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      // (internal: one workload in a process of its own, and a --bw the user gave)
      one: { type: 'string' },
      'bw-fixed': { type: 'boolean' },
    },
  }));
} catch (e) {
  usageError(e.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
/** A positive number option (`integer`: a whole one), or its default. */
const positive = (name, fallback, integer = true) => {
  const text = values[name];
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v > 0 && Number.isFinite(v)) || (integer && !Number.isInteger(v)))
    usageError(`--${name} ${text}: expected a positive ${integer ? 'integer' : 'number'}`);
  return v;
};
const quick = values.quick === true;
const only = values.only
  ? new Set(
      values.only
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    )
  : null;
const one = values.one;
const reps = positive('reps', quick ? 5 : 7);
// Rounds per workload: convkit's rows and the native peers' again, each row's median of its
// round medians reported. On a shared host whose speed swings for seconds at a time, one
// round put W3 on engine arrays at 21.3 ms in a run where it otherwise takes 10–11.
const rounds = positive('rounds', quick ? 1 : 3);
const fixedBw = positive('bw', undefined, false);

const convkit = await import('../dist/index.js');
const dir = new URL('./workloads/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .sort();
const workloads = [];
const ids = [];
for (const f of files) {
  const w = (await import(new URL(f, dir))).default;
  ids.push(w.id);
  if (one ? w.id === one : !only || only.has(w.id)) workloads.push(w);
}
const unknown = [...(only ?? [])].filter((id) => !ids.includes(id));
if (unknown.length || only?.size === 0)
  usageError(
    `--only ${values.only}: ${unknown.length ? `no workload ${unknown.join(', ')}` : 'no workload named'}` +
      ` (there are ${ids.join(', ')})`,
  );

const copy = fixedBw ? undefined : await copyBandwidth();
const bw = fixedBw ?? copy.floor;
if (!one) {
  console.log(`convkit bench — ${machine()}`);
  console.log(
    `mode: ${quick ? 'quick (smaller sizes)' : 'full (DESIGN.md sizes)'}; median of ${reps} runs after at least ten warm-ups and 0.4 s` +
      (rounds > 1
        ? `, in ${rounds} rounds of convkit's rows and the native peers' (the median round shown)`
        : '') +
      '; each workload in a fresh process',
  );
  const gbs = (b) => `${(b / 1e6).toFixed(1)} GB/s`;
  console.log(
    copy
      ? `copy bandwidth: ${gbs(copy.one)} on 1 thread, ${gbs(copy.all)} on ${copy.threads} (floor = bytes read + written ÷ ${gbs(bw)})\n`
      : `copy bandwidth: ${gbs(bw)} (--bw; floor = bytes read + written ÷ this)\n`,
  );
  const summary = [];
  const passOn = [
    '--reps',
    String(reps),
    '--rounds',
    String(rounds),
    '--bw',
    String(bw),
    ...(fixedBw ? ['--bw-fixed'] : []),
    ...(quick ? ['--quick'] : []),
  ];
  for (const w of workloads) {
    const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--one', w.id, ...passOn], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('SUMMARY\t')) summary.push(line.slice(8));
      else if (line) console.log(line);
    }
    if (r.status !== 0) console.log(`${w.id}: the bench process exited with ${r.status ?? r.signal}\n`);
    else console.log('');
  }
  if (summary.length)
    console.log(`summary (time ratio, < 1 means convkit is faster):\n  ${summary.join('\n  ')}`);
  // The same workloads in a browser (chromium, convkit in a worker beside opencv.js), in this run.
  if (!values['no-browser']) {
    console.log('');
    spawnSync(process.execPath, [new URL('./browser.mjs', import.meta.url).pathname, ...args], {
      stdio: 'inherit',
    });
  }
  process.exit(0);
}

const summary = [];
for (const w of workloads) {
  const ctx = await w.setup({ convkit, quick });
  const rows = [];
  // The copy bandwidth again before each round of a workload with a floor: the host's speed
  // swings for seconds at a time, so the run's first figure can be far from this workload's.
  const roundBw = [];
  const measureBw = async () => {
    if (ctx.bytes && !values['bw-fixed']) roundBw.push((await copyBandwidth()).floor);
  };
  await measureBw();
  for (const [name, fn] of Object.entries(ctx.ours))
    rows.push({ name, runs: [await timeIt(fn, reps)], fn, ours: true });
  for (const [name, fn] of Object.entries((await ctx.nodePeers?.()) ?? {})) {
    if (typeof fn === 'string') rows.push({ name, note: fn });
    else if (typeof fn === 'object' && fn.once) {
      // a peer that takes seconds: one timed run (as peers.py's "once")
      const t = performance.now();
      await fn.once();
      rows.push({ name, runs: [performance.now() - t] });
    } else rows.push({ name, runs: [await timeIt(fn, reps)] });
  }
  // (started only now: nothing else runs while a row is timed)
  const py = ctx.files && pythonPeerServer(w.id, ctx.files, reps, ctx.params ?? {});
  if (py)
    for (const [name, v] of Object.entries(await py.first))
      rows.push(name === '_note' ? { name: 'python peers', note: v } : { name, runs: [v], python: true });
  // Later rounds: convkit's rows, then the native peers they are compared with (OpenCV,
  // PyTorch) in the same Python process, so that a slow spell of the shared host lands on
  // one round of each side, not on one side.
  const native = rows.filter((r) => r.python && /^(opencv|pytorch) /.test(r.name));
  for (let round = 1; round < rounds; round++) {
    await measureBw();
    for (const r of rows) if (r.ours) r.runs.push(await timeIt(r.fn, reps));
    const again = py ? await py.again(native.map((r) => r.name)) : {};
    for (const r of native) if (again[r.name] !== undefined) r.runs.push(again[r.name]);
    // (the peers' thread pools may spin-wait a while after their last call: OpenMP's default)
    await new Promise((ok) => setTimeout(ok, 300));
  }
  py?.close();
  for (const r of rows) if (r.runs) r.ms = median(r.runs);
  // The floor from the bandwidth measured beside this workload's rounds (their median), and
  // from the run's start (`bw`); ratios to both are printed.
  const startFloor = ctx.bytes ? ctx.bytes / bw : undefined;
  const floor = ctx.bytes ? ctx.bytes / (roundBw.length ? median(roundBw) : bw) : undefined;
  const toFloor = (ms) =>
    `${(ms / floor).toFixed(2)}×` +
    (roundBw.length ? `, run-start floor ${(ms / startFloor).toFixed(2)}×` : '');
  const ref1 = rows.find((r) => /^opencv .*1 thread/.test(r.name) && r.ms !== undefined);
  const ref =
    (ctx.reference && rows.find((r) => ctx.reference.test(r.name) && r.ms !== undefined)) ??
    rows.find((r) => /^opencv /.test(r.name) && !/1 thread| into dst/.test(r.name) && r.ms !== undefined) ??
    rows.find((r) => r.ms !== undefined && !r.ours);
  console.log(`${w.id}  ${w.title}  (${ctx.size})`);
  if (floor)
    console.log(
      `    ${'memory floor'.padEnd(44)} ${floor.toFixed(2).padStart(9)} ms` +
        (roundBw.length
          ? `  (copy ${roundBw.map((b) => (b / 1e6).toFixed(1)).join(' / ')} GB/s before the rounds; ` +
            `${startFloor.toFixed(2)} ms at the run's start)`
          : ''),
    );
  for (const r of rows) {
    if (r.note) {
      console.log(`    ${r.name.padEnd(44)} skipped: ${r.note}`);
      continue;
    }
    const ratio =
      ref && r !== ref ? `  ${(r.ms / ref.ms).toFixed(2)}× ${ref.name}` : ref === r ? '  (reference)' : '';
    const ratio1 = ref1 && r.ours ? `, ${(r.ms / ref1.ms).toFixed(2)}× 1 thread` : '';
    const spread = r.runs.length > 1 ? `  [rounds ${r.runs.map((ms) => ms.toFixed(1)).join(' ')}]` : '';
    console.log(`    ${r.name.padEnd(44)} ${r.ms.toFixed(2).padStart(9)} ms${ratio}${ratio1}${spread}`);
  }
  // Fresh results against fresh results; writing into a reused array is compared separately.
  const reused = (r) => / into (out|dst)\b|engine arrays/.test(r.name);
  const best = rows.filter((r) => r.ours && r.ms !== undefined && !reused(r)).sort((a, b) => a.ms - b.ms)[0];
  const engine = rows.find((r) => r.ours && r.ms !== undefined && /engine arrays/.test(r.name));
  const intoOut = rows.find((r) => r.ours && r.ms !== undefined && / into out\b/.test(r.name));
  const intoDst = rows.find((r) => !r.ours && r.ms !== undefined && reused(r));
  if (best && ref)
    summary.push(
      `${w.id}: convkit ${best.ms.toFixed(1)} ms (${best.name}) vs ${ref.name} ${ref.ms.toFixed(1)} ms → ${(best.ms / ref.ms).toFixed(2)}×` +
        (ref1 ? `; vs 1 thread ${ref1.ms.toFixed(1)} ms → ${(best.ms / ref1.ms).toFixed(2)}×` : '') +
        (floor ? `; floor ${floor.toFixed(2)} ms → ${toFloor(best.ms)}` : '') +
        (intoOut && intoDst
          ? `; into a reused array ${intoOut.ms.toFixed(1)} vs ${intoDst.ms.toFixed(1)} ms → ${(intoOut.ms / intoDst.ms).toFixed(2)}×` +
            (floor ? ` (floor → ${toFloor(intoOut.ms)})` : '')
          : '') +
        (engine && intoDst
          ? `; engine arrays in place ${engine.ms.toFixed(1)} vs ${intoDst.ms.toFixed(1)} ms → ${(engine.ms / intoDst.ms).toFixed(2)}×` +
            (floor ? ` (floor → ${toFloor(engine.ms)})` : '')
          : ''),
    );
}
for (const line of summary) console.log(`SUMMARY\t${line}`);
// Workers are unref'd; the Python peers have exited: nothing keeps this process.
