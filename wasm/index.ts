// The convkit SIMD module: one file per loop family, all exported from here.
// Built by wasm/build.mjs (npm run build); the binary is never committed.
export * from './direct';
export * from './separable';
export * from './box';
export * from './convert';
export * from './median';
export * from './bilateral';
export * from './nlmeans';
export * from './median-histogram';
export * from './fft';
export * from './match';
