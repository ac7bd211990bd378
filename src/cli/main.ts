#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, defaultConfigPath, loadConfigFile } from '../config/load-config.js';
import type { GatewayConfig } from '../config/config-schema.js';
import { GatewayError } from '../errors/gateway-errors.js';
import { startGateway } from '../server/start-gateway.js';
import { runKeysCommand, runTeamsCommand } from './tenancy-commands.js';
import { tuneHeapGrowth } from './tune-heap-growth.js';

const usage = `Usage: sluice <command> [options]

Commands:
  start [--port N] [--host H]                 start the gateway
  config check FILE                           validate a configuration file
  keys create --team T [--name N] [--models 'openai/*,chat'] [--rpm N] [--tpm N]
              [--rpd N] [--tpd N] [--parallel N] [--budget USD/month] [--expires 30d]
  keys list [--team T]
  keys revoke ID
  teams create NAME [--models GLOBS] [--rpm N] [--tpm N] [--budget USD/month]
  teams list

Options:
  --config FILE   configuration file (default ./sluice.yaml, else the bundled example);
                  its storage: setting says which store keys and teams live in
  --json          machine-readable output
  --help          this text`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      team: { type: 'string' },
      name: { type: 'string' },
      models: { type: 'string' },
      expires: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      rpd: { type: 'string' },
      tpd: { type: 'string' },
      parallel: { type: 'string' },
      budget: { type: 'string' },
    },
  });
  const [command, subcommand, argument] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  if (command === 'config' && subcommand === 'check') {
    return checkConfig(argument ?? values.config ?? defaultConfigPath(), values.json);
  }
  if (command !== 'start' && command !== 'keys' && command !== 'teams') {
    console.error(`sluice: unknown command "${positionals.join(' ')}"\n\n${usage}`);
    return 2;
  }
  const path = values.config ?? defaultConfigPath();
  const config = loadConfigOrReport(path);
  if (!config) return 1;
  if (command === 'keys') return runKeysCommand(config, subcommand, argument, values);
  if (command === 'teams') return runTeamsCommand(config, subcommand, argument, values);
  return start(config, path, values);
}

function loadConfigOrReport(path: string): GatewayConfig | undefined {
  try {
    return loadConfigFile(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

function checkConfig(path: string, json: boolean): number {
  try {
    const config = loadConfigFile(path);
    const summary = { valid: true, file: path, providers: Object.keys(config.providers), routes: Object.keys(config.routes) };
    console.log(json ? JSON.stringify(summary) : `${path}: valid (${summary.providers.length} providers, ${summary.routes.length} routes)`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (json) console.log(JSON.stringify({ valid: false, file: path, problems: error.problems }));
    else console.error(error.message);
    return 1;
  }
}

async function start(config: GatewayConfig, path: string, values: { port?: string; host?: string }): Promise<number> {
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--port: expected a port number, got "${values.port}"`);
      return 2;
    }
    config.server.port = port;
  }
  if (values.host !== undefined) config.server.host = values.host;
  tuneHeapGrowth();
  const running = await startGateway(config, {
    // Printed once, on the console only: the store keeps nothing but its hash.
    announceAdminToken: (token) => process.stderr.write(`\nsluice: generated the admin token (shown only now; set admin.token to choose your own):\n  ${token}\n\n`),
  });
  // A bug in one request's handling must not take every other request down with it.
  process.on('unhandledRejection', (reason) => running.gateway.logger.error({ err: reason }, 'unhandled promise rejection'));
  running.gateway.logger.info({ url: running.url, config: path, storage: config.storage.replace(/\/\/[^@]*@/, '//***@'), providers: [...running.gateway.providers.keys()] }, 'sluice listening');
  const shutdown = (signal: string) => {
    running.gateway.logger.info({ signal }, 'shutting down');
    running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // Validation and not-found errors carry a message meant for the operator.
    const message = error instanceof GatewayError || error instanceof Error ? error.message : String(error);
    console.error(`sluice: ${message}`);
    process.exitCode = 1;
  },
);
