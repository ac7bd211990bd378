import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { LimitService } from '../limits/limit-service.js';
import type { LimitBackend } from '../limits/limit-backend.js';
import type { LimitScope } from '../limits/limit-rules.js';
import { MemoryLimitBackend } from '../limits/memory-limit-backend.js';
import { RedisLimitBackend } from '../limits/redis-limit-backend.js';

/** Per-request cost of the limits on one backend, in microseconds. */
export interface LimitsTiming {
  backend: 'memory' | 'redis';
  calls: number;
  /** The check before the upstream call: what a request waits for. */
  acquireP50: number;
  acquireP99: number;
  /** Check + record (the finisher's settle, which runs after the response is written). */
  totalP50: number;
  totalP99: number;
}

const percentile = (sorted: Float64Array, fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/**
 * A realistic request: key with rpm, tpm, max_parallel and a monthly budget; its team with rpm
 * and a budget; the gateway scope. Token estimation (tokenizing the prompt) is not included:
 * it depends on the prompt, not the backend, and only runs when a token limit applies.
 */
function scopes(index: number): LimitScope[] {
  // Keys spread over 100 ids, as traffic spreads over keys.
  const key = { rpm: 1e9, rpd: null, tpm: 1e12, tpd: null, max_parallel: 1e6, budget_usd: 1e9, budget_period: 'month' as const };
  return [
    { kind: 'key', id: `key_bench_${index % 100}`, name: 'bench', limits: key },
    { kind: 'team', id: 'team_bench', name: 'bench', limits: { rpm: 1e9, budget_usd: 1e9, budget_period: 'month' } },
    { kind: 'global', id: 'global', name: 'gateway', limits: {} },
  ];
}

const prefix = `sluice:bench:${process.pid}:`;

async function measure(backend: LimitBackend, calls: number, warmup: number): Promise<LimitsTiming> {
  const config = validateConfig({ limits: { redis_prefix: prefix } });
  const service = new LimitService(backend, config, pino({ level: 'silent' }));
  const acquire = new Float64Array(calls);
  const total = new Float64Array(calls);
  try {
    for (let index = -warmup; index < calls; index++) {
      const started = performance.now();
      const decision = await service.acquire(scopes(index), () => 120);
      const acquired = performance.now();
      if (!decision.grant) throw new Error(`benchmark request refused: ${decision.refusal.message}`);
      await service.settle(decision.grant, { totalTokens: 100, costUsd: 0.00002 });
      if (index >= 0) {
        acquire[index] = (acquired - started) * 1000;
        total[index] = (performance.now() - started) * 1000;
      }
    }
  } finally {
    // The benchmark's spend counters would otherwise stay in Redis until the month ends.
    if (backend instanceof RedisLimitBackend) await deleteKeys(backend, prefix);
    await service.close();
  }
  acquire.sort();
  total.sort();
  return {
    backend: backend.kind,
    calls,
    acquireP50: percentile(acquire, 0.5),
    acquireP99: percentile(acquire, 0.99),
    totalP50: percentile(total, 0.5),
    totalP99: percentile(total, 0.99),
  };
}

async function deleteKeys(backend: RedisLimitBackend, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await backend.client.scan(cursor, 'MATCH', `${pattern}*`, 'COUNT', 1000);
    if (keys.length > 0) await backend.client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Memory always; Redis when REDIS_URL (default redis://127.0.0.1:6379) answers. */
export async function measureLimits(memoryCalls = 200_000, redisCalls = 5_000): Promise<LimitsTiming[]> {
  const results = [await measure(new MemoryLimitBackend(), memoryCalls, 20_000)];
  const redis = new RedisLimitBackend({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', commandTimeoutMs: 1_000 });
  if (await redis.ready(2_000)) results.push(await measure(redis, redisCalls, 500));
  else await redis.close();
  return results;
}

export function formatLimits(results: readonly LimitsTiming[]): string[] {
  const us = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  return [
    '| limits backend | calls | check p50 / p99 µs | check + record p50 / p99 µs |',
    '|---|---|---|---|',
    ...results.map((result) => `| ${result.backend} | ${result.calls} | ${us(result.acquireP50)} / ${us(result.acquireP99)} | ${us(result.totalP50)} / ${us(result.totalP99)} |`),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await measureLimits();
  console.log(formatLimits(results).join('\n'));
  if (!results.some((result) => result.backend === 'redis')) console.log('(Redis not reachable: only the memory backend was measured)');
}
