/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
export async function opsPerSecond(fn: () => Promise<unknown> | unknown, ms = 1500): Promise<number> {
  const warmUntil = performance.now() + ms / 5;
  while (performance.now() < warmUntil) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export interface BenchResult {
  name: string;
  opsPerSec: number;
  ceiling: string;
  ceilingOpsPerSec: number;
}

/** Prints results as a Markdown table: the ratio to the ceiling is the figure that means something on a shared box. */
export function report(results: BenchResult[]): string {
  const lines = [
    '| benchmark | ops/s | ceiling (same run) | ceiling ops/s | ratio |',
    '|---|---:|---|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en')} | ${r.ceiling} | ${Math.round(r.ceilingOpsPerSec).toLocaleString('en')} | ${(r.opsPerSec / r.ceilingOpsPerSec).toFixed(2)} |`,
    ),
  ];
  return lines.join('\n');
}
