import type { Gateway } from '../gateway/gateway.js';
import type { CancelSignal } from '../http/cancellation.js';
import type { EntitySpan } from './dlp/entity-detector.js';
import type { PlaceholderVault } from './dlp/placeholder-vault.js';
import type { GuardrailAction, GuardrailType } from './guardrail-config-schema.js';

export type GuardrailPhase = 'request' | 'response';
export type MessageRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** What a whole-text detector (injection score, moderation, judge) concluded. */
export interface Classification {
  flagged: boolean;
  /** Overrides the policy's action (moderation's per-category actions). */
  action?: 'block' | 'flag';
  score?: number;
  /** Signal ids or provider categories: names only, never text. */
  categories?: string[];
}

/** What a detector that calls out needs: the gateway's providers, a signal, its time limit. */
export interface ClassifierCall {
  gateway: Gateway;
  signal: CancelSignal;
  timeoutMs: number;
}

/** A compiled policy: config resolved into a scanner (spans) or a classifier (verdict on texts). */
export interface GuardrailPolicy {
  readonly name: string;
  readonly type: GuardrailType;
  readonly action: GuardrailAction;
  readonly applyTo: ReadonlySet<GuardrailPhase>;
  readonly failMode: 'fail_closed' | 'fail_open';
  readonly timeoutMs: number;
  /** Request message roles this policy reads. */
  readonly roles: ReadonlySet<MessageRole>;
  readonly reversible: boolean;
  /** On `/native/*`: refuse (default) or let through what the gateway cannot read. */
  readonly nativeUnreadable?: 'refuse' | 'allow';
  /** Calls out (moderation, judge): runs with a time limit and its own cancellation. */
  readonly remote: boolean;
  /** DLP policies: spans to block on, redact or flag; synchronous, so streams can use them. */
  readonly scanner?: { scan(text: string): EntitySpan[] };
  /** Whole-text policies; a promise when the detector calls out (moderation, judge). */
  readonly classify?: (texts: readonly string[], call: ClassifierCall) => Classification | Promise<Classification>;
}

/** One policy's outcome on one phase, for the header, the log and the error. Never holds matched text. */
export interface GuardrailVerdict {
  policy: string;
  type: GuardrailType;
  phase: GuardrailPhase;
  outcome: 'blocked' | 'redacted' | 'flagged' | 'error';
  /** Entities found, by entity name (DLP). */
  entities?: Record<string, number>;
  score?: number;
  categories?: string[];
  /** Why the detector failed (`timeout` or `detector_error`) and what the fail mode did. */
  error?: 'timeout' | 'detector_error';
  failMode?: 'fail_closed' | 'fail_open';
}

/** What a request carries through the pipeline (`context.guardrails`), and what its log records. */
export interface GuardrailState {
  /** The policies in force: the route's, then the team's, then the key's. */
  readonly policies: readonly GuardrailPolicy[];
  /** Everything that fired or failed, request side first. */
  readonly verdicts: GuardrailVerdict[];
  /** Placeholders minted for this request; reversible ones are restored in the answer. */
  readonly vault: PlaceholderVault;
}
