import { resolveOverlaps, type EntitySpan } from '../dlp/entity-detector.js';
import { applyReplacements, placeholderPattern, type PlaceholderVault, type Replacement } from '../dlp/placeholder-vault.js';
import type { GuardrailPolicy } from '../guardrail-policy.js';
import { GuardrailBlockedError } from '../guardrail-verdicts.js';
import type { EntityTally } from './entity-tally.js';

/** Characters held back from the client: longer than any multi-word entity (IBAN with spaces: 42). */
export const holdWindow = 64;
/** Released characters kept for context ("api_key = " before a value, "call" before a number). */
const contextWindow = 64;
/** An unfinished token (a JWT, a key) is held whole, up to this length. */
const maximumTokenHold = 4096;

interface TaggedSpan extends EntitySpan {
  policy?: GuardrailPolicy;
  /** Set on a reversible placeholder: the original value it restores. */
  restore?: string;
}

/**
 * Scans one stream of text (a choice's content, or one tool call's arguments) as it passes.
 * Each piece is appended to what is pending and the whole is scanned with the last released
 * characters as context. What cannot change any more is released: everything but the last
 * `holdWindow` characters, cut back so that no unfinished token or detected entity is split.
 * An entity split across chunks is therefore still seen whole before any of it is released.
 * Only policies that block or redact (or reversible placeholders to restore) need the hold;
 * flag-only policies see the same window but release at once.
 */
export class StreamTextGuard {
  private tail = '';
  private pending = '';
  /** Absolute offset of `tail`'s first character, to report each flagged entity once. */
  private tailStart = 0;
  private readonly flagged = new Set<string>();
  private readonly active: GuardrailPolicy[];
  private readonly holding: boolean;

  constructor(
    policies: readonly GuardrailPolicy[],
    private readonly vault: PlaceholderVault,
    private readonly tally: EntityTally,
  ) {
    this.active = [...policies];
    this.holding = vault.restorable || policies.some((policy) => policy.action !== 'flag');
  }

  /** Takes the next piece of text and returns what may be sent now (possibly ''). */
  push(text: string): string {
    this.pending += text;
    return this.release(false);
  }

  /** Returns everything still held, checked and rewritten: the stream (or this choice) ended. */
  flush(): string {
    return this.pending === '' ? '' : this.release(true);
  }

  private release(final: boolean): string {
    const buffer = this.tail + this.pending;
    const base = this.tail.length;
    const spans = this.scan(buffer, base);
    const settled = (span: TaggedSpan) => final || span.end < buffer.length;

    for (const span of spans) {
      if (span.policy?.action === 'block' && settled(span)) {
        this.tally.add(span.policy, span.entity);
        const entities = { [span.entity]: 1 };
        throw new GuardrailBlockedError({ policy: span.policy.name, type: span.policy.type, phase: 'response', outcome: 'blocked', entities });
      }
    }
    const cut = final || !this.holding ? buffer.length : this.cutPoint(buffer, base, spans);

    const replacements: Replacement[] = [];
    const rewritable = spans.filter((span) => span.start >= base && span.end <= cut && (span.restore !== undefined || span.policy?.action === 'redact'));
    for (const span of resolveOverlaps(rewritable) as TaggedSpan[]) {
      const value = buffer.slice(span.start, span.end);
      if (span.restore !== undefined) replacements.push({ start: span.start - base, end: span.end - base, text: span.restore });
      else {
        this.tally.add(span.policy!, span.entity);
        replacements.push({ start: span.start - base, end: span.end - base, text: this.vault.placeholderFor(span.entity, value, false) });
      }
    }
    for (const span of spans) {
      if (span.policy?.action !== 'flag' || span.end > cut || !settled(span)) continue;
      const key = `${span.policy.name}:${this.tailStart + span.start}`;
      if (this.flagged.has(key)) continue;
      this.flagged.add(key);
      this.tally.add(span.policy, span.entity);
    }

    const released = applyReplacements(buffer.slice(base, cut), replacements);
    // The original (unredacted) text stays as context: detectors must see what the model wrote.
    const kept = buffer.slice(0, cut);
    this.tail = kept.length > contextWindow ? kept.slice(-contextWindow) : kept;
    this.tailStart += kept.length - this.tail.length;
    this.pending = buffer.slice(cut);
    return released;
  }

  private scan(buffer: string, base: number): TaggedSpan[] {
    const spans: TaggedSpan[] = [];
    for (const policy of [...this.active]) {
      let found: EntitySpan[];
      try {
        found = policy.scanner!.scan(buffer);
      } catch (error) {
        if (policy.failMode === 'fail_closed') {
          throw new GuardrailBlockedError({ policy: policy.name, type: policy.type, phase: 'response', outcome: 'blocked', error: 'detector_error', failMode: 'fail_closed' });
        }
        // Fail open: this policy stops checking the stream; the rest of the answer passes.
        this.tally.fail(policy, error);
        this.active.splice(this.active.indexOf(policy), 1);
        continue;
      }
      // Spans ending exactly at `base` were unfinished at the end of the last scan: still news.
      for (const span of found) if (span.end >= base) spans.push({ ...span, policy });
    }
    if (this.vault.restorable && buffer.includes('[')) {
      placeholderPattern.lastIndex = 0;
      for (let match = placeholderPattern.exec(buffer); match; match = placeholderPattern.exec(buffer)) {
        const original = this.vault.original(match[0]);
        if (original !== undefined && match.index >= base) spans.push({ entity: 'placeholder', start: match.index, end: match.index + match[0].length, priority: 9, restore: original });
      }
    }
    return spans;
  }

  /** Where to stop releasing: the hold window, moved back out of any token or entity it would split. */
  private cutPoint(buffer: string, base: number, spans: readonly TaggedSpan[]): number {
    let cut = Math.max(base, buffer.length - holdWindow);
    const floor = Math.max(base, cut - maximumTokenHold);
    while (cut > floor && !/\s/.test(buffer[cut - 1]) && !/\s/.test(buffer[cut] ?? ' ')) cut--;
    for (let moved = true; moved; ) {
      moved = false;
      for (const span of spans) {
        if (span.start < cut && span.end > cut && Math.max(base, span.start) < cut) {
          cut = Math.max(base, span.start);
          moved = true;
        }
      }
    }
    return cut;
  }
}
