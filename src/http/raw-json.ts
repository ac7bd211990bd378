/**
 * The exact text a JSON value was parsed from, kept beside the value: an upstream answer that no
 * stage replaces (guardrails, the cache and usage only read it, and any rewrite makes a new
 * object) goes back to the client as the bytes it arrived in instead of being serialized again.
 * Keyed weakly by the parsed object, so nothing outlives the request.
 */
const rawTexts = new WeakMap<object, string>();

export function rememberRawJson(value: object, text: string): void {
  rawTexts.set(value, text);
}

/** The value as JSON text: the text it was parsed from when known, else serialized. */
export function jsonText(value: unknown): string {
  return (typeof value === 'object' && value !== null ? rawTexts.get(value) : undefined) ?? JSON.stringify(value);
}
