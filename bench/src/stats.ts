/** Latencies in milliseconds, kept whole so percentiles are exact. */
export class LatencyRecorder {
  #samples: number[] = [];

  record(ms: number): void {
    this.#samples.push(ms);
  }

  get count(): number {
    return this.#samples.length;
  }

  /** Nearest-rank percentile (`p` in 0–100); NaN when nothing was recorded. */
  percentile(p: number): number {
    if (this.#samples.length === 0) return Number.NaN;
    const sorted = Float64Array.from(this.#samples).sort();
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank] ?? Number.NaN;
  }
}

/** Rounds for reports: keeps 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
}
