import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { CredentialCipher } from './credential-cipher.js';

interface WeightedSecret {
  weight: number;
  secret: string;
}

/**
 * Provider credentials stored through the admin API, decrypted once and refreshed on an
 * interval so credentials added on another instance are used here too. A provider's config
 * `api_key` takes part in the draw with weight 1.
 */
export class CredentialPool {
  private byProvider = new Map<string, WeightedSecret[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly cipher: CredentialCipher | undefined,
    private readonly configKeys: ReadonlyMap<string, string>,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    const next = new Map<string, WeightedSecret[]>();
    for (const [provider, secret] of this.configKeys) next.set(provider, [{ weight: 1, secret }]);
    const stored = await this.store.listCredentials();
    for (const credential of stored) {
      if (!this.cipher) {
        this.logger.warn({ credential: credential.id }, 'stored provider credential ignored: SLUICE_MASTER_KEY is not set');
        continue;
      }
      try {
        const list = next.get(credential.provider) ?? [];
        list.push({ weight: credential.weight, secret: this.cipher.decrypt(credential.encrypted_secret) });
        next.set(credential.provider, list);
      } catch {
        this.logger.error({ credential: credential.id }, 'stored provider credential cannot be decrypted with this SLUICE_MASTER_KEY');
      }
    }
    this.byProvider = next;
  }

  startRefreshing(intervalMs = 10_000): void {
    this.timer = setInterval(() => {
      this.load().catch((error: unknown) => this.logger.warn({ err: error }, 'refreshing provider credentials failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * A credential for one call, drawn by weight; undefined when the provider has none (the
   * adapter then sends no credential, as for a local server).
   */
  pick(provider: string, random: () => number = Math.random): string | undefined {
    const list = this.byProvider.get(provider);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0].secret;
    const total = list.reduce((sum, item) => sum + item.weight, 0);
    let draw = random() * total;
    for (const item of list) {
      draw -= item.weight;
      if (draw < 0) return item.secret;
    }
    return list[list.length - 1].secret;
  }
}
