// Numbers as the benchmarks print them.

/** `value` to `digits` decimals; null for a value that is not a finite number (nothing measured). */
export function round(value, digits) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
