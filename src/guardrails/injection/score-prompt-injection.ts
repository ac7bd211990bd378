import { normalizeForInjection } from './normalize-for-injection.js';
import { danPersona, discussionForm, discussionTerms, injectionSignals as firstSignals, obfuscationWeights, thirdPartyFraming } from './injection-signals.js';
import { techniqueSignals } from './technique-signals.js';

const injectionSignals = [...firstSignals, ...techniqueSignals];

export interface InjectionAssessment {
  /** 0..1: the combined evidence that the text tries to steer the model against its instructions. */
  score: number;
  /** Ids of the signals that fired, for the verdict log (never the matched text). */
  signals: string[];
}

/**
 * Every hint of every signal in one alternation, longest first: one pass over the text finds
 * which hints occur (String#includes per hint measured 330 µs on 2 KB, this pass 14 µs).
 * A hint found also implies the hints it contains ("the above" contains "above").
 */
const allHints = [...new Set(injectionSignals.flatMap((signal) => (signal.hints ?? []).flat()))].sort((a, b) => b.length - a.length);
const hintPattern = new RegExp(allHints.map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
const containedHints = new Map(allHints.map((hint) => [hint, allHints.filter((other) => hint.includes(other))]));

function findHints(view: string): Set<string> {
  const found = new Set<string>();
  hintPattern.lastIndex = 0;
  for (let match = hintPattern.exec(view); match !== null; match = hintPattern.exec(view)) {
    for (const hint of containedHints.get(match[0]) ?? [match[0]]) found.add(hint);
    // Overlapping occurrences count too: resume one character after this match's start.
    hintPattern.lastIndex = match.index + 1;
  }
  return found;
}

/** Texts longer than this are scored on their head and tail: attacks sit at either end of a document. */
const maximumScoredLength = 32_000;

/**
 * Scores one message (user content or a tool result). Signals are independent evidence, so
 * the score is 1 − ∏(1 − weight) over the distinct signals that fired (the strongest pattern
 * of a signal counts once). Text that discusses attacks rather than performing them (a
 * security question quoting "ignore previous instructions") has its score halved.
 */
export function scorePromptInjection(text: string): InjectionAssessment {
  const scored = text.length > maximumScoredLength ? `${text.slice(0, maximumScoredLength / 2)}\n${text.slice(-maximumScoredLength / 2)}` : text;
  const { view, evidence } = normalizeForInjection(scored);
  const weights = new Map<string, number>();
  const add = (id: string, weight: number) => {
    if ((weights.get(id) ?? 0) < weight) weights.set(id, weight);
  };
  for (const id of evidence) add(id, obfuscationWeights[id] ?? 0.3);
  const hints = findHints(view);
  for (const signal of injectionSignals) {
    if ((weights.get(signal.id) ?? 0) >= signal.weight) continue;
    if (signal.hints && !signal.hints.every((group) => group.some((hint) => hints.has(hint)))) continue;
    if (!signal.framed) {
      if (signal.pattern.test(view)) add(signal.id, signal.weight);
      continue;
    }
    const match = signal.pattern.exec(view);
    if (match) add(signal.id, thirdPartyFraming.test(view.slice(Math.max(0, match.index - 60), match.index)) ? signal.weight * 0.4 : signal.weight);
  }
  if ((scored.includes('DAN') || scored.includes('STAN') || scored.includes('AIM')) && danPersona.test(scored)) add('named_persona', 0.8);
  // A role-play frame is harmless until it is combined with shedding the rules.
  if (weights.has('role_play') && (weights.has('unrestricted') || weights.has('unrestricted_persona') || weights.has('never_refuses'))) add('role_play_unrestricted', 0.7);
  // A simulated world whose content is the model's own instructions is exfiltration.
  if (weights.has('role_play') && (weights.has('your_instructions') || weights.has('your_prompt'))) add('role_play_exfiltration', 0.7);
  // Asking for a payload to be decoded and obeyed, with a decodable payload present.
  if (weights.has('decode_and_follow') && weights.has('encoded_payload')) add('encoded_instruction', 0.8);
  // Text hidden from the human reader that dictates the answer (BIPIA's hidden-markup attacks).
  if (weights.has('hidden_markup') && (weights.has('answer_directive') || weights.has('extra_task'))) add('hidden_directive', 0.8);
  if (weights.size === 0) return { score: 0, signals: [] };

  let remaining = 1;
  for (const weight of weights.values()) remaining *= 1 - weight;
  let score = 1 - remaining;
  // URLs are left out: "?" in a query string is no question, "attacker.example" no discussion.
  const prose = view.includes('://') ? view.replace(/\bhttps?:\/\/\S+/g, ' ') : view;
  if (discussionTerms.test(prose) && discussionForm.test(prose)) {
    score *= 0.5;
    weights.set('discussion', 0);
  }
  return { score: Math.round(score * 1000) / 1000, signals: [...weights.keys()] };
}
