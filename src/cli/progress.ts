/**
 * Progress on stderr for long runs: only when stderr is a terminal (never in pipes, logs or
 * tests), and only once a run has taken about a second, so short runs print nothing.
 */

/** Wait this long before the first report (ms). */
const QUIET_MS = 1000;

/**
 * A progress callback that draws `label  45%` on stderr, or undefined when stderr is not a
 * terminal. Call the returned `done()` when finished to clear the line.
 */
export function terminalProgress(
  label: string,
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
  quietMs = QUIET_MS,
): { onProgress?: (fraction: number) => void; done: () => void } {
  if (!stream.isTTY) return { done: () => {} };
  const start = Date.now();
  let shown = -1;
  let drawn = false;
  return {
    onProgress: (fraction: number) => {
      if (Date.now() - start < quietMs) return;
      const pct = Math.floor(fraction * 100);
      if (pct === shown) return;
      shown = pct;
      drawn = true;
      stream.write(`\r${label} ${String(pct).padStart(3)}%`);
    },
    done: () => {
      if (drawn) stream.write(`\r${' '.repeat(label.length + 5)}\r`);
    },
  };
}

/** Progress through a known number of steps (compare's tiles, …). */
export interface StepProgress {
  /**
   * `done` of `total` steps (fractional while a step runs; `finished` when one completes);
   * `label` says which.
   */
  step(done: number, total: number, label: string, finished?: boolean): void;
  /** Ends the bar (a newline on a terminal). */
  done(): void;
}

/**
 * Step progress on stderr: a bar redrawn in place on a terminal, otherwise one line per
 * finished step (steps are few and each takes a while, so logs show them too).
 */
export function stepProgress(
  command: string,
  enabled: boolean,
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
): StepProgress {
  const start = performance.now();
  let drawn = false;
  const seconds = () => ((performance.now() - start) / 1000).toFixed(1);
  return {
    step(done, total, label, finished = true) {
      if (!enabled) return;
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round((done / total) * width);
        stream.write(
          `\r${command} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(done)}/${total} ${label} (${seconds()} s)\x1b[K`,
        );
        drawn = true;
      } else if (finished) {
        stream.write(`convkit ${command}: ${done}/${total} ${label} (${seconds()} s)\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
