// The playground's build: a static folder (web/dist) with relative URLs, so any static host —
// or a folder opened through a local server — serves it, offline. Samples come from ../samples.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// jpeg-js is CommonJS, so the bundler cannot tell it is side-effect free; the page decodes
// JPEG with the browser's own decoder and never calls it.
const treeshake = { moduleSideEffects: (id: string) => !id.includes('/jpeg-js/') };

const here = fileURLToPath(new URL('.', import.meta.url));

// Cross-origin isolation (SharedArrayBuffer and blocking waits in workers): with it the engine's
// worker pool runs large filters on every core; without it, on one thread. The page loads only
// its own files, so require-corp blocks nothing. A static host must send the same two headers
// (docs/playground.md).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: { treeshake },
  },
  worker: { format: 'es', rolldownOptions: { treeshake } },
  server: {
    host: '127.0.0.1',
    headers: isolation,
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
  preview: { host: '127.0.0.1', headers: isolation },
});
