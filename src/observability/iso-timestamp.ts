let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()` for the request log, with the part up to the second reused while
 * it holds: formatting a Date costs ~1–2.5 µs here, a quarter of building a log record.
 */
export function isoTimestamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(whole).toISOString(); // years outside 0000–9999: no shortcut
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const milliseconds = whole - second * 1000;
  return `${cachedPrefix}${milliseconds < 10 ? '00' : milliseconds < 100 ? '0' : ''}${milliseconds}Z`;
}
