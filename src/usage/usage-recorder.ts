import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { utcDay } from '../limits/calendar-periods.js';
import type { TokenCounts } from './normalize-usage.js';
import { emptyCounts, type UsageGroup, type UsageRow } from './usage-records.js';

/** One finished request, as the recorder takes it. */
export interface UsageEntry {
  atMs: number;
  keyId?: string;
  teamId?: string;
  route?: string;
  provider: string;
  model: string;
  tokens: TokenCounts;
  estimated: boolean;
  costUsd: number | null;
  /**
   * Set for an answer served by the response cache: it counts as a request with the tokens and
   * cost given (zero), and adds to the hits and the cost they saved (null = unknown price).
   */
  cacheHit?: { costSavedUsd: number | null };
  /**
   * A call the gateway made on a request's behalf besides its answer (the semantic cache's
   * embedding): its tokens and cost count, but it is not another request of the client's.
   */
  sideCall?: boolean;
}

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  /** Groups kept while the store is failing; beyond it new groups are dropped (and logged). */
  maximumGroups?: number;
}

const separator = '\u0000';

/**
 * Keeps usage off the request path (DESIGN.md §2.6): requests are summed in memory per day and
 * group, and the sums are written to the store in one batch every second. A failed write keeps
 * its rows for the next flush, so a store outage delays usage instead of losing it (up to
 * `maximumGroups` distinct groups).
 */
export class UsageRecorder {
  private pending = new Map<string, UsageRow>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private droppedGroups = 0;
  private readonly maximumGroups: number;
  /** The last day computed and the span it covers: formatting a date costs more than the rest of record(). */
  private day = { startMs: 0, endMs: 0, text: '' };

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    options: UsageRecorderOptions = {},
  ) {
    this.maximumGroups = options.maximumGroups ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  record(entry: UsageEntry): void {
    const group: UsageGroup = {
      day: this.dayOf(entry.atMs),
      key_id: entry.keyId ?? '',
      team_id: entry.teamId ?? '',
      route: entry.route ?? '',
      provider: entry.provider,
      model: entry.model,
    };
    const id = [group.day, group.key_id, group.team_id, group.route, group.provider, group.model].join(separator);
    let row = this.pending.get(id);
    if (!row) {
      if (this.pending.size >= this.maximumGroups) {
        if (this.droppedGroups++ % 1000 === 0) this.logger.error({ dropped: this.droppedGroups }, 'usage recorder is full (store failing?): usage dropped');
        return;
      }
      row = { ...group, ...emptyCounts() };
      this.pending.set(id, row);
    }
    const { tokens } = entry;
    if (!entry.sideCall) row.requests += 1;
    row.prompt_tokens += tokens.prompt;
    row.completion_tokens += tokens.completion;
    row.total_tokens += tokens.total;
    row.cached_tokens += tokens.cached;
    row.cache_write_tokens += tokens.cacheWrite;
    row.reasoning_tokens += tokens.reasoning;
    if (entry.costUsd === null) row.unpriced_requests += 1;
    else row.cost_usd += entry.costUsd;
    if (entry.estimated) row.estimated_requests += 1;
    if (entry.cacheHit) {
      row.cache_hits += 1;
      row.cost_saved_usd += entry.cacheHit.costSavedUsd ?? 0;
    }
  }

  private dayOf(atMs: number): string {
    if (atMs < this.day.startMs || atMs >= this.day.endMs) {
      const startMs = atMs - (atMs % 86_400_000);
      this.day = { startMs, endMs: startMs + 86_400_000, text: utcDay(atMs) };
    }
    return this.day.text;
  }

  /** Writes what is pending; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // A fixed order keeps concurrent instances from locking the same rows in opposite orders.
    const rows = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    try {
      await this.store.addUsage(rows);
    } catch (error) {
      this.logger.warn({ err: error, groups: rows.length }, 'writing usage to the store failed; retrying at the next flush');
      // Put the batch back under what arrived meanwhile, adding where both have a group.
      for (const [id, row] of batch) {
        const newer = this.pending.get(id);
        if (newer) for (const column of Object.keys(emptyCounts()) as Array<keyof ReturnType<typeof emptyCounts>>) newer[column] += row[column];
        else this.pending.set(id, row);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    // A flush that found a batch in progress may leave what arrived meanwhile.
    if (this.pending.size > 0) await this.flush();
  }
}
