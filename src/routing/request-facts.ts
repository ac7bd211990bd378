import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import type { AuthenticatedKey } from '../tenancy/key-verifier.js';

/**
 * What routing may know about a request: conditions and sticky splits read these. Everything
 * is computed on first use, so a fallback route pays nothing for facts it never reads.
 */
export interface RequestFacts {
  principal?: AuthenticatedKey;
  metadata(): Readonly<Record<string, unknown>>;
  header(name: string): string | undefined;
  param(name: string): unknown;
  /** A cheap estimate (request bytes / 4): enough to rank by cost or pick a long-context model. */
  estimatedPromptTokens(): number;
  /** The request's output cap, or a typical answer length when it sets none. */
  expectedOutputTokens(): number;
}

/** Used to rank by cost when a request sets no output cap. */
const typicalOutputTokens = 256;

export interface FactSources {
  headers: IncomingHttpHeaders;
  principal?: AuthenticatedKey;
  /** The parsed request body (chat or embeddings). */
  body?: Readonly<Record<string, unknown>>;
  bodyBytes?: number;
}

export function createRequestFacts(sources: FactSources): RequestFacts {
  let metadata: Record<string, unknown> | undefined;
  return {
    principal: sources.principal,
    metadata: () => (metadata ??= parseMetadataHeader(sources.headers['x-sluice-metadata'])),
    header: (name) => {
      const value = sources.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    param: (name) => sources.body?.[name],
    estimatedPromptTokens: () => Math.ceil((sources.bodyBytes ?? JSON.stringify(sources.body ?? {}).length) / 4),
    expectedOutputTokens: () => {
      const cap = sources.body?.max_completion_tokens ?? sources.body?.max_tokens;
      return typeof cap === 'number' && cap > 0 ? cap : typicalOutputTokens;
    },
  };
}

/** `x-sluice-metadata`: a flat JSON object (DESIGN.md §1). A malformed one is the caller's 400. */
export function parseMetadataHeader(raw: string | string[] | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  const text = Array.isArray(raw) ? raw[0] : raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('x-sluice-metadata: expected a JSON object', { code: 'invalid_header', param: 'x-sluice-metadata' });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => value !== null && typeof value === 'object')) {
    throw new InvalidRequestError('x-sluice-metadata: expected a flat JSON object (string, number, boolean or null values)', {
      code: 'invalid_header',
      param: 'x-sluice-metadata',
    });
  }
  return parsed as Record<string, unknown>;
}

/** The value a condition field (condition-schema.ts) names, undefined when absent. */
export function factValue(facts: RequestFacts, field: string): unknown {
  const dot = field.indexOf('.');
  const scope = field.slice(0, dot);
  const rest = field.slice(dot + 1);
  switch (scope) {
    case 'metadata':
      return facts.metadata()[rest];
    case 'header':
      return facts.header(rest);
    case 'param':
      return facts.param(rest);
    case 'request':
      return facts.estimatedPromptTokens();
    case 'key':
    case 'team': {
      const record = facts.principal?.[scope];
      if (!record) return undefined;
      if (rest === 'id') return record.id;
      if (rest === 'name') return record.name;
      return record.metadata[rest.slice('metadata.'.length)];
    }
  }
  return undefined;
}
