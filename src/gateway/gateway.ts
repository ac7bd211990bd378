import pino, { type Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Provider } from '../providers/provider.js';
import { createProvider } from '../providers/create-provider.js';

/** Verifies a gateway key; the key store provides one (absent: no keys exist). */
export interface KeyVerifier {
  verify(secret: string): Promise<{ keyId: string; teamId: string | null } | undefined>;
}

/** The long-lived state every request shares. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly logger: Logger;
  keys?: KeyVerifier;
}

export function createLogger(level: GatewayConfig['logging']['level']): Logger {
  // Asynchronous writes keep logging off the request's critical path.
  return pino({ level, base: undefined }, pino.destination({ dest: 1, sync: false }));
}

export function createGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Gateway {
  const providers = new Map<string, Provider>();
  for (const [name, providerConfig] of Object.entries(config.providers)) {
    providers.set(name, createProvider(name, providerConfig));
  }
  return { config, providers, logger: options.logger ?? createLogger(config.logging.level) };
}
