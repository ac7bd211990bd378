/**
 * Allow-lists are globs over the model names clients use: `openai/*`, `anthropic/claude-*`,
 * `chat` (a route), `*`. A team's list bounds its keys: a request must match both.
 */
const compiled = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let pattern = compiled.get(glob);
  if (!pattern) {
    const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    pattern = new RegExp(`^${source}$`);
    compiled.set(glob, pattern);
  }
  return pattern;
}

export function matchesAllowList(model: string, allowList: readonly string[] | null): boolean {
  if (allowList === null) return true;
  for (const glob of allowList) if (globToRegExp(glob).test(model)) return true;
  return false;
}

/** The key's list narrows the team's: both must allow the model. */
export function isModelAllowed(model: string, teamList: readonly string[] | null, keyList: readonly string[] | null): boolean {
  return matchesAllowList(model, teamList) && matchesAllowList(model, keyList);
}
