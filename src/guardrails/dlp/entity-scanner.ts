import { expandEntities, piiEntities, secretEntities, type BuiltInEntity } from './entity-catalog.js';
import { regexDetector, resolveOverlaps, type EntityDetector, type EntitySpan } from './entity-detector.js';
import { piiDetectors } from './pii-detectors.js';
import { secretDetectors } from './secret-detectors.js';

export interface CustomPattern {
  name: string;
  pattern: string;
  case_sensitive: boolean;
}

export interface EntityScannerOptions {
  /** Built-in entities (aliases allowed: `ip`, `secret`, `pii`). */
  entities?: readonly string[];
  patterns?: readonly CustomPattern[];
  keywords?: readonly string[];
  keywordsCaseSensitive?: boolean;
  /** Values never reported, compared case-insensitively. */
  allow?: readonly string[];
}

/** Finds the entities one policy is about, resolving overlaps so each character is reported once. */
export class EntityScanner {
  private readonly detectors: EntityDetector[];
  private readonly allow: ReadonlySet<string>;

  constructor(options: EntityScannerOptions) {
    const builtIn = expandEntities(options.entities ?? []);
    this.detectors = builtIn.map(builtInDetector);
    for (const custom of options.patterns ?? []) {
      this.detectors.push(regexDetector(custom.name, new RegExp(custom.pattern, custom.case_sensitive ? 'g' : 'gi'), { priority: 2 }));
    }
    if (options.keywords && options.keywords.length > 0) this.detectors.push(keywordDetector(options.keywords, options.keywordsCaseSensitive ?? false));
    this.allow = new Set((options.allow ?? []).map((value) => value.toLowerCase()));
  }

  /** Spans sorted by position, without overlaps. */
  scan(text: string): EntitySpan[] {
    const found: EntitySpan[] = [];
    for (const detector of this.detectors) detector.find(text, found);
    const spans = resolveOverlaps(found);
    if (this.allow.size === 0) return spans;
    return spans.filter((span) => !this.allow.has(text.slice(span.start, span.end).toLowerCase()));
  }
}

function builtInDetector(entity: BuiltInEntity): EntityDetector {
  if ((piiEntities as readonly string[]).includes(entity)) return piiDetectors[entity as keyof typeof piiDetectors];
  if ((secretEntities as readonly string[]).includes(entity)) return secretDetectors[entity as keyof typeof secretDetectors];
  throw new Error(`unknown entity "${entity}"`);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation for the whole list (longest first, so "project x" wins over "project"). */
function keywordDetector(keywords: readonly string[], caseSensitive: boolean): EntityDetector {
  const alternatives = [...keywords]
    .sort((a, b) => b.length - a.length)
    .map((keyword) => {
      // Word boundaries only where the keyword itself starts or ends with a word character.
      const start = /^\w/.test(keyword) ? '(?<!\\w)' : '';
      const end = /\w$/.test(keyword) ? '(?!\\w)' : '';
      return `${start}${escapeRegex(keyword)}${end}`;
    });
  return regexDetector('keyword', new RegExp(alternatives.join('|'), caseSensitive ? 'g' : 'gi'), { priority: 2 });
}
