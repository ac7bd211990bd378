import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';

/**
 * Test support for the Redis-backed limits (not itself a test file). Tests use REDIS_URL
 * (default redis://127.0.0.1:6379); without a server they skip with the reason, except with
 * CI=true, where a missing Redis must fail the build (DESIGN.md §1).
 */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis at `url` cannot be used (with the password hidden), or undefined when it answers PING. */
export async function redisUnreachableReason(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis is not reachable at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${(error as Error).message}`;
  } finally {
    client.disconnect();
  }
}

/**
 * Registers `body`'s tests when Redis answers; otherwise one skipped test (printing why) or,
 * with CI=true, one failing test.
 */
export async function whenRedisReachable(title: string, body: () => void): Promise<void> {
  const unreachable = await redisUnreachableReason(redisUrl);
  if (unreachable === undefined) return body();
  if (process.env.CI === 'true') {
    test(`${title}: Redis is reachable (required with CI=true)`, () => assert.fail(unreachable));
    return;
  }
  console.log(`skipping ${title}: ${unreachable}`);
  test(title, { skip: unreachable }, () => undefined);
}

/** Why a private redis-server cannot be started here, or undefined when it can. */
export function privateRedisUnavailable(): string | undefined {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return result.error ? `redis-server is not installed: ${result.error.message}` : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A redis-server of this test's own, on a free port, that it may kill and restart (the shared
 * instance at REDIS_URL is never stopped). It runs as a child process, without persistence.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, after stop) and waits until it answers. */
  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await redisUnreachableReason(this.url)) === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`private redis-server on port ${this.port} did not start`);
  }

  /** Kills the server at once (SIGKILL: no goodbye to clients, as in a crash). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Deletes a test's keys from the shared Redis (budget counters would live until their period ends). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
