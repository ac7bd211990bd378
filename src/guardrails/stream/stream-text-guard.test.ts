import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../compile-guardrail-policies.js';
import { PlaceholderVault } from '../dlp/placeholder-vault.js';
import type { GuardrailPolicy } from '../guardrail-policy.js';
import { GuardrailBlockedError } from '../guardrail-verdicts.js';
import { EntityTally } from './entity-tally.js';
import { holdWindow, StreamTextGuard } from './stream-text-guard.js';

const pii = (action: 'block' | 'redact' | 'flag') => compilePolicy(`pii-${action}`, { type: 'pii', entities: ['email', 'phone', 'credit_card'], action, reversible: false, keywords_case_sensitive: false });
const secrets = compilePolicy('secrets', { type: 'secrets', action: 'redact', reversible: false, keywords_case_sensitive: false });

function run(policies: GuardrailPolicy[], pieces: string[], vault = new PlaceholderVault()) {
  const tally = new EntityTally();
  const guard = new StreamTextGuard(policies, vault, tally);
  const released = pieces.map((piece) => guard.push(piece));
  released.push(guard.flush());
  return { released, text: released.join(''), verdicts: tally.verdicts() };
}

test('an entity split across two chunks is redacted whole', () => {
  const { text, verdicts } = run([pii('redact')], ['Write to ana.lo', 'pez@example.com today']);
  assert.equal(text, 'Write to [EMAIL_1] today');
  assert.deepEqual(verdicts[0].entities, { email: 1 });
});

test('an entity split across three chunks is redacted whole, and each character is released once', () => {
  const pieces = ['card 4111 11', '11 1111 1', '111 ok and the rest of a long sentence follows here'];
  const { text } = run([pii('redact')], pieces);
  assert.equal(text, 'card [CREDIT_CARD_1] ok and the rest of a long sentence follows here');
});

test('only the window is held: text far enough before the end is released at once', () => {
  const long = 'a'.repeat(10) + ' ' + 'word '.repeat(40);
  const guard = new StreamTextGuard([pii('redact')], new PlaceholderVault(), new EntityTally());
  const first = guard.push(long);
  assert.ok(first.length > 0 && first.length >= long.length - holdWindow - 5, `released ${first.length} of ${long.length}`);
  assert.equal(first + guard.flush(), long);
});

test('an unfinished token is never split, even when longer than the window', () => {
  // A JWT longer than the window: its start must not be released before the token is complete.
  const token = `eyJ${'a'.repeat(60)}.eyJ${'b'.repeat(60)}.${'c'.repeat(40)}`;
  assert.ok(token.length > holdWindow * 2);
  const { released, text } = run([secrets], ['see ', token.slice(0, 50), token.slice(50, 120), token.slice(120), ' and then a long enough tail of words']);
  assert.equal(text, 'see [JWT_1] and then a long enough tail of words');
  assert.ok(released.every((piece) => !piece.includes('eyJ')));
});

test('a blocking policy throws before any of the entity is released', () => {
  const tally = new EntityTally();
  const guard = new StreamTextGuard([pii('block')], new PlaceholderVault(), tally);
  let sent = guard.push('my number is +1 415 ');
  sent += guard.push('555 0132');
  assert.throws(() => (sent += guard.push(' thanks')), (error: unknown) => error instanceof GuardrailBlockedError && error.policy === 'pii-block' && !error.message.includes('555'));
  assert.doesNotMatch(sent, /415/);
  assert.deepEqual(tally.verdicts()[0].entities, { phone: 1 });
});

test('flag-only policies release at once and still count an entity split across chunks once', () => {
  const { released, verdicts } = run([pii('flag')], ['mail jo', 'e@example', '.com and again, more words']);
  assert.deepEqual(released.slice(0, 3), ['mail jo', 'e@example', '.com and again, more words']);
  assert.deepEqual(verdicts, [{ policy: 'pii-flag', type: 'pii', phase: 'response', outcome: 'flagged', entities: { email: 1 } }]);
});

test('reversible placeholders split across chunks are restored', () => {
  const vault = new PlaceholderVault();
  vault.placeholderFor('email', 'kim@example.com', true);
  const { text } = run([], ['Sure, I will write to [EM', 'AIL_', '1] today. [EMAIL_2] stays.'], vault);
  assert.equal(text, 'Sure, I will write to kim@example.com today. [EMAIL_2] stays.');
});

test('a private key is held from its header to its END line, then redacted', () => {
  const { released, text } = run([secrets], ['key:\n-----BEGIN PRIVATE KEY-----\n', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(4) + '\n', '-----END PRIVATE KEY-----\nbye']);
  assert.equal(text, 'key:\n[PRIVATE_KEY_1]\nbye');
  assert.ok(released.slice(0, 2).every((piece) => !piece.includes('MIIE')));
});

test('a detector that throws: fail closed blocks the stream, fail open lets the rest through', () => {
  const broken = (failMode: 'fail_closed' | 'fail_open'): GuardrailPolicy => ({
    ...pii('redact'),
    name: `broken-${failMode}`,
    failMode,
    scanner: {
      scan: () => {
        throw new Error('detector crashed');
      },
    },
  });
  assert.throws(() => run([broken('fail_closed')], ['hello']), (error: unknown) => error instanceof GuardrailBlockedError && /could not be checked/.test(error.message));
  const open = run([broken('fail_open'), pii('redact')], ['hello jo@example.com and then some more text to release']);
  assert.equal(open.text, 'hello [EMAIL_1] and then some more text to release');
  assert.deepEqual(open.verdicts.find((verdict) => verdict.outcome === 'error')?.policy, 'broken-fail_open');
});
