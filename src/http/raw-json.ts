/**
 * The exact text a JSON value was parsed from, kept beside the value: an upstream answer that no
 * stage replaces (guardrails, the cache and usage only read it, and any rewrite makes a new
 * object) goes back to the client as the bytes it arrived in instead of being serialized again.
 * Keyed weakly by the parsed object, so a text lives no longer than its value.
 */
const rawTexts = new WeakMap<object, string>();

export function rememberRawJson(value: object, text: string): void {
  rawTexts.set(value, text);
}

/** The value as JSON text: the text it was parsed from when known, else serialized. */
export function jsonText(value: unknown): string {
  return (typeof value === 'object' && value !== null ? rawTexts.get(value) : undefined) ?? JSON.stringify(value);
}

/** The value's JSON text, serialized once and remembered: a cached answer served again and again. */
export function rememberedJsonText(value: object): string {
  let text = rawTexts.get(value);
  if (text === undefined) rawTexts.set(value, (text = JSON.stringify(value)));
  return text;
}
