import { request, type Agent } from 'undici';
import type { CancelSignal } from '../http/cancellation.js';
import type { WebhookConfig } from './alert-config.js';

export interface WebhookAnswer {
  /** The HTTP status; null when none came. */
  statusCode: number | null;
  /** Null on a 2xx; else `http_<status>`, `timeout`, `shutdown` or the socket error's code. */
  error: string | null;
  /** Whether another attempt may succeed: timeouts, connection errors, 408, 429 and 5xx. */
  retryable: boolean;
  durationMs: number;
}

/**
 * One POST of `body` to a webhook through undici, bounded by the webhook's `timeout_ms` from
 * connection to last byte. Never throws. The error it reports is a code, never a message: the
 * messages of socket errors can name the URL, which may hold a secret.
 */
export async function postWebhook(agent: Agent, webhook: WebhookConfig, body: string, alertId: string, shutdown: CancelSignal): Promise<WebhookAnswer> {
  const started = performance.now();
  const controller = new AbortController();
  let cause: 'timeout' | 'shutdown' | undefined;
  const timer = setTimeout(() => {
    cause = 'timeout';
    controller.abort();
  }, webhook.timeout_ms);
  const onShutdown = () => {
    cause ??= 'shutdown';
    controller.abort();
  };
  shutdown.once('abort', onShutdown);
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    const response = await request(webhook.url, {
      method: 'POST',
      dispatcher: agent,
      signal: controller.signal,
      headers: {
        'user-agent': 'sluice-alerts',
        ...webhook.headers,
        'content-type': 'application/json',
        'x-sluice-alert-id': alertId,
      },
      body,
    });
    // Read to the end so the connection can be reused; the content itself is not used.
    await response.body.dump({ limit: 64 * 1024 });
    const statusCode = response.statusCode;
    const ok = statusCode >= 200 && statusCode < 300;
    return {
      statusCode,
      error: ok ? null : `http_${statusCode}`,
      retryable: !ok && (statusCode === 408 || statusCode === 429 || statusCode >= 500),
      durationMs: elapsed(),
    };
  } catch (error) {
    return { statusCode: null, error: cause ?? errorCodeOf(error), retryable: cause !== 'shutdown', durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
    shutdown.removeListener('abort', onShutdown);
  }
}

function errorCodeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    if (typeof name === 'string' && /^\w+$/.test(name)) return name;
  }
  return 'request_failed';
}
