// The named-filter golden suites (`filters`, `gaussian`: box, Gaussian, Sobel, Scharr,
// Laplacian… checked against OpenCV and SciPy) again, with the WebAssembly SIMD plans forced
// and three threads even on these small images.
import { setPoolCrossover } from '../../src/engine/backend.js';

process.env.CONVKIT_BACKEND = 'wasm';
process.env.CONVKIT_THREADS = '3';
setPoolCrossover(0);
await import('./filters.test.js');
