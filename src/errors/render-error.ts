import type { GatewayError } from './gateway-errors.js';

export type ErrorDialect = 'openai' | 'anthropic' | 'gemini';

/** OpenAI's error body: `{"error":{"message","type","code","param"}}`. */
export function openAIErrorBody(error: GatewayError): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, code: error.code, param: error.param } });
}

const anthropicTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Anthropic's error body: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorBody(error: GatewayError): string {
  const type = anthropicTypes[error.status] ?? 'api_error';
  return JSON.stringify({ type: 'error', error: { type, message: error.message } });
}

const googleStatuses: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's error body: `{"error":{"code","message","status"}}`. */
export function googleErrorBody(error: GatewayError): string {
  return JSON.stringify({
    error: { code: error.status, message: error.message, status: googleStatuses[error.status] ?? 'UNKNOWN' },
  });
}

export function renderErrorBody(error: GatewayError, dialect: ErrorDialect): string {
  if (dialect === 'anthropic') return anthropicErrorBody(error);
  if (dialect === 'gemini') return googleErrorBody(error);
  return openAIErrorBody(error);
}
