import type { RequestLogRecord } from '../observability/request-log-record.js';
import { matchesAllowList } from '../tenancy/model-allow-list.js';
import type { WindowRuleConfig } from './alert-config.js';
import { isoOf, roundValue, type AlertNotice } from './alert-payload.js';
import { AlertState } from './alert-state.js';
import { WindowAggregate } from './window-aggregate.js';

/** Subjects one grouped rule tracks at most: a `group_by` value beyond it is not counted. */
export const maxSubjectsPerRule = 100;

/**
 * An error_rate or latency_p95 rule: counts matching requests per subject in ring-bucket
 * windows as they finish (O(1) each), and decides on the evaluation timer.
 */
export class WindowRule {
  private readonly aggregates = new Map<string, WindowAggregate>();
  private readonly state: AlertState;
  private readonly ungroupedSubject: string;
  /** Requests not counted because the rule already tracks `maxSubjectsPerRule` subjects. */
  overflowed = 0;

  constructor(
    readonly name: string,
    readonly rule: WindowRuleConfig,
  ) {
    this.state = new AlertState(rule.cooldown_ms);
    const filters = (['route', 'provider', 'model', 'team'] as const).filter((field) => rule[field]).map((field) => `${field}=${rule[field]!.join('|')}`);
    this.ungroupedSubject = filters.length > 0 ? filters.join(',') : '*';
  }

  /** One finished request. `team` is the calling key's team name, when there is one. */
  observe(record: RequestLogRecord, team: string | undefined, nowMs: number): void {
    if (!this.matches(record, team)) return;
    const subject = this.subjectOf(record, team);
    if (subject === undefined) return;
    let aggregate = this.aggregates.get(subject);
    if (!aggregate) {
      if (this.aggregates.size >= maxSubjectsPerRule) {
        this.overflowed += 1;
        return;
      }
      aggregate = new WindowAggregate(this.rule.window_ms, this.rule.type === 'latency_p95');
      this.aggregates.set(subject, aggregate);
    }
    if (this.rule.type === 'error_rate') {
      aggregate.add(nowMs, record.status >= this.rule.error_status_min);
      return;
    }
    // Latency is that of answered requests: failures are error_rate's business (and a fast 401 would hide a slow upstream).
    if (record.status >= 400) return;
    const latency = this.rule.latency === 'total' ? record.latency_ms : record.first_token_ms;
    if (latency !== null) aggregate.add(nowMs, false, latency);
  }

  private matches(record: RequestLogRecord, team: string | undefined): boolean {
    const { route, provider, model, team: teams } = this.rule;
    if (route && (record.route === null || !route.includes(record.route))) return false;
    if (provider && (record.provider === null || !provider.includes(record.provider))) return false;
    if (model) {
      const requested = record.model_requested !== null && matchesAllowList(record.model_requested, model);
      const served = record.model_served !== null && matchesAllowList(record.model_served, model);
      if (!requested && !served) return false;
    }
    if (teams && !((team !== undefined && teams.includes(team)) || (record.team_id !== null && teams.includes(record.team_id)))) return false;
    return true;
  }

  /** Undefined when the request has no value for the grouping field (it belongs to no subject). */
  private subjectOf(record: RequestLogRecord, team: string | undefined): string | undefined {
    switch (this.rule.group_by) {
      case undefined:
        return this.ungroupedSubject;
      case 'route':
        return record.route === null ? undefined : `route=${record.route}`;
      case 'provider':
        return record.provider === null ? undefined : `provider=${record.provider}`;
      case 'model': {
        const model = record.model_served ?? record.model_requested;
        return model === null ? undefined : `model=${model}`;
      }
      case 'team': {
        const value = team ?? record.team_id;
        return value === null ? undefined : `team=${value}`;
      }
    }
  }

  /** Decides every subject now; returns what is to be notified. */
  evaluate(nowMs: number): AlertNotice[] {
    const notices: AlertNotice[] = [];
    const { rule } = this;
    for (const [subject, aggregate] of this.aggregates) {
      const reading = aggregate.read(nowMs);
      if (reading.requests < rule.min_requests) {
        // Too little traffic to tell either way: the subject keeps its state.
        if (reading.requests === 0 && !this.state.isActive(subject)) this.aggregates.delete(subject);
        continue;
      }
      const value = rule.type === 'error_rate' ? reading.errors / reading.requests : (reading.p95Ms ?? 0);
      const threshold = rule.type === 'error_rate' ? rule.threshold : rule.threshold_ms;
      const decision = this.state.observe(subject, value >= threshold, nowMs);
      if (!decision) continue;
      const firing = decision === 'fire';
      notices.push({
        status: firing ? 'firing' : 'resolved',
        rule: this.name,
        type: rule.type,
        subject,
        value: roundValue(value),
        threshold,
        window_ms: rule.window_ms,
        requests: reading.requests,
        fired_at: isoOf(this.state.firedAt(subject) ?? nowMs),
        resolved_at: firing ? null : isoOf(nowMs),
        summary: this.summary(subject, value, reading.requests, firing),
        details: rule.type === 'error_rate' ? { errors: reading.errors, error_status_min: rule.error_status_min } : { latency: rule.latency },
      });
    }
    this.state.sweep(nowMs);
    return notices;
  }

  private summary(subject: string, value: number, requests: number, firing: boolean): string {
    const { rule } = this;
    const window = describeDuration(rule.window_ms);
    const comparison = firing ? '≥' : '<';
    const measured =
      rule.type === 'error_rate'
        ? `error rate ${percent(value)} ${comparison} ${percent(rule.threshold)}`
        : `p95 ${rule.latency === 'total' ? 'latency' : 'time to first token'} ${Math.round(value)} ms ${comparison} ${rule.threshold_ms} ms`;
    return `${measured} over ${window} on ${subject} (${requests} requests)${firing ? '' : ': resolved'}`;
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

export function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
