import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface LatencySummary {
  p50: number;
  p99: number;
  /** Time to the first body byte, for streams. */
  firstByteP50: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * One connection, one request at a time, timed with a microsecond clock: autocannon's
 * millisecond histogram is too coarse to see a fraction of a millisecond added.
 */
export async function measureLatency(url: string, path: string, body: string, count: number, headers: Record<string, string> = {}): Promise<LatencySummary> {
  const pool = new Pool(url, { connections: 1 });
  const totals: number[] = [];
  const firstBytes: number[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      let first = 0;
      for await (const piece of response.body) {
        if (first === 0 && piece.length > 0) first = performance.now();
      }
      const ended = performance.now();
      if (response.statusCode !== 200) throw new Error(`${url}${path} answered ${response.statusCode}`);
      totals.push(ended - started);
      firstBytes.push(first - started);
    }
  } finally {
    await pool.close();
  }
  totals.sort((a, b) => a - b);
  firstBytes.sort((a, b) => a - b);
  return { p50: percentile(totals, 0.5), p99: percentile(totals, 0.99), firstByteP50: percentile(firstBytes, 0.5) };
}
