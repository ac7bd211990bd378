import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, validateConfig } from '../config/load-config.js';
import { guardrailPolicies } from './compile-guardrail-policies.js';

const base = { storage: 'memory', providers: { openai: { type: 'openai' }, anthropic: { type: 'anthropic' } } };
const problems = (guardrails: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  try {
    validateConfig({ ...base, guardrails, ...extra });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

test('defaults: DLP policies redact both ways and fail closed; injection blocks requests; flag fails open', () => {
  const config = validateConfig({
    ...base,
    guardrails: { pii: { type: 'pii' }, injection: { type: 'prompt_injection' }, watch: { type: 'secrets', action: 'flag' } },
  });
  const policies = guardrailPolicies(config);
  const pii = policies.get('pii')!;
  assert.deepEqual([pii.action, [...pii.applyTo], pii.failMode, pii.roles.has('system')], ['redact', ['request', 'response'], 'fail_closed', true]);
  const injection = policies.get('injection')!;
  assert.deepEqual([injection.action, [...injection.applyTo], [...injection.roles]], ['block', ['request'], ['user', 'tool']]);
  assert.equal(policies.get('watch')!.failMode, 'fail_open');
  assert.equal(guardrailPolicies(config), policies, 'compiled once per config');
});

test('precise schema: unknown keys, bad regexes, impossible combinations and dangling routes are rejected', () => {
  assert.deepEqual(problems({ a: { type: 'pii', entitys: ['email'] } }), ['guardrails.a.entitys: unknown key']);
  assert.match(problems({ a: { type: 'pii', entities: ['passport'] } })[0], /^guardrails\.a\.entities\[0\]/);
  assert.deepEqual(problems({ a: { type: 'regex', patterns: [{ name: 'x', pattern: '(' }] } }), ['guardrails.a.patterns[0].pattern: not a valid JavaScript regular expression']);
  assert.deepEqual(problems({ a: { type: 'pii', action: 'flag', reversible: true } }), ['guardrails.a.reversible: reversible masking needs action: redact']);
  assert.match(problems({ a: { type: 'prompt_injection', action: 'redact' } })[0], /^guardrails\.a\.action/);
  assert.deepEqual(problems({ a: { type: 'llm_judge', route: 'nowhere/model' } }), ['guardrails.a.route: expected a route name or "provider/model" with a configured provider, got "nowhere/model"']);
  assert.deepEqual(problems({ a: { type: 'moderation', route: 'anthropic/x' } }), ["guardrails.a.route: moderation needs a provider speaking OpenAI's /moderations (type openai)"]);
  assert.match(problems({ a: { type: 'classifier', model_dir: '/models/x' } })[0], /^guardrails\.a\.model_dir: no config\.json in "\/models\/x"/);
  assert.match(problems({ 'a,b': { type: 'pii' } })[0], /^guardrails\.a,b: /, 'names are listed comma-separated in metadata: no commas');
  assert.deepEqual(problems({}, { routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }], guardrails: ['missing'] } } }), ['routes.chat.guardrails[0]: unknown guardrail "missing"']);
});

test('a valid policy of every supported type', () => {
  assert.deepEqual(
    problems(
      {
        pii: { type: 'pii', entities: ['email', 'ip', 'secret'], action: 'redact', reversible: true, allow: ['support@example.com'] },
        secrets: { type: 'secrets', action: 'block', fail_mode: 'fail_open', timeout_ms: '50' },
        ids: { type: 'regex', patterns: [{ name: 'employee_id', pattern: 'EMP-\\d{6}', case_sensitive: false }] },
        words: { type: 'keywords', keywords: ['Project Falcon'], action: 'flag', roles: ['user'] },
        injection: { type: 'prompt_injection', threshold: '0.7', apply_to: ['request', 'response'] },
        moderation: { type: 'moderation', route: 'openai/omni-moderation-latest', categories: { violence: 'flag', 'self-harm': 'ignore' }, threshold: 0.5 },
        judge: { type: 'llm_judge', route: 'chat', prompt: 'Is this safe? {{content}}', max_tokens: 5 },
      },
      { routes: { chat: { targets: [{ model: 'anthropic/claude-3-5-haiku-latest' }] } } },
    ),
    [],
  );
});
