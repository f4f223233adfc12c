/** Shared test helpers: fixture loading and tolerance comparison as the golden manifests state it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '../src/core/npy.js';
import { ndarray } from '../src/core/ndarray.js';
import type { NDArray } from '../src/core/ndarray.js';
import { type Kernel, parseInlineKernel } from '../src/kernels/kernel.js';
import type { LinearOptions } from '../src/linear/correlate.js';

export const ROOT = new URL('..', import.meta.url).pathname;
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export function loadNpy(path: string): NDArray {
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}

export type Tolerance =
  { abs?: number; rel?: number } | { max_abs_diff: number; min_fraction_equal?: number };

export interface GoldenCase {
  id: string;
  op: string;
  cli: string[];
  tolerance: Tolerance;
  dtype?: string;
  [key: string]: unknown;
}

export function loadSuite(name: string): { dir: string; cases: GoldenCase[] } {
  const dir = join(FIXTURES, 'golden', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: GoldenCase[] };
  return { dir, cases: manifest.cases };
}

/** Returns null when `got` matches `want` within the tolerance, else the reason. */
export function mismatch(got: NDArray, want: NDArray, tol: Tolerance): string | null {
  if (got.shape.join('x') !== want.shape.join('x'))
    return `shape ${got.shape.join('x')} != ${want.shape.join('x')}`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} != ${want.dtype}`;
  let maxDiff = 0;
  let equal = 0;
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    if (got.data[i] === want.data[i]) equal++;
    scale = Math.max(scale, Math.abs(want.data[i]));
  }
  if ('max_abs_diff' in tol) {
    if (maxDiff > tol.max_abs_diff) return `max |diff| ${maxDiff} > ${tol.max_abs_diff}`;
    const frac = equal / want.data.length;
    if (tol.min_fraction_equal !== undefined && frac < tol.min_fraction_equal) return `only ${frac} equal`;
    return null;
  }
  const allowed = (tol.abs ?? 0) + (tol.rel ?? 0) * scale;
  return maxDiff <= allowed ? null : `max |diff| ${maxDiff} > ${allowed}`;
}

/** A seeded pseudo-random generator (mulberry32) for reproducible test data. */
export { mulberry32 as rng } from '../src/core/random.js';

/**
 * Where position i of an extended line of length n reads from (−1: the constant border),
 * written independently of src/border for tests to check it against.
 */
export function sourceIndex(
  i: number,
  n: number,
  mode: 'constant' | 'replicate' | 'symmetric' | 'mirror' | 'wrap',
): number {
  if (mode === 'constant') return i >= 0 && i < n ? i : -1;
  if (mode === 'replicate') return Math.min(n - 1, Math.max(0, i));
  if (mode === 'wrap') return ((i % n) + n) % n;
  // Reflect repeatedly until inside, as one would by hand.
  while (i < 0 || i >= n) {
    if (mode === 'symmetric') i = i < 0 ? -i - 1 : 2 * n - 1 - i;
    else if (n === 1) i = 0;
    else i = i < 0 ? -i : 2 * n - 2 - i;
  }
  return i;
}

/** Golden-manifest placeholders for input files and the case field naming each file. */
const INPUT_FIELDS: Record<string, string> = {
  IN: 'input',
  KERNEL: 'kernel',
  TEMPLATE: 'template',
  WEIGHT: 'weight',
  BIAS: 'bias',
  GRAD_OUT: 'grad_output',
};

/** A golden case's command line with input placeholders replaced by fixture paths and OUT by `out`. */
export function cliArgs(c: GoldenCase, dir: string, out: string): string[] {
  return c.cli.map((a) =>
    a === 'OUT' ? out : a in INPUT_FIELDS ? join(dir, c[INPUT_FIELDS[a]] as string) : a,
  );
}

/**
 * Why a golden case's CLI run failed — its error line (or exit status), or how OUT differs
 * from the expected array — or null when it passed. `outcome` is the exit status of an
 * in-process run, or a spawned process's status and stderr.
 */
export function cliFailure(
  c: GoldenCase,
  dir: string,
  out: string,
  outcome: number | { status: number | null; stderr: string },
  tolerance: Tolerance = c.tolerance,
): string | null {
  const status = typeof outcome === 'number' ? outcome : outcome.status;
  if (status !== 0) return typeof outcome === 'number' ? `exit ${status}` : outcome.stderr.trim();
  return mismatch(loadNpy(out), loadNpy(join(dir, c.expected as string)), tolerance);
}

/** The built CLI (`npm run build` first). */
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');

/** Runs the built CLI in a child process (exit status, stdout, stderr), with extra environment. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs golden cases through the CLI — `runner` is `spawnCli` or the in-process `run` — with
 * `extra` flags appended, output files in `work`. `suites` names each suite and which of its
 * cases to run; `tolerance` may replace a case's own. Returns how many passed and the failures
 * ("suite/id: why").
 */
export async function cliGolden(
  runner: (args: string[]) => number | { status: number | null; stderr: string } | Promise<number>,
  work: string,
  suites: [suite: string, keep: (c: GoldenCase, i: number) => boolean][],
  { extra = [], tolerance }: { extra?: string[]; tolerance?: (c: GoldenCase) => Tolerance } = {},
): Promise<{ passed: number; failures: string[] }> {
  let passed = 0;
  const failures: string[] = [];
  for (const [suite, keep] of suites) {
    const { dir, cases } = loadSuite(suite);
    for (const c of cases.filter(keep)) {
      const out = join(work, `${suite}-${c.id}${extra.join('')}.npy`);
      const outcome = await runner([...cliArgs(c, dir, out), ...extra]);
      const why = cliFailure(c, dir, out, outcome, tolerance?.(c) ?? c.tolerance);
      if (why) failures.push(`${suite}/${c.id}${extra.length ? ` ${extra.join(' ')}` : ''}: ${why}`);
      else passed++;
    }
  }
  return { passed, failures };
}

/** Input, kernel and library options of a `linear`/`seed` golden case. */
export function linearCase(
  c: GoldenCase,
  dir: string,
): { input: NDArray; kernel: NDArray | Kernel; options: LinearOptions } {
  const k = c.cli[c.cli.indexOf('--kernel') + 1];
  return {
    input: loadNpy(join(dir, c.input as string)),
    kernel: k === 'KERNEL' ? loadNpy(join(dir, c.kernel as string)) : parseInlineKernel(k),
    options: {
      border: c.border as string,
      cval: c.cval as number,
      shape: c.shape as LinearOptions['shape'],
      anchor: (c.anchor as [number, number] | null) ?? undefined,
    },
  };
}

/**
 * A copy of `img` in a SharedArrayBuffer, starting `offset` elements into it (`offset` from
 * `seed`, 0–7): a caller's shared input, at every address phase modulo 8 that the engine's
 * band copies care about (see src/engine/bands.ts BandSource).
 */
export function sharedCopy(img: NDArray, seed: number): NDArray {
  const src = img.data;
  const C = src.constructor as new (b: SharedArrayBuffer, o: number, n: number) => typeof src;
  const offset = ((seed % 8) + 8) % 8;
  const e = src.BYTES_PER_ELEMENT;
  const data = new C(new SharedArrayBuffer((src.length + offset) * e), offset * e, src.length);
  data.set(src as never);
  return ndarray(data, img.shape);
}

/** float32 results within DESIGN.md's tolerance: 1e-5 of the reference's largest magnitude. */
export function withinFloat32Tolerance(got: NDArray, want: NDArray): void {
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) scale = Math.max(scale, Math.abs(want.data[i]));
  for (let i = 0; i < want.data.length; i++)
    assert.ok(
      Math.abs(got.data[i] - want.data[i]) <= 1e-5 * scale,
      `index ${i}: ${got.data[i]} vs ${want.data[i]}`,
    );
}
