import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaceholderVault, restorePlaceholders } from './placeholder-vault.js';

test('typed placeholders are numbered per type and reused for the same value', () => {
  const vault = new PlaceholderVault();
  assert.equal(vault.placeholderFor('email', 'a@example.com', false), '[EMAIL_1]');
  assert.equal(vault.placeholderFor('email', 'b@example.com', false), '[EMAIL_2]');
  assert.equal(vault.placeholderFor('email', 'a@example.com', false), '[EMAIL_1]');
  assert.equal(vault.placeholderFor('ipv6', '2001:db8::1', false), '[IP_ADDRESS_1]');
  assert.equal(vault.placeholderFor('employee_id', 'EMP-1', false), '[EMPLOYEE_ID_1]');
});

test('only reversible placeholders are restored', () => {
  const vault = new PlaceholderVault();
  assert.equal(vault.restorable, false);
  vault.placeholderFor('email', 'kept@example.com', true);
  vault.placeholderFor('phone', '+1 415 555 0132', false);
  assert.equal(vault.restorable, true);
  assert.equal(restorePlaceholders('to [EMAIL_1], [PHONE_1], [EMAIL_9]', vault), 'to kept@example.com, [PHONE_1], [EMAIL_9]');
});
