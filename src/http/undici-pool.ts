import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/**
 * undici's `Pool` and error classes without the rest of undici. The package's index loads every
 * part of it — fetch, WebSocket, EventSource, the HTTP cache, mocks — which the gateway never uses
 * on its data plane: 4.7 MB of live heap and ~20 MB of RSS at load, against 1.7 MB and ~12 MB for
 * the modules below (measured with `--expose-gc`, node 20). These are the same files the index
 * itself loads, so a class from here is the class an `import from 'undici'` elsewhere sees.
 *
 * The index also installs the request API (`request`, `stream`, `pipeline`, …) on
 * `Dispatcher.prototype`; without it a pool has no `request` method, so this does the same.
 * A future undici that moves these files fails here at start, loudly (and in the tests).
 */
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js') as object);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
