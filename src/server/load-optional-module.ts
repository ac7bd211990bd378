import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';
import type * as Pg from 'pg';

const require = createRequire(import.meta.url);

/**
 * Client libraries a configuration may not need, loaded on first use instead of at start:
 * ioredis (~20 MB of resident memory once loaded) only when something is configured to use
 * Redis, pg (~10 MB) only with a PostgreSQL store. Both are CommonJS packages, so a synchronous
 * `require` keeps the constructors that use them synchronous. Types come from `import type`,
 * which costs nothing at run time.
 */
export function loadIoredis(): typeof IoRedis {
  return require('ioredis') as typeof IoRedis;
}

export function loadPg(): typeof Pg.default {
  const module = require('pg') as typeof Pg & { default?: typeof Pg.default };
  return module.default ?? (module as unknown as typeof Pg.default);
}
