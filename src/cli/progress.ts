/**
 * Progress on stderr for commands that take a while: a bar redrawn in place when stderr
 * is a terminal, otherwise one line per finished step (so logs show it too).
 */
export interface Progress {
  /** Step `done` of `total` finished; `label` says what it was. */
  step(done: number, total: number, label: string): void;
  /** Ends the bar (a newline on a terminal). */
  done(): void;
}

export function createProgress(command: string, enabled: boolean, stream = process.stderr): Progress {
  const start = performance.now();
  let drawn = false;
  const seconds = () => ((performance.now() - start) / 1000).toFixed(1);
  return {
    step(done, total, label) {
      if (!enabled) return;
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round((done / total) * width);
        stream.write(
          `\r${command} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label} (${seconds()} s)\x1b[K`,
        );
        drawn = true;
      } else {
        stream.write(`convkit ${command}: ${done}/${total} ${label} (${seconds()} s)\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
