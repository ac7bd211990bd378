/**
 * Keeps a label's distinct values under a cap: a time series per value costs memory in the
 * gateway and in Prometheus forever, and values like model names come from callers. Past the
 * cap, new values are reported as `other`; values already seen keep their own series.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly maximum: number) {}

  value(raw: string | null | undefined): string {
    if (raw === null || raw === undefined || raw === '') return 'none';
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.maximum) return 'other';
    this.seen.add(raw);
    return raw;
  }
}
