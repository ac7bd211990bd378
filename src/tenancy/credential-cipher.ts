import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Provider credentials at rest: AES-256-GCM under a key derived (HKDF-SHA256) from
 * SLUICE_MASTER_KEY. Stored as `v1.<iv>.<tag>.<ciphertext>` in base64url, so the format can change
 * later without guessing.
 */
export class MissingMasterKeyError extends Error {
  constructor() {
    super('Storing provider credentials needs SLUICE_MASTER_KEY (at least 32 characters, e.g. `openssl rand -base64 32`) in the gateway environment.');
    this.name = 'MissingMasterKeyError';
  }
}

export class CredentialCipher {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    if (masterKey.length < 32) throw new MissingMasterKeyError();
    this.key = Buffer.from(hkdfSync('sha256', masterKey, 'sluice', 'provider-credentials-v1', 32));
  }

  static fromEnvironment(environment: NodeJS.ProcessEnv = process.env): CredentialCipher | undefined {
    const masterKey = environment.SLUICE_MASTER_KEY;
    return masterKey ? new CredentialCipher(masterKey) : undefined;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Throws when the value was not made with this master key or was tampered with. */
  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('unrecognised credential format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
