import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import { Cancellation } from '../http/cancellation.js';
import type { Clock } from '../routing/clock.js';
import type { Store } from '../store/store.js';
import type { WebhookConfig } from './alert-config.js';
import type { AlertDeliveryRecord } from './alert-delivery-record.js';
import type { AlertPayload } from './alert-payload.js';
import { postWebhook } from './post-webhook.js';

/** Deliveries in progress at once; beyond it new ones are dropped (and counted), not queued. */
const maxPendingDeliveries = 200;
/** While the store keeps failing, one warning per this interval. */
const storeWarningIntervalMs = 30_000;

export interface DeliveryListener {
  attempt(webhook: string, ok: boolean): void;
  failed(webhook: string): void;
  dropped(webhook: string): void;
}

/**
 * Sends notifications to webhooks in the background: each delivery is retried with doubling
 * waits and saved to the store after every attempt. Nothing here is awaited by a request, no
 * failure escapes (a webhook or store that is down only ends up in the record, the log and the
 * counters), and the number of deliveries in progress is bounded.
 */
export class AlertDeliverer {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  private readonly pending = new Set<Promise<void>>();
  /** Ends retry waits at shutdown: no new attempt starts once closing. */
  private readonly stopRetries = new Cancellation();
  /** Cuts attempts still in flight when the shutdown grace is over. */
  private readonly hardStop = new Cancellation();
  private lastStoreWarningMs = -Infinity;

  constructor(
    private readonly webhooks: Readonly<Record<string, WebhookConfig>>,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly listener: DeliveryListener,
  ) {}

  /** Starts one delivery per webhook; returns at once. */
  send(rule: string, webhookNames: readonly string[], payload: AlertPayload): void {
    const body = JSON.stringify(payload);
    for (const name of webhookNames) {
      const webhook = this.webhooks[name];
      if (!webhook) continue;
      if (this.stopRetries.aborted || this.pending.size >= maxPendingDeliveries) {
        this.listener.dropped(name);
        this.logger.warn({ rule, webhook: name, alert_id: payload.id }, 'alert delivery dropped: too many deliveries in progress');
        continue;
      }
      const delivery = this.deliver(rule, name, webhook, payload, body).catch((error: unknown) => {
        this.logger.error({ err: error, rule, webhook: name }, 'alert delivery failed unexpectedly');
      });
      this.pending.add(delivery);
      void delivery.finally(() => this.pending.delete(delivery));
    }
  }

  private async deliver(rule: string, name: string, webhook: WebhookConfig, payload: AlertPayload, body: string): Promise<void> {
    const createdAt = new Date().toISOString();
    const record: AlertDeliveryRecord = {
      id: randomUUID(),
      alert_id: payload.id,
      rule,
      webhook: name,
      status: 'pending',
      attempts: 0,
      status_code: null,
      error: null,
      payload,
      attempt_log: [],
      created_at: createdAt,
      updated_at: createdAt,
      delivered_at: null,
      failed_at: null,
    };
    // Saved before the first attempt too, so a delivery stuck on a hung webhook is visible.
    await this.save(record);
    for (let attempt = 1; ; attempt += 1) {
      const at = new Date().toISOString();
      const answer = await postWebhook(this.agent, webhook, body, payload.id, this.hardStop.signal);
      const now = new Date().toISOString();
      record.attempts = attempt;
      record.status_code = answer.statusCode;
      record.error = answer.error;
      record.updated_at = now;
      record.attempt_log.push({ at, status_code: answer.statusCode, error: answer.error, duration_ms: answer.durationMs });
      this.listener.attempt(name, answer.error === null);
      if (answer.error === null) {
        record.status = 'delivered';
        record.delivered_at = now;
        return this.save(record);
      }
      if (!answer.retryable || attempt >= webhook.attempts || this.stopRetries.aborted) return this.fail(record, now);
      await this.save(record);
      try {
        await this.clock.sleep(webhook.backoff_ms * 2 ** (attempt - 1), this.stopRetries.signal);
      } catch {
        // Shutting down: a next attempt would not be waited for, so the delivery ends here.
        return this.fail(record, new Date().toISOString());
      }
    }
  }

  private fail(record: AlertDeliveryRecord, now: string): Promise<void> {
    record.status = 'failed';
    record.failed_at = now;
    record.updated_at = now;
    this.listener.failed(record.webhook);
    this.logger.warn({ rule: record.rule, webhook: record.webhook, alert_id: record.alert_id, attempts: record.attempts, error: record.error }, 'alert delivery failed');
    return this.save(record);
  }

  private async save(record: AlertDeliveryRecord): Promise<void> {
    try {
      await this.store.saveAlertDelivery(structuredClone(record));
    } catch (error) {
      const now = Date.now();
      if (now - this.lastStoreWarningMs >= storeWarningIntervalMs) {
        this.lastStoreWarningMs = now;
        this.logger.warn({ err: error, rule: record.rule, webhook: record.webhook }, 'saving an alert delivery failed');
      }
    }
  }

  /** Resolves once every delivery in progress has ended (tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * No new attempts; attempts in flight get `graceMs` to finish (and be saved), then are cut.
   * Call before the store closes.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.stopRetries.abort(new Error('alerts closing'));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    this.hardStop.abort(new Error('alerts closed'));
    await this.idle();
    await this.agent.close();
  }
}
