import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../config/load-config.js';

const base = `
providers:
  openai: { type: openai }
routes:
  chat: { targets: [{ model: openai/gpt-4o-mini }] }
  nobreaker: { targets: [{ model: openai/gpt-4o }], breaker: false }
`;

function problemsOf(alerts: string, environment: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(`${base}alerts:\n${alerts}`, 'test.yaml', environment);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('a full alerts section parses, with defaults, ${VAR} headers and one webhook name as a list', () => {
  const config = parseConfig(
    `${base}alerts:
  webhooks:
    oncall: { url: "https://hooks.example.com/T1/secret", headers: { authorization: "Bearer \${HOOK_TOKEN}" } }
  rules:
    errors: { type: error_rate, threshold: 0.25, route: chat, webhook: oncall }
    slow: { type: latency_p95, threshold_ms: "800", group_by: provider, webhook: [oncall], resolved: "true" }
    spend: { type: budget, team: search, webhook: oncall }
    breaker: { type: breaker_open, target: "openai/*", webhook: oncall, cooldown_ms: 0 }
`,
    'test.yaml',
    { HOOK_TOKEN: 'tok-123' },
  );
  const { webhooks, rules } = config.alerts;
  assert.deepEqual(webhooks.oncall, { url: 'https://hooks.example.com/T1/secret', headers: { authorization: 'Bearer tok-123' }, timeout_ms: 5_000, attempts: 3, backoff_ms: 1_000 });
  assert.equal(config.alerts.evaluate_interval_ms, 10_000);
  assert.deepEqual(rules.errors, {
    type: 'error_rate', threshold: 0.25, route: ['chat'], webhook: ['oncall'], error_status_min: 500,
    window_ms: 300_000, min_requests: 20, cooldown_ms: 600_000, resolved: false,
  });
  assert.equal(rules.slow.type === 'latency_p95' && rules.slow.threshold_ms, 800);
  assert.equal(rules.slow.resolved, true);
  assert.deepEqual(rules.spend.type === 'budget' && rules.spend.team, ['search']);
  assert.equal(rules.breaker.cooldown_ms, 0);
});

test('a rule naming a missing webhook fails at load with its path', () => {
  assert.deepEqual(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: breaker_open, webhook: pager } }'), [
    'alerts.rules.r.webhook: unknown webhook "pager"',
  ]);
  assert.deepEqual(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: breaker_open, webhook: [a, b] } }'), [
    'alerts.rules.r.webhook[1]: unknown webhook "b"',
  ]);
});

test('unknown routes, providers and breaker targets are named; budget rules cannot resolve', () => {
  const problems = problemsOf(`  webhooks: { a: { url: "http://127.0.0.1:1/x" } }
  rules:
    e: { type: error_rate, threshold: 0.5, route: [chat, chta], provider: opnai, webhook: a }
    b: { type: breaker_open, target: openai/gpt-4o, webhook: a }
    s: { type: budget, resolved: true, webhook: a }
    t: { type: budget, scope: [key], team: search, webhook: a }`);
  assert.deepEqual(problems, [
    'alerts.rules.e.route[1]: unknown route "chta"',
    'alerts.rules.e.provider: unknown provider "opnai"',
    'alerts.rules.b.target: no route target with a circuit breaker matches "openai/gpt-4o"',
    'alerts.rules.s.resolved: budget alerts do not resolve (spend only grows until the period ends)',
    'alerts.rules.t.team: scope does not include team',
  ]);
});

test('schema errors: unknown type, missing and out-of-range thresholds, bad URL, unknown keys', () => {
  assert.deepEqual(problemsOf('  rules: { r: { type: error_count, webhook: a } }'), ["alerts.rules.r.type: Invalid discriminator value. Expected 'error_rate' | 'latency_p95' | 'budget' | 'breaker_open'"]);
  assert.match(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: error_rate, webhook: a } }')[0], /^alerts\.rules\.r\.threshold: /);
  assert.match(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: error_rate, threshold: 1.5, webhook: a } }')[0], /^alerts\.rules\.r\.threshold: .*1/);
  assert.match(problemsOf('  webhooks: { a: { url: "ftp://example.com/x" } }')[0], /^alerts\.webhooks\.a\.url: /);
  assert.deepEqual(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x", secret: x } }'), ['alerts.webhooks.a.secret: unknown key']);
  assert.deepEqual(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: latency_p95, threshold_ms: 100, threshold: 0.5, webhook: a } }'), ['alerts.rules.r.threshold: unknown key']);
  assert.match(problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x" } }\n  rules: { r: { type: error_rate, threshold: 0.5, window_ms: 10, webhook: a } }')[0], /^alerts\.rules\.r\.window_ms: /);
  assert.match(problemsOf('  evaluate_interval_ms: 1')[0], /^alerts\.evaluate_interval_ms: /);
});

test('a webhook header from an unset variable fails at load rather than sending an empty secret', () => {
  const problems = problemsOf('  webhooks: { a: { url: "http://127.0.0.1:1/x", headers: { authorization: "Bearer ${NOT_SET}" } } }');
  assert.equal(problems.length, 1);
  assert.match(problems[0], /NOT_SET/);
});
