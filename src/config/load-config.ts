import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { gatewayConfigSchema, type GatewayConfig } from './config-schema.js';
import { interpolateEnvironment, MissingVariableError } from './interpolate-environment.js';
import { checkReferences } from './check-references.js';

/** A config that cannot be used; `problems` are `path: reason` lines. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
  }
}

export const bundledExampleConfig = fileURLToPath(new URL('../../sluice.example.yaml', import.meta.url));

/** `./sluice.yaml` if present, else the bundled example (DESIGN.md §1). */
export function defaultConfigPath(): string {
  return existsSync('sluice.yaml') ? 'sluice.yaml' : bundledExampleConfig;
}

export function loadConfigFile(path: string, environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseConfig(text, path, environment);
}

export function parseConfig(text: string, source: string, environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(source, document.errors.map((error) => `YAML: ${error.message.split('\n')[0]}`));
  }
  let raw: unknown;
  try {
    raw = interpolateEnvironment(document.toJS() ?? {}, environment);
  } catch (error) {
    if (error instanceof MissingVariableError) throw new ConfigError(source, [error.message]);
    throw error;
  }
  return validateConfig(raw, source);
}

export function validateConfig(raw: unknown, source = 'config'): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(describeIssue));
  const problems = checkReferences(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return parsed.data;
}

/** `routes.chat.targets[1].model: …` — the path style operators read in the YAML. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let formatted = '';
  for (const part of path) {
    if (typeof part === 'number') formatted += `[${part}]`;
    else formatted += formatted ? `.${String(part)}` : String(part);
  }
  return formatted || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = formatPath(issue.path);
    return issue.keys.map((key) => `${where === '(root)' ? key : `${where}.${key}`}: unknown key`).join('\n  ');
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}
