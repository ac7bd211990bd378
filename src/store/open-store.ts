import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Opens the store named by the config's `storage` value and brings its schema up to date:
 * `memory` (SQLite in memory, gone at exit), `sqlite:PATH` (a file; its directory is created),
 * or a `postgres://` / `postgresql://` URL (schema via `?options=-c%20search_path%3DNAME`).
 */
export async function openStore(storage: string): Promise<Store> {
  const store = createStore(storage);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}

function createStore(storage: string): Store {
  if (storage === 'memory') return new SqliteStore(':memory:');
  if (storage.startsWith('sqlite:')) {
    const path = storage.slice('sqlite:'.length);
    if (path === '') throw new Error('storage "sqlite:" needs a file path, e.g. sqlite:./.sluice/sluice.db');
    return new SqliteStore(path);
  }
  if (storage.startsWith('postgres://') || storage.startsWith('postgresql://')) return new PostgresStore(storage);
  throw new Error(`unsupported storage "${redact(storage)}": use memory, sqlite:PATH or postgres://…`);
}

/** Error messages end up in logs: never echo a password from a URL-like value. */
function redact(storage: string): string {
  return storage.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
