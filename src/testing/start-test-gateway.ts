import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';

/**
 * A gateway on a free loopback port with a silent logger; `config` is YAML-shaped. `environment`
 * replaces process.env for what the gateway reads from it (SLUICE_MASTER_KEY).
 */
export function startTestGateway(config: Record<string, unknown>, environment: NodeJS.ProcessEnv = {}): Promise<RunningGateway> {
  const server = { host: '127.0.0.1', port: 0, ...(config.server as object | undefined) };
  const validated = validateConfig({ auth: { required: false }, storage: 'memory', ...config, server }, 'test config');
  return startGateway(validated, { logger: pino({ level: 'silent' }), environment });
}
