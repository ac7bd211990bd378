/** Entities the built-in DLP detectors find, as named in the config's `entities:` lists. */
export const piiEntities = ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ipv4', 'ipv6'] as const;
export const secretEntities = [
  'aws_access_key',
  'openai_key',
  'anthropic_key',
  'google_api_key',
  'github_token',
  'slack_token',
  'stripe_key',
  'jwt',
  'private_key',
  'generic_secret',
] as const;

export type PiiEntity = (typeof piiEntities)[number];
export type SecretEntity = (typeof secretEntities)[number];
export type BuiltInEntity = PiiEntity | SecretEntity;

/** Shorthands accepted in the config: `ip` is both address families, `secret` every secret kind. */
const aliases: Record<string, readonly BuiltInEntity[]> = {
  ip: ['ipv4', 'ipv6'],
  secret: secretEntities,
  secrets: secretEntities,
  pii: piiEntities,
};

export const entityNames = [...piiEntities, ...secretEntities, ...Object.keys(aliases)] as [string, ...string[]];

export function expandEntities(names: readonly string[]): BuiltInEntity[] {
  const expanded = new Set<BuiltInEntity>();
  for (const name of names) for (const entity of aliases[name] ?? [name as BuiltInEntity]) expanded.add(entity);
  return [...expanded];
}

/** The label inside a placeholder: `[EMAIL_1]`, `[IP_ADDRESS_2]`, `[EMPLOYEE_ID_1]`. */
export function placeholderLabel(entity: string): string {
  if (entity === 'ipv4' || entity === 'ipv6') return 'IP_ADDRESS';
  return entity.toUpperCase();
}

export function isSecretEntity(entity: string): boolean {
  return (secretEntities as readonly string[]).includes(entity);
}
