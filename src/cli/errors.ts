/**
 * Turns any error into the one line the CLI prints: it names the option (as its flag),
 * the value received and what is allowed.
 */
import { FormatError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { FileError } from '../io/node.js';

/** Library option names → the flags that set them; commands add their own. */
const FLAGS: Record<string, string> = {
  border: '--border',
  cval: '--cval',
  shape: '--shape',
  anchor: '--anchor',
  dtype: '--dtype',
  rounding: '--rounding',
  alpha: '--alpha',
  kernel: '--kernel',
  method: '--method',
  threads: '--threads',
  input: 'IN',
  output: '-o',
};

export function registerFlag(option: string, flag: string): void {
  FLAGS[option] = flag;
}

/** An error the CLI itself raises for a flag; printed as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function errorLine(command: string, e: unknown): string {
  let msg: string;
  if (e instanceof InvalidArgumentError) {
    const flag = FLAGS[e.option] ?? e.option;
    msg = e.message.replace(` for ${e.option},`, ` for ${flag},`);
  } else if (e instanceof FormatError || e instanceof ShapeError || e instanceof UsageError) {
    msg = e.message;
  } else if (e instanceof Error) {
    msg = e.message;
  } else {
    msg = String(e);
  }
  return `convkit${command ? ` ${command}` : ''}: error: ${msg.replace(/\s*\n\s*/g, ' ')}`;
}

/** Exit status: 2 for bad usage or input, 1 for anything unexpected. */
export function exitCodeFor(e: unknown): number {
  return e instanceof InvalidArgumentError ||
    e instanceof FormatError ||
    e instanceof ShapeError ||
    e instanceof UsageError ||
    e instanceof FileError
    ? 2
    : 1;
}
