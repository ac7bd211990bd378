/**
 * Undoes two ways of splitting an instruction so no single piece looks like one:
 * payload splitting (HackAPrompt: `a = 'Ignore all'`, `b = 'previous instructions'`, "do a + b")
 * and acrostics (the first letters of lines or of capitalised words spell the word).
 * The reassembled text is added to the normalized view, so the ordinary signals judge it.
 */
const assignment = /(?:^|[\s,;({])(?:[a-z][a-z0-9_]{0,10})\s*[:=]\s*(["'])([^"'\n]{1,60})\1/gi;
const numberedWord = /\b(?:word|part|piece|token|fragment)\s*#?\d+\s*[:=-]\s*["']?([^\s"'.,;]+)/gi;

/** Both joins: fragments may cut a word ("Forget your ru" + "les") or stop at a space. */
export function reassembleAssignments(text: string): string[] {
  // Cheap gate: an assignment of a quoted piece, or a numbered word.
  if (!/[=:]\s*["']/.test(text) && !/\b(?:word|part|piece|token|fragment)\s*#?\d/i.test(text)) return [];
  const pieces = [...text.matchAll(assignment)].map((match) => match[2]);
  const words = [...text.matchAll(numberedWord)].map((match) => match[1]);
  const joined: string[] = [];
  for (const parts of [pieces, words]) {
    if (parts.length < 2) continue;
    joined.push(parts.join(' '), parts.join(''));
  }
  return joined;
}

/** Words an acrostic attack spells; an acrostic of anything else ("sun") is a poem. */
const acrosticWords = /ignore|reveal|password|prompt|jailbreak|bypass|secret|obey|forget|disregard|override/;
const capitalisedRun = /(?:\b[A-Z][a-z]*[\s,.]+){3,}[A-Z][a-z]*\b/g;

/** Returns the acrostics that spell an attack word, when the text asks for first letters. */
export function readAcrostics(text: string, lower: string): string[] {
  if (!/\bfirst (?:letter|character)s?\b|\binitials?\b|\bacrostic\b/.test(lower)) return [];
  const candidates: string[] = [];
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => /^[A-Za-z]/.test(line));
  if (lines.length >= 4) candidates.push(lines.map((line) => line[0]).join(''));
  for (const run of text.match(capitalisedRun) ?? []) candidates.push(run.split(/[\s,.]+/).filter(Boolean).map((word) => word[0]).join(''));
  return candidates.map((candidate) => candidate.toLowerCase()).filter((candidate) => acrosticWords.test(candidate));
}
