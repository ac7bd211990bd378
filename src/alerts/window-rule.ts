import type { RequestLogRecord } from '../observability/request-log-record.js';
import { matchesAllowList } from '../tenancy/model-allow-list.js';
import type { WindowRuleConfig } from './alert-config.js';
import { isoOf, roundValue, type AlertNotice } from './alert-payload.js';
import type { SubjectStates } from './subject-states.js';
import { bucketLengthOf, WindowAggregate, type BucketCounts, type WindowReading } from './window-aggregate.js';

/** Subjects one grouped rule tracks at most: a `group_by` value beyond it is not counted. */
export const maxSubjectsPerRule = 100;
/** Model names whose glob match is remembered; the memo starts over when it is full. */
const modelMemoSize = 1_000;

interface Tracked {
  subject: string;
  window: WindowAggregate;
}

/** Buckets of one subject that this instance has not shared yet. */
export interface UnsharedSubject {
  subject: string;
  buckets: BucketCounts[];
}

/**
 * An error_rate or latency_p95 rule: counts matching requests per subject in ring-bucket
 * windows as they finish (O(1) each), and decides on the evaluation timer, from this
 * instance's windows (embedded) or from every instance's (shared, see shared-window-counts.ts).
 */
export class WindowRule {
  /** By the request's value of the grouping field ('' when the rule is not grouped). */
  private readonly tracked = new Map<string, Tracked>();
  private readonly ungroupedSubject: string;
  private readonly modelMatches = new Map<string, boolean>();
  /** Requests not counted because the rule already tracks `maxSubjectsPerRule` subjects. */
  overflowed = 0;

  constructor(
    readonly name: string,
    readonly rule: WindowRuleConfig,
  ) {
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

  /** This instance's window of each subject, ending now; forgets subjects whose window is empty. */
  localReadings(nowMs: number): Map<string, WindowReading> {
    const readings = new Map<string, WindowReading>();
    for (const [group, { subject, window }] of this.tracked) {
      const reading = window.read(nowMs);
      // The subject's firing state lives in SubjectStates, so its window can go when empty.
      if (reading.requests === 0) this.tracked.delete(group);
      else readings.set(subject, reading);
    }
    return readings;
  }

  /** The length of one window bucket: shared counts are keyed by it. */
  get bucketMs(): number {
    return bucketLengthOf(this.rule.window_ms);
  }

  /** Counts not yet shared with the other instances; `markShared` once they are. */
  unshared(nowMs: number): UnsharedSubject[] {
    const subjects: UnsharedSubject[] = [];
    for (const { subject, window } of this.tracked.values()) {
      const buckets = window.unsharedBuckets(nowMs);
      if (buckets.length > 0) subjects.push({ subject, buckets });
    }
    return subjects;
  }

  markShared(shared: readonly UnsharedSubject[]): void {
    const windows = new Map([...this.tracked.values()].map(({ subject, window }) => [subject, window]));
    for (const { subject, buckets } of shared) windows.get(subject)?.markShared(buckets);
  }

  /**
   * Decides every subject from `readings` (this instance's, or every instance's) through
   * `states`, all subjects at once (with Redis: one round trip, not one per subject). `lease`
   * fences the shared states: a holder whose lease passed to another instance changes nothing.
   * A subject whose state could not be changed is left out of `notices` and its error is in
   * `failures`; the others' notices stand, since their state changes are made.
   */
  async decide(readings: ReadonlyMap<string, WindowReading>, states: SubjectStates, nowMs: number, lease?: string): Promise<{ notices: AlertNotice[]; failures: unknown[] }> {
    const { rule } = this;
    const threshold = rule.type === 'error_rate' ? rule.threshold : rule.threshold_ms;
    // Too little traffic to tell either way: such a subject keeps its state.
    const decided = [...readings].filter(([, reading]) => reading.requests >= rule.min_requests);
    const looks = await Promise.allSettled(
      decided.map(([subject, reading]) => states.observe(this.name, subject, this.valueOf(reading) >= threshold, nowMs, lease)),
    );
    const notices: AlertNotice[] = [];
    const failures: unknown[] = [];
    looks.forEach((look, index) => {
      if (look.status === 'rejected') return void failures.push(look.reason);
      const { decision, firedAtMs } = look.value;
      if (!decision) return;
      const [subject, reading] = decided[index];
      const value = this.valueOf(reading);
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
        fired_at: isoOf(firedAtMs),
        resolved_at: firing ? null : isoOf(nowMs),
        summary: this.summary(subject, value, reading.requests, firing),
        details: rule.type === 'error_rate' ? { errors: reading.errors, error_status_min: rule.error_status_min } : { latency: rule.latency },
      });
    });
    return { notices, failures };
  }

  private valueOf(reading: WindowReading): number {
    return this.rule.type === 'error_rate' ? reading.errors / reading.requests : (reading.p95Ms ?? 0);
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
