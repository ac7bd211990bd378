import type { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import type { AdminStream } from './write-admin-stream.js';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Who every change made through the admin API is attributed to in the audit log. */
export const adminActor = 'admin-token';

/** What a handler gets: path parameters by name, the raw query, the parsed JSON body. */
export interface AdminCall {
  readonly gateway: Gateway;
  readonly requestId: string;
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters as strings; the handler validates them with the route's `query` schema. */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
}

export interface AdminResult {
  status: number;
  body: unknown;
  /** When set, written as a stream instead of `body` as JSON (log exports). */
  stream?: AdminStream;
}

/**
 * One endpoint. The same declaration serves requests and generates `openapi.json`, so the
 * description cannot drift from what is served.
 */
export interface AdminRoute {
  readonly method: AdminMethod;
  /** Relative to `/admin/api/v1`, with `{name}` path parameters, OpenAPI style. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Served without the admin token (only for content that holds no secrets). */
  readonly public?: boolean;
  /** Strict object schema of the query parameters (all strings on the wire). */
  readonly query?: z.ZodType;
  /** `name` is the component name in openapi.json. */
  readonly body?: { readonly schema: z.ZodType; readonly name: string; readonly required: boolean };
  readonly response: { readonly status: number; readonly schema: z.ZodType; readonly name: string; readonly description: string };
  /** Error statuses this endpoint can answer besides 401/500 (documented in openapi.json). */
  readonly errors?: readonly number[];
  handle(call: AdminCall): Promise<AdminResult>;
}

/** Splits a route path into literal segments and `{name}` parameters once, at start-up. */
export function compilePath(path: string): Array<{ literal: string } | { parameter: string }> {
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('{') && segment.endsWith('}') ? { parameter: segment.slice(1, -1) } : { literal: segment }));
}

/** The path parameters when `segments` (already split and decoded) fit the compiled path. */
export function matchSegments(compiled: ReturnType<typeof compilePath>, segments: readonly string[]): Record<string, string> | undefined {
  if (compiled.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < compiled.length; index += 1) {
    const part = compiled[index];
    const segment = segments[index];
    if ('literal' in part) {
      if (part.literal !== segment) return undefined;
    } else {
      if (!segment) return undefined;
      params[part.parameter] = segment;
    }
  }
  return params;
}
