import { AlertState, type AlertDecision } from './alert-state.js';

export interface SubjectTransition {
  decision: AlertDecision;
  /** When the subject's current (or last) episode first notified (epoch ms). */
  firedAtMs: number;
}

/**
 * Where the firing, cooldown and resolution state of each rule and subject lives: in this
 * process (embedded, one instance) or in Redis, shared by every instance, where each transition
 * is one atomic script so that two instances seeing the same condition notify once.
 */
export interface SubjectStates {
  /** A lasting condition looked at now (window rules, breakers): see AlertState.observe. */
  observe(rule: string, subject: string, holds: boolean, nowMs: number, lease?: string): Promise<SubjectTransition>;
  /** An event (a budget crossed): true when it is to be notified, see AlertState.pulse. */
  pulse(rule: string, subject: string, nowMs: number): Promise<boolean>;
  /** Forgets quiet subjects whose cooldown is over (the shared store expires them by itself). */
  sweep(nowMs: number): void;
}

/** The states of one instance, in memory: one AlertState per rule. */
export class LocalSubjectStates implements SubjectStates {
  private readonly rules = new Map<string, AlertState>();

  constructor(private readonly cooldownOf: (rule: string) => number) {}

  private stateOf(rule: string): AlertState {
    let state = this.rules.get(rule);
    if (!state) {
      state = new AlertState(this.cooldownOf(rule));
      this.rules.set(rule, state);
    }
    return state;
  }

  // Not `async`-deferred work: the decision is taken before the promise is returned, so events
  // arriving in a row are decided in that order.
  observe(rule: string, subject: string, holds: boolean, nowMs: number): Promise<SubjectTransition> {
    const state = this.stateOf(rule);
    const decision = state.observe(subject, holds, nowMs);
    return Promise.resolve({ decision, firedAtMs: state.firedAt(subject) ?? nowMs });
  }

  pulse(rule: string, subject: string, nowMs: number): Promise<boolean> {
    return Promise.resolve(this.stateOf(rule).pulse(subject, nowMs));
  }

  sweep(nowMs: number): void {
    for (const state of this.rules.values()) state.sweep(nowMs);
  }

  isActive(rule: string, subject: string): boolean {
    return this.rules.get(rule)?.isActive(subject) ?? false;
  }
}
