import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityScanner } from './entity-scanner.js';
import { cardIssuerKnown, ibanValid, luhnValid } from './checksums.js';

const scanner = new EntityScanner({ entities: ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ip'] });
const found = (text: string) => scanner.scan(text).map((span) => [span.entity, text.slice(span.start, span.end)]);

test('email: addresses with subaddresses and subdomains; not decorators, scoped packages or handles', () => {
  assert.deepEqual(found('Mail j.smith+billing@acme-corp.co.uk today.'), [['email', 'j.smith+billing@acme-corp.co.uk']]);
  assert.deepEqual(found('@Component, npm i @scope/pkg@1.2.3, user@localhost'), []);
});

test('phone: E.164 and national formats, whole; not dates, versions, ISBNs or order numbers', () => {
  for (const number of ['+1 (415) 555-0132', '+44 20 7946 0958', '+33 1 23 45 67 89', '(212) 555-0199', '415.555.0171', '020 7946 0018', '06-12345678', '+14155550132']) {
    assert.deepEqual(found(`Call ${number} now`), [['phone', number]], number);
  }
  assert.deepEqual(found('call me on 4155550132'), [['phone', '4155550132']], 'bare digits count after a phone word');
  for (const text of ['Meeting on 2024-03-15 at 14:30', 'ISBN 978-3-16-148410-0', 'Invoice 2023-118-0042', 'It was 4155550132 units', 'Deadline 15.04.2025 10', 'Reference 123-456-789']) {
    assert.deepEqual(found(text), [], text);
  }
});

test('payment cards: Luhn-valid numbers with a known issuer, grouped or not; Luhn failures are not cards', () => {
  assert.ok(luhnValid('4111111111111111') && !luhnValid('4111111111111112'));
  assert.ok(cardIssuerKnown('378282246310005') && !cardIssuerKnown('9111111111111111'));
  assert.deepEqual(found('card 4111 1111 1111 1111 exp 09/27'), [['credit_card', '4111 1111 1111 1111']]);
  assert.deepEqual(found('amex 3782-822463-10005.'), [['credit_card', '3782-822463-10005']]);
  assert.deepEqual(found('order 12 5555555555554444'), [['credit_card', '5555555555554444']], 'a neighbouring number is not swallowed');
  assert.deepEqual(found('order 4111 1111 1111 1112 shipped'), []);
});

test('US SSN: dashed forms with valid areas, bare digits only after "SSN"', () => {
  assert.deepEqual(found('SSN 123-45-6789.'), [['ssn', '123-45-6789']]);
  assert.deepEqual(found('my ssn is 123456789'), [['ssn', '123456789']]);
  assert.deepEqual(found('lots 000-12-3456, 666-12-3456, 923-45-6789 and id 123456789'), []);
});

test('IBAN: country length and mod-97 check digits, spaced or compact', () => {
  assert.ok(ibanValid('DE89370400440532013000') && !ibanValid('DE88370400440532013000'));
  assert.deepEqual(found('IBAN DE89 3704 0044 0532 0130 00, BIC DEUTDEFF'), [['iban', 'DE89 3704 0044 0532 0130 00']]);
  assert.deepEqual(found('to GB82WEST12345698765432.'), [['iban', 'GB82WEST12345698765432']]);
  assert.deepEqual(found('typo DE88 3704 0044 0532 0130 00'), []);
});

test('IP addresses: v4 with valid octets, v6 confirmed by the parser; not versions, MACs, times or C++', () => {
  assert.deepEqual(found('ssh to 203.0.113.45 now'), [['ipv4', '203.0.113.45']]);
  assert.deepEqual(found('hosts 2001:db8::8a2e:370:7334 and fe80::1ff:fe23:4567:890a.'), [
    ['ipv6', '2001:db8::8a2e:370:7334'],
    ['ipv6', 'fe80::1ff:fe23:4567:890a'],
  ]);
  assert.deepEqual(found('version 1.2.3.4, 256.1.1.1, v10.0.0.1, 1.3.6.1.4.1, MAC 00:1A:2B:3C:4D:5E, 12:30:45, std::vector'), []);
});

test('allow-listed values are not reported', () => {
  const allowing = new EntityScanner({ entities: ['email'], allow: ['Support@Example.com'] });
  assert.deepEqual(allowing.scan('write support@example.com or ana@example.com').length, 1);
});
