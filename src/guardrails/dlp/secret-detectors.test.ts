import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityScanner } from './entity-scanner.js';

const scanner = new EntityScanner({ entities: ['secret'] });
const found = (text: string) => scanner.scan(text).map((span) => [span.entity, text.slice(span.start, span.end)]);

const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NSIsIm5hbWUiOiJBbmEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc';

test('vendor tokens by their documented prefixes', () => {
  const cases: Array<[string, string]> = [
    ['aws_access_key', 'AKIAQX3L7RZKJ5TWN2PB'],
    ['openai_key', 'sk-proj-Xb7kQ2mN9pL4vR8sT1wY6zA3cF5hJ0dE2gK4nM7qP9rS'],
    ['anthropic_key', 'sk-ant-api03-Zq8Wm2Nk5Lp9Rt3Vx7Yb1Cd4Fg6Hj0Kl2Mn5Pq8Rs1Tu4Vw7Xy0Za3Bc6De9Fg'],
    ['google_api_key', 'AIzaSyD3kF9mQ2xL7pR4tW8vB1nC6hJ0sE5gK3a'],
    ['github_token', 'ghp_8fK2mQ7vX1pL9sR4tY6uW3zA5bC0dE2gH4jN'],
    ['slack_token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['stripe_key', 'sk_live_51HqB2xKpL9mN3vR7sT1wY6zA'],
    ['jwt', jwt],
  ];
  for (const [entity, value] of cases) assert.deepEqual(found(`value: "${value}" end`), [[entity, value]], entity);
});

test('PEM private-key blocks, whole; an unterminated block runs to the end of the text', () => {
  const block = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq9\nZ3x4YQ==\n-----END RSA PRIVATE KEY-----';
  assert.deepEqual(found(`key:\n${block}\nthanks`), [['private_key', block]]);
  assert.deepEqual(found('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA'), [['private_key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA']]);
  assert.deepEqual(found('-----BEGIN PUBLIC KEY----- is safe to share'), []);
});

test('generic secrets: the value of a credential assignment when it looks random', () => {
  assert.deepEqual(found('DB_PASSWORD=h7Kq2Lm9Xv4Rt8Wz1Np3'), [['generic_secret', 'h7Kq2Lm9Xv4Rt8Wz1Np3']]);
  assert.deepEqual(found('"client_secret": "Qw8Er7Ty6Ui5Op4As3Df2Gh"'), [['generic_secret', 'Qw8Er7Ty6Ui5Op4As3Df2Gh']]);
  assert.deepEqual(found('Authorization: Bearer Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg'), [['generic_secret', 'Zx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg']]);
  for (const text of ['OPENAI_API_KEY=your-api-key-here', "api_key = os.environ['OPENAI_API_KEY']", 'password: ${DB_PASSWORD}', 'token_type: bearer', 'secret_santa_budget = 25', 'sk-this-is-not-a-real-key-name']) {
    assert.deepEqual(found(text), [], text);
  }
});

test('a specific secret wins over the generic detector on the same span', () => {
  assert.deepEqual(found('api_key=AKIAQX3L7RZKJ5TWN2PB'), [['aws_access_key', 'AKIAQX3L7RZKJ5TWN2PB']]);
});

test('custom regex entities and keyword lists from the config', () => {
  const custom = new EntityScanner({
    patterns: [{ name: 'employee_id', pattern: 'EMP-\\d{6}', case_sensitive: true }],
    keywords: ['Project Falcon', 'falcon', 'C++'],
  });
  const spans = (text: string) => custom.scan(text).map((span) => [span.entity, text.slice(span.start, span.end)]);
  assert.deepEqual(spans('EMP-123456 works on project falcon in C++'), [
    ['employee_id', 'EMP-123456'],
    ['keyword', 'project falcon'],
    ['keyword', 'C++'],
  ]);
  assert.deepEqual(spans('emp-123456 and falconry'), [], 'case-sensitive pattern; keywords match whole words');
});
