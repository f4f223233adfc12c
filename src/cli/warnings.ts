/** Kernel warnings on the command line: printed on stderr, silenced by --quiet or --no-warnings. */
import type { Command } from 'commander';

export interface WarningFlags {
  quiet?: boolean;
  /** false when --no-warnings was given. */
  warnings?: boolean;
}

/** Adds `-q, --quiet` and `--no-warnings` to a command that uses a kernel. */
export function addWarningOptions(cmd: Command): Command {
  return cmd
    .option('-q, --quiet', 'do not print kernel warnings (asymmetric, even-sized, zero-sum…) on stderr')
    .option('--no-warnings', 'same as --quiet');
}

/** Prints each message as `convkit <command>: warning: …` unless silenced. */
export function printWarnings(command: string, messages: readonly string[], flags: WarningFlags): void {
  if (flags.quiet === true || flags.warnings === false) return;
  for (const m of messages)
    process.stderr.write(`convkit ${command}: warning: ${m} (--quiet silences this)\n`);
}
