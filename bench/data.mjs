// Bench data shared by Node (lib.mjs) and the browser bench page (browser.mjs): no Node imports.

/** The median (the mean of the middle two for an even count): of runs, and of rounds' medians. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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
