import { piiEntities, placeholderLabel, secretEntities } from '../guardrails/dlp/entity-catalog.js';
import { EntityScanner } from '../guardrails/dlp/entity-scanner.js';

// Built once: the detectors compile their patterns at construction.
let scanner: EntityScanner | undefined;

/**
 * `request_log.bodies: redacted`: every built-in PII and secret entity of the DLP guardrail is
 * replaced by its label (`[EMAIL]`, `[OPENAI_KEY]`…) before the body reaches the store. The same
 * detectors as the guardrails, so the log never keeps what a DLP policy would have caught.
 */
export function redactBody(text: string): string {
  scanner ??= new EntityScanner({ entities: [...piiEntities, ...secretEntities] });
  const spans = scanner.scan(text);
  if (spans.length === 0) return text;
  let result = '';
  let position = 0;
  for (const span of spans) {
    result += `${text.slice(position, span.start)}[${placeholderLabel(span.entity)}]`;
    position = span.end;
  }
  return result + text.slice(position);
}
