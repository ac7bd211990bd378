import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import { createGateway, type Gateway } from '../gateway/gateway.js';
import { closeUpstreamPools } from '../http/upstream-client.js';
import { createGatewayServer } from './create-gateway-server.js';

export interface RunningGateway {
  gateway: Gateway;
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const gateway = createGateway(config, options);
  const server = createGatewayServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    gateway,
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // In-flight streams get a moment to finish, then are cut.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      await closeUpstreamPools();
    },
  };
}
