/**
 * The engine flags every filter command shares: `--threads N` and `--backend auto|js|wasm`.
 * Commands add them with `addEngineOptions` and read them with `engineFlags`.
 */
import type { Command } from 'commander';
import { BACKENDS, type Backend, type EngineOptions, MAX_THREADS } from '../engine/backend.js';
import { invalidArgument } from '../core/errors.js';
import { parseChoice } from './parse.js';
import { registerFlag } from './errors.js';

registerFlag('backend', '--backend');

export interface EngineFlags {
  threads?: string;
  backend?: string;
}

/** Adds `--threads` and, unless `backend` is false (a command whose `--method` picks the loops), `--backend`. */
export function addEngineOptions(command: Command, { backend = true } = {}): Command {
  command.option(
    '--threads <N>',
    `threads, 1..${MAX_THREADS} (default: the available cores; small images use one). Results are identical for any N`,
  );
  if (!backend) return command;
  return command.option(
    '--backend <B>',
    'loops: auto (WebAssembly SIMD where it applies, else plain TypeScript), js (plain TypeScript, the reference) or wasm (default: auto, or $CONVKIT_BACKEND)',
  );
}

export function engineFlags(flags: EngineFlags): EngineOptions {
  const options: EngineOptions = {};
  if (flags.threads !== undefined) {
    const t = String(flags.threads).trim();
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
      invalidArgument('--threads', `an integer from 1 to ${MAX_THREADS}`, flags.threads);
    options.threads = n;
  }
  if (flags.backend !== undefined)
    options.backend = parseChoice<Backend>('--backend', flags.backend, BACKENDS);
  return options;
}
