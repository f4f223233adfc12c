#!/usr/bin/env node
import { run } from './program.js';

// A reader that stops early (`convkit --help | head`) closes the pipe: stop quietly, as other
// command-line tools do, instead of dying on the unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });

process.exitCode = await run(process.argv.slice(2));
