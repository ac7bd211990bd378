export type AlertDecision = 'fire' | 'resolve' | undefined;

interface SubjectState {
  /** The condition held at the last look. */
  active: boolean;
  /** A firing notification went out during the current episode (so a resolve is owed). */
  notified: boolean;
  /** When the last firing notification went out (epoch ms); -Infinity when never. */
  lastFiredMs: number;
  /** The episode's first firing, for the resolved payload. */
  firedAtMs: number;
}

/**
 * Firing, cooldown and resolution of one rule's subjects. A subject fires when its condition
 * holds and it has not fired within the cooldown (so a condition that keeps holding repeats
 * once per cooldown, and one that flaps notifies at most once per cooldown); it resolves when
 * the condition stops holding after a firing notification of the same episode.
 */
export class AlertState {
  private readonly subjects = new Map<string, SubjectState>();

  constructor(private readonly cooldownMs: number) {}

  /** Feeds one observation: `holds` is whether the condition is true for `subject` now. */
  observe(subject: string, holds: boolean, nowMs: number): AlertDecision {
    let state = this.subjects.get(subject);
    if (!holds) {
      if (!state?.active) return undefined;
      state.active = false;
      if (!state.notified) return undefined;
      state.notified = false;
      return 'resolve';
    }
    if (!state) {
      state = { active: false, notified: false, lastFiredMs: -Infinity, firedAtMs: nowMs };
      this.subjects.set(subject, state);
    }
    state.active = true;
    if (nowMs - state.lastFiredMs < this.cooldownMs) return undefined;
    if (!state.notified) state.firedAtMs = nowMs;
    state.lastFiredMs = nowMs;
    state.notified = true;
    return 'fire';
  }

  /**
   * An event rather than a lasting condition (a budget crossed): notifies unless the subject
   * notified within the cooldown. Nothing is owed afterwards, so no resolve follows.
   */
  pulse(subject: string, nowMs: number): boolean {
    const state = this.subjects.get(subject);
    if (state && nowMs - state.lastFiredMs < this.cooldownMs) return false;
    this.subjects.set(subject, { active: false, notified: false, lastFiredMs: nowMs, firedAtMs: nowMs });
    return true;
  }

  /** Forgets every quiet subject whose cooldown is over. */
  sweep(nowMs: number): void {
    for (const subject of [...this.subjects.keys()]) this.forgetIfIdle(subject, nowMs);
  }

  /** When the current (or last) episode of `subject` first notified. */
  firedAt(subject: string): number | undefined {
    return this.subjects.get(subject)?.firedAtMs;
  }

  isActive(subject: string): boolean {
    return this.subjects.get(subject)?.active ?? false;
  }

  /** Drops a quiet subject whose cooldown is over, so the map follows live subjects only. */
  forgetIfIdle(subject: string, nowMs: number): void {
    const state = this.subjects.get(subject);
    if (state && !state.active && nowMs - state.lastFiredMs >= this.cooldownMs) this.subjects.delete(subject);
  }

  get size(): number {
    return this.subjects.size;
  }
}
