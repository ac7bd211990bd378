/**
 * Counts failed authentications per client address in a fixed one-minute window and refuses an
 * address that exceeded the allowance, to slow down key guessing. Memory stays bounded: the
 * table is cleared each window.
 */
export class FailedAuthLimiter {
  private window = 0;
  private failures = new Map<string, number>();

  constructor(
    private readonly maximumPerMinute = 30,
    private readonly now: () => number = Date.now,
  ) {}

  private roll(): void {
    const window = Math.floor(this.now() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.failures = new Map();
    }
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string): number {
    this.roll();
    if ((this.failures.get(address) ?? 0) < this.maximumPerMinute) return 0;
    return Math.max(1, Math.ceil(((this.window + 1) * 60_000 - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    this.roll();
    this.failures.set(address, (this.failures.get(address) ?? 0) + 1);
  }
}
