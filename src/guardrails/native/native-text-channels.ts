import type { RequestContext } from '../../pipeline/request-context.js';
import { restorePlaceholders } from '../dlp/placeholder-vault.js';
import type { GuardrailPolicy, GuardrailState } from '../guardrail-policy.js';
import { GuardrailBlockedError } from '../guardrail-verdicts.js';
import { failureVerdict, runClassifierPolicies, runDlpPolicy } from '../run-guardrail-checks.js';
import { EntityTally } from '../stream/entity-tally.js';
import { StreamTextGuard } from '../stream/stream-text-guard.js';
import type { NativeText } from './native-request-texts.js';
import type { NativeAnswerPlan } from './native-answer-plan.js';

/** Answer text kept for whole-answer policies (moderation, judge) run when the stream ends. */
const maximumCollectedChars = 256 * 1024;

/** One event to send, and whether it ends the answer (held while whole-answer policies run). */
export interface NativeFrame {
  frame: string;
  final: boolean;
}

/**
 * The text channels of one streamed native answer (a content block, a candidate's text), each
 * through its own StreamTextGuard: the scanner /v1 streams use, so redaction happens in flight
 * and only the hold window is delayed. Also collects the answer's text for whole-answer policies.
 */
export class TextChannels {
  private readonly guards = new Map<string, StreamTextGuard>();
  private readonly scanners: GuardrailPolicy[];
  readonly tally = new EntityTally();
  collected = '';

  constructor(
    private readonly plan: NativeAnswerPlan,
    private readonly collecting: boolean,
  ) {
    this.scanners = plan.policies.filter((policy) => policy.scanner);
  }

  /** Takes the next piece of a channel's text; returns what may be sent now (possibly ''). */
  push(key: string, text: string, collect = true): string {
    if (this.collecting && collect && this.collected.length < maximumCollectedChars) this.collected += text;
    let guard = this.guards.get(key);
    if (!guard) {
      guard = new StreamTextGuard(this.scanners, this.plan.state.vault, this.tally);
      this.guards.set(key, guard);
    }
    return guard.push(text);
  }

  /** Ends the channels whose key starts with `prefix`: what each still holds, checked, by key. */
  flush(prefix: string): Array<[string, string]> {
    const released: Array<[string, string]> = [];
    for (const [key, guard] of this.guards) {
      if (!key.startsWith(prefix)) continue;
      this.guards.delete(key);
      const text = guard.flush();
      if (text !== '') released.push([key, text]);
    }
    return released;
  }

  /** Texts that arrive whole in one event (Gemini's function call arguments): checked at once, rewritten in place. */
  checkWhole(texts: NativeText[]): void {
    for (const policy of this.scanners) {
      let verdict;
      try {
        verdict = runDlpPolicy(policy, texts, 'response', this.plan.state.vault);
      } catch (error) {
        verdict = failureVerdict(policy, 'response', error);
      }
      if (!verdict) continue;
      this.plan.state.verdicts.push(verdict);
      if (verdict.outcome === 'blocked') throw new GuardrailBlockedError(verdict);
    }
    for (const item of texts) {
      const restored = restorePlaceholders(item.text, this.plan.state.vault);
      if (restored !== item.text) Object.assign(item, { text: restored, changed: true });
      if (item.changed) item.write?.(item.text);
    }
  }
}

/**
 * Passes frames on as they come; with whole-answer policies, the frames that end the answer
 * (and any after them) wait until those policies pass, so a block still reaches the client as an
 * error before the answer is complete.
 */
export async function* holdForWholeAnswer(context: RequestContext, frames: AsyncIterable<NativeFrame>, plan: NativeAnswerPlan, channels: TextChannels): AsyncGenerator<string> {
  const classifiers = plan.policies.filter((policy) => policy.classify);
  const held: string[] = [];
  try {
    for await (const { frame, final } of frames) {
      if (classifiers.length > 0 && (held.length > 0 || final)) held.push(frame);
      else yield frame;
    }
    if (classifiers.length > 0) {
      const verdicts = await runClassifierPolicies(context, classifiers, () => (channels.collected === '' ? [] : [channels.collected]), 'response');
      plan.state.verdicts.push(...verdicts);
      const blocked = verdicts.find((verdict) => verdict.outcome === 'blocked');
      if (blocked) throw new GuardrailBlockedError(blocked);
    }
    yield* held;
  } finally {
    // Recorded however the stream ends (done, blocked, client gone), for the request log.
    plan.state.verdicts.push(...channels.tally.verdicts());
  }
}

/** An SSE event as text, `event:` line first when it has one (the Anthropic SDK needs it). */
export function sseFrame(event: string | undefined, data: string): string {
  const lines = data.split('\n').map((line) => `data: ${line}`).join('\n');
  return event === undefined ? `${lines}\n\n` : `event: ${event}\n${lines}\n\n`;
}
