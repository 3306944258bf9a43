/** Small helpers shared by the benchmarks: timing, medians, and a result table. */
import { cpus } from "node:os";

export interface Figure {
  bench: string;
  metric: string;
  value: string;
  note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Median wall time of `fn` in ms over `runs` runs, after `warmup` unmeasured runs. */
export function timeMedian(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 5)): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown cpu"}), Node ${process.version}`;
}

export function printTable(figures: readonly Figure[]): void {
  const rows = [["bench", "metric", "value", "note"], ...figures.map((f) => [f.bench, f.metric, f.value, f.note ?? ""])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`);
    if (index === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
}
