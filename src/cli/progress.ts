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
