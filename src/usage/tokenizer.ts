/**
 * gpt-tokenizer's o200k_base encoding (GPT-4o and later; FIELD-NOTES: the fastest tokenizer
 * measured here). Its tables take ~0.35 s to load, so they load in the background at start
 * (`preloadTokenizer`) and only the first estimate ever waits for them.
 */
type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | undefined;
let loaded: CountTokens | undefined;

export function loadTokenizer(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then((module) => {
    loaded = (text: string) => (text.length === 0 ? 0 : module.countTokens(text));
    return loaded;
  });
  return loading;
}

/** Starts loading without waiting; a failure surfaces at the first estimate instead. */
export function preloadTokenizer(): void {
  loadTokenizer().catch(() => undefined);
}

/** The counter, when already loaded (hot paths avoid an await). */
export function loadedTokenizer(): CountTokens | undefined {
  return loaded;
}
