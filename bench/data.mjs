// Bench data shared by Node (lib.mjs) and the browser bench page (browser.mjs): no Node imports.

/** Deterministic pseudo-random fill (mulberry32), so every peer filters the same pixels. */
export function fill(arr, seed, scale) {
  let a = seed >>> 0;
  for (let i = 0; i < arr.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    arr[i] = scale === 1 ? r : Math.floor(r * scale);
  }
  return arr;
}
