import { placeholderLabel } from './entity-catalog.js';

/**
 * Typed placeholders for one request: the same value always gets the same placeholder
 * (`[EMAIL_1]` twice, not `[EMAIL_1]` and `[EMAIL_2]`), so the model can still tell entities
 * apart. Values masked reversibly are kept, in memory and for this request only, so the answer
 * can be given back to the caller with them restored.
 */
export class PlaceholderVault {
  private readonly placeholders = new Map<string, string>();
  private readonly originals = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  placeholderFor(entity: string, value: string, reversible: boolean): string {
    const label = placeholderLabel(entity);
    const key = `${label}\u0000${value}`;
    let placeholder = this.placeholders.get(key);
    if (!placeholder) {
      const count = (this.counters.get(label) ?? 0) + 1;
      this.counters.set(label, count);
      placeholder = `[${label}_${count}]`;
      this.placeholders.set(key, placeholder);
    }
    if (reversible) this.originals.set(placeholder, value);
    return placeholder;
  }

  /** The value a reversible placeholder stands for. */
  original(placeholder: string): string | undefined {
    return this.originals.get(placeholder);
  }

  get restorable(): boolean {
    return this.originals.size > 0;
  }
}

/** Placeholders as they appear in an answer; only those this request minted reversibly are restored. */
export const placeholderPattern = /\[[A-Z][A-Z0-9_]*_\d{1,5}\]/g;

export interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping replacements sorted by position. */
export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  if (replacements.length === 0) return text;
  let result = '';
  let position = 0;
  for (const replacement of replacements) {
    result += text.slice(position, replacement.start) + replacement.text;
    position = replacement.end;
  }
  return result + text.slice(position);
}

/** Restores every reversible placeholder in a complete text. */
export function restorePlaceholders(text: string, vault: PlaceholderVault): string {
  if (!vault.restorable || text.indexOf('[') === -1) return text;
  return text.replace(placeholderPattern, (placeholder) => vault.original(placeholder) ?? placeholder);
}
