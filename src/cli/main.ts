#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, defaultConfigPath, loadConfigFile } from '../config/load-config.js';
import { startGateway } from '../server/start-gateway.js';

const usage = `Usage: sluice <command> [options]

Commands:
  start [--config FILE] [--port N] [--host H]   start the gateway
  config check FILE                             validate a configuration file

Options:
  --config FILE   configuration file (default ./sluice.yaml, else the bundled example)
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
  if (command === 'start') return start(values);
  console.error(`sluice: unknown command "${positionals.join(' ')}"\n\n${usage}`);
  return 2;
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

async function start(values: { config?: string; port?: string; host?: string }): Promise<number> {
  const path = values.config ?? defaultConfigPath();
  let config;
  try {
    config = loadConfigFile(path);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--port: expected a port number, got "${values.port}"`);
      return 2;
    }
    config.server.port = port;
  }
  if (values.host !== undefined) config.server.host = values.host;
  const running = await startGateway(config);
  // A bug in one request's handling must not take every other request down with it.
  process.on('unhandledRejection', (reason) => running.gateway.logger.error({ err: reason }, 'unhandled promise rejection'));
  running.gateway.logger.info({ url: running.url, config: path, providers: [...running.gateway.providers.keys()] }, 'sluice listening');
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
    console.error(`sluice: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
