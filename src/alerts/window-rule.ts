import type { RequestLogRecord } from '../observability/request-log-record.js';
import { matchesAllowList } from '../tenancy/model-allow-list.js';
import type { WindowRuleConfig } from './alert-config.js';
import { isoOf, roundValue, type AlertNotice } from './alert-payload.js';
import { AlertState } from './alert-state.js';
import { WindowAggregate } from './window-aggregate.js';

/** Subjects one grouped rule tracks at most: a `group_by` value beyond it is not counted. */
export const maxSubjectsPerRule = 100;
/** Model names whose glob match is remembered; the memo starts over when it is full. */
const modelMemoSize = 1_000;

interface Tracked {
  subject: string;
  window: WindowAggregate;
}

/**
 * An error_rate or latency_p95 rule: counts matching requests per subject in ring-bucket
 * windows as they finish (O(1) each), and decides on the evaluation timer.
 */
export class WindowRule {
  /** By the request's value of the grouping field ('' when the rule is not grouped). */
  private readonly tracked = new Map<string, Tracked>();
  private readonly state: AlertState;
  private readonly ungroupedSubject: string;
  private readonly modelMatches = new Map<string, boolean>();
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
    // Latency is that of answered requests: failures are error_rate's business (and a fast 401 would hide a slow upstream).
    const latency = this.rule.type === 'error_rate' ? null : record.status >= 400 ? undefined : this.rule.latency === 'total' ? record.latency_ms : record.first_token_ms;
    if (latency === undefined) return;
    const group = this.groupOf(record, team);
    if (group === null) return;
    let tracked = this.tracked.get(group);
    if (!tracked) {
      if (this.tracked.size >= maxSubjectsPerRule) {
        this.overflowed += 1;
        return;
      }
      const subject = this.rule.group_by ? `${this.rule.group_by}=${group}` : this.ungroupedSubject;
      tracked = { subject, window: new WindowAggregate(this.rule.window_ms, this.rule.type === 'latency_p95') };
      this.tracked.set(group, tracked);
    }
    if (this.rule.type === 'error_rate') tracked.window.add(nowMs, record.status >= this.rule.error_status_min);
    else if (latency !== null) tracked.window.add(nowMs, false, latency);
  }

  private matches(record: RequestLogRecord, team: string | undefined): boolean {
    const { route, provider, model, team: teams } = this.rule;
    if (route && (record.route === null || !route.includes(record.route))) return false;
    if (provider && (record.provider === null || !provider.includes(record.provider))) return false;
    if (model && !this.matchesModel(record.model_requested, model) && !this.matchesModel(record.model_served, model)) return false;
    if (teams && !((team !== undefined && teams.includes(team)) || (record.team_id !== null && teams.includes(record.team_id)))) return false;
    return true;
  }

  /** Glob matching is a regular expression per glob: remembered per model name, which repeat. */
  private matchesModel(model: string | null, globs: readonly string[]): boolean {
    if (model === null) return false;
    let matched = this.modelMatches.get(model);
    if (matched === undefined) {
      if (this.modelMatches.size >= modelMemoSize) this.modelMatches.clear();
      matched = matchesAllowList(model, globs);
      this.modelMatches.set(model, matched);
    }
    return matched;
  }

  /** The request's value of the grouping field; null when it has none (it belongs to no subject). */
  private groupOf(record: RequestLogRecord, team: string | undefined): string | null {
    switch (this.rule.group_by) {
      case undefined:
        return '';
      case 'route':
        return record.route;
      case 'provider':
        return record.provider;
      case 'model':
        return record.model_served ?? record.model_requested;
      case 'team':
        return team ?? record.team_id;
    }
  }

  /** Decides every subject now; returns what is to be notified. */
  evaluate(nowMs: number): AlertNotice[] {
    const notices: AlertNotice[] = [];
    const { rule } = this;
    for (const [group, { subject, window }] of this.tracked) {
      const reading = window.read(nowMs);
      if (reading.requests < rule.min_requests) {
        // Too little traffic to tell either way: the subject keeps its state.
        if (reading.requests === 0 && !this.state.isActive(subject)) this.tracked.delete(group);
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
