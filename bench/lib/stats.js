// Percentiles over millisecond samples, rounded for the table.
export function percentiles(samples) {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const round = (n) => Math.round(n * 1000) / 1000;
  return { n: sorted.length, p50: round(at(50)), p99: round(at(99)), max: round(sorted[sorted.length - 1]) };
}

export const median = (values) => percentiles(values).p50;
