/** Numbers for people: up to 6 significant digits, a real minus sign, no trailing zeros. */
export function fmt(v: number, digits = 6): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const s = Object.is(v, -0) ? '0' : String(Number(v.toPrecision(digits)));
  return s.replace('-', '−');
}

/** Milliseconds with sensible precision. */
export function fmtMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
