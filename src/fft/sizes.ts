/**
 * FFT sizes: factorization into the radices the butterflies implement, and the
 * "fast sizes" (7-smooth: 2^a·3^b·5^c·7^d) a convolution pads to.
 */

/** Radices with a hand-written butterfly, in the order stages prefer them. */
export const RADICES = [4, 2, 3, 5, 7] as const;
export type Radix = (typeof RADICES)[number];

/**
 * Splits n into radices 4, 2, 3, 5, 7 (as many 4s as possible, at most one 2), or
 * returns undefined when n has a prime factor above 7 (such sizes go through Bluestein).
 * The list is in decimation-in-frequency stage order: the first stage has the
 * largest span. Odd radices come first so the cheap radix-4 stages run last, with
 * small spans and few twiddles.
 */
export function factorize(n: number): Radix[] | undefined {
  if (!Number.isInteger(n) || n < 1) return undefined;
  const out: Radix[] = [];
  let m = n;
  for (const p of [7, 5, 3] as const) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  let twos = 0;
  while (m % 2 === 0) {
    twos++;
    m /= 2;
  }
  if (m !== 1) return undefined;
  if (twos % 2 === 1) out.push(2);
  for (let i = 0; i < twos >> 1; i++) out.push(4);
  return out;
}

/** True when n factors into 2, 3, 5 and 7 only. */
export function isFastSize(n: number): boolean {
  return factorize(n) !== undefined;
}

/** The smallest 7-smooth integer ≥ n (with `maxPrime` 5: the smallest 5-smooth one). */
export function nextFastSize(n: number, maxPrime: 5 | 7 = 7): number {
  let m = Math.max(1, Math.ceil(n));
  for (;;) {
    let r = m;
    for (const p of [2, 3, 5, 7]) {
      if (p > maxPrime) break;
      while (r % p === 0) r /= p;
    }
    if (r === 1) return m;
    m++;
  }
}

/** Every 7-smooth size in [lo, hi], ascending. */
export function fastSizesBetween(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let m = nextFastSize(lo); m <= hi; m = nextFastSize(m + 1)) out.push(m);
  return out;
}
