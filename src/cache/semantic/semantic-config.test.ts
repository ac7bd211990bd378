import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../config/load-config.js';

const providers = { openai: { type: 'openai', api_key: 'sk-test' } };
const withSemantic = (semantic: unknown, extra: Record<string, unknown> = {}) => ({
  storage: 'memory',
  providers,
  routes: {
    chat: { targets: [{ model: 'openai/gpt-4o-mini' }], cache: { ttl: 60, semantic } },
    vectors: { targets: [{ model: 'openai/text-embedding-3-small' }] },
  },
  ...extra,
});

test('cache.semantic accepts local, a route or provider/model, with defaults', () => {
  for (const embedding of ['local', 'vectors', 'openai/text-embedding-3-small']) {
    const config = validateConfig(withSemantic({ threshold: 0.95, embedding }));
    assert.deepEqual(config.routes.chat.cache?.semantic, { threshold: 0.95, embedding, max_entries: 1000 });
  }
  const config = validateConfig(withSemantic({ threshold: 0.9, embedding: 'local' }));
  assert.deepEqual(config.cache.semantic, { max_entries: 10_000, timeout_ms: 5_000 });
});

test('bad semantic settings fail with the path and why', () => {
  const cases: Array<[unknown, Record<string, unknown>, RegExp]> = [
    [{ threshold: 1.5, embedding: 'local' }, {}, /routes\.chat\.cache\.semantic\.threshold/],
    [{ threshold: 0.9 }, {}, /routes\.chat\.cache\.semantic\.embedding/],
    [{ threshold: 0.9, embedding: 'local', treshold: 1 }, {}, /routes\.chat\.cache\.semantic.*treshold/],
    [{ threshold: 0.9, embedding: 'antropic/embed' }, {}, /routes\.chat\.cache\.semantic\.embedding: unknown provider "antropic"/],
    [{ threshold: 0.9, embedding: 'nonsense' }, {}, /expected "local", a route name or "provider\/model"/],
    [{ threshold: 0.9, embedding: 'chat' }, {}, /cannot embed with itself/],
    [{ threshold: 0.9, embedding: 'local' }, { cache: { semantic: { backend: 'postgres' } } }, /storage must be postgres/],
    [{ threshold: 0.9, embedding: 'local' }, { cache: { semantic: { backend: 'sqlite' } } }, /cache\.semantic\.backend/],
  ];
  for (const [semantic, extra, expected] of cases) {
    assert.throws(() => validateConfig(withSemantic(semantic, extra)), (error: Error) => expected.test(error.message), `${JSON.stringify(semantic)} ${JSON.stringify(extra)}`);
  }
});
