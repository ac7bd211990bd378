import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, bundledExampleConfig, loadConfigFile, parseConfig } from './load-config.js';

function problemsOf(text: string, environment: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'test.yaml', environment);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('the bundled example is valid and every section is present', () => {
  const config = loadConfigFile(bundledExampleConfig, {});
  assert.equal(config.server.port, 8787);
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.storage, 'sqlite:./.sluice/sluice.db');
  assert.equal(config.auth.required, true);
  assert.deepEqual(Object.keys(config.providers).sort(), ['anthropic', 'gemini', 'local', 'openai']);
  assert.equal(config.routes.chat.targets[1].model, 'anthropic/claude-3-5-haiku-latest');
  assert.equal(config.guardrails.pii.type, 'pii');
  assert.deepEqual(config.pricing['local/llama3'], { input: 0, output: 0 });
});

test('defaults fill an empty file', () => {
  const config = parseConfig('', 'empty.yaml', {});
  assert.equal(config.server.max_body_bytes, 10 * 1024 * 1024);
  assert.equal(config.auth.required, true);
  assert.deepEqual(config.providers, {});
});

test('${VAR} and ${VAR:-default} are interpolated in values, numbers included', () => {
  const text = 'server: { port: "${PORT:-9999}", host: "${HOST}" }\nproviders:\n  openai: { type: openai, api_key: "${KEY}" }\n';
  const config = parseConfig(text, 't.yaml', { HOST: '0.0.0.0', KEY: 'sk-abc' });
  assert.equal(config.server.port, 9999);
  assert.equal(config.server.host, '0.0.0.0');
  assert.equal(config.providers.openai.api_key, 'sk-abc');
  assert.equal(parseConfig(text, 't.yaml', { HOST: 'h', KEY: 'k', PORT: '1234' }).server.port, 1234);
});

test('an unset ${VAR} without default names the key and the variable', () => {
  const problems = problemsOf('providers:\n  openai: { type: openai, api_key: "${OPENAI_KEY}" }\n');
  assert.match(problems[0], /^providers\.openai\.api_key: environment variable OPENAI_KEY is not set/);
});

test('a variable value cannot inject YAML structure', () => {
  const config = parseConfig('admin: { token: "${TOKEN}" }', 't.yaml', { TOKEN: 'x }\nauth: { required: false' });
  assert.equal(config.admin.token, 'x }\nauth: { required: false');
  assert.equal(config.auth.required, true);
});

test('unknown top-level sections and keys are errors with their path', () => {
  assert.deepEqual(problemsOf('servers: {}'), ['servers: unknown key']);
  assert.deepEqual(problemsOf('server: { prot: 1 }'), ['server.prot: unknown key']);
});

test('a target naming an unknown provider fails with the exact path', () => {
  const problems = problemsOf(`
providers:
  openai: { type: openai }
routes:
  chat:
    targets:
      - { model: openai/gpt-4o-mini }
      - { model: antropic/claude }
`);
  assert.deepEqual(problems, ['routes.chat.targets[1].model: unknown provider "antropic"']);
});

test('wrong types, unknown provider types, guardrail and pricing references are reported', () => {
  const problems = problemsOf(`
server: { port: eighty }
providers:
  x: { type: bedrock }
routes:
  r: { targets: [{ model: x/y }], guardrails: [nope] }
`);
  assert.ok(problems.some((line) => line.startsWith('server.port:')), problems.join('\n'));
  assert.ok(problems.some((line) => line.startsWith('providers.x.type:')), problems.join('\n'));
  const references = problemsOf('providers: { o: { type: openai } }\nroutes: { r: { targets: [{ model: o/m }], guardrails: [nope] } }\npricing: { "z/m": { input: 1, output: 2 } }');
  assert.deepEqual(references, ['routes.r.guardrails[0]: unknown guardrail "nope"', 'pricing.z/m: expected "provider/model" with a configured provider']);
});

test('azure-openai requires base_url; YAML syntax errors are reported', () => {
  assert.deepEqual(problemsOf('providers: { az: { type: azure-openai, api_key: k } }'), [
    'providers.az.base_url: required for type azure-openai (https://NAME.openai.azure.com)',
  ]);
  assert.match(problemsOf('server: [unclosed')[0], /^YAML: /);
});

test('a missing file is a ConfigError, not a crash', () => {
  assert.throws(() => loadConfigFile('/nonexistent/sluice.yaml'), (error: unknown) => error instanceof ConfigError && /cannot read/.test(error.problems[0]));
});
