/**
 * The `convkit` command line: flags → public API. Commands live in ./commands, one
 * module each, registered below.
 */
import { Command, CommanderError } from 'commander';
import { errorLine, exitCodeFor } from './errors.js';
import { registerLinearCommands } from './commands/linear.js';
import { registerKernelCommands } from './commands/kernel.js';
import { registerFilterCommands } from './commands/filters.js';
import { registerMatchCommand } from './commands/match.js';
import { registerNonlinearCommands } from './commands/nonlinear.js';
import { registerNnCommands } from './commands/nn.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerExplainCommands } from './commands/explain.js';

export const VERSION = '0.1.0';

/** A command module adds its subcommands to the program. */
export type CommandModule = (program: Command) => void;

const MODULES: CommandModule[] = [
  registerLinearCommands,
  registerKernelCommands,
  registerFilterCommands,
  registerNonlinearCommands,
  registerNnCommands,
  registerDemoCommands,
  registerMatchCommand,
  registerExplainCommands,
];

export function createProgram(): Command {
  const program = new Command('convkit')
    .description('Image convolution and filtering: exact, fast, and explained.')
    .version(VERSION)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false });
  for (const register of MODULES) register(program);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  let failing = '';
  // "kernel info" for a nested command, so its errors say which one failed
  const pathOf = (cmd: Command): string =>
    cmd.parent && cmd.parent !== program
      ? `${pathOf(cmd.parent)} ${cmd.name()}`
      : cmd === program
        ? ''
        : cmd.name();
  const prepare = (cmd: Command) => {
    const name = pathOf(cmd);
    cmd.exitOverride();
    cmd.configureOutput({
      // Commander's own errors (unknown option, missing option) become our one line.
      outputError: (str, write) =>
        write(
          `${str
            .trim()
            .split('\n')[0]
            .replace(
              /^error:/,
              `convkit${name ? ` ${name}` : ''}: error:`,
            )} (see convkit ${name ? `${name} ` : ''}--help)\n`,
        ),
    });
    cmd.hook('preAction', (_this, action) => {
      failing = pathOf(action);
    });
    cmd.commands.forEach(prepare);
  };
  prepare(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(errorLine(failing, e) + '\n');
    return exitCodeFor(e);
  }
}
