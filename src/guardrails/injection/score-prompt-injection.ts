import { normalizeForInjection } from './normalize-for-injection.js';
import { danPersona, discussionForm, discussionTerms, injectionSignals as firstSignals, obfuscationWeights, thirdPartyFraming } from './injection-signals.js';
import { techniqueSignals } from './technique-signals.js';
import { execInWindows, HintIndex, windowsFor } from './hint-index.js';
import { patternReach } from './pattern-reach.js';

const injectionSignals = [...firstSignals, ...techniqueSignals];

export interface InjectionAssessment {
  /** 0..1: the combined evidence that the text tries to steer the model against its instructions. */
  score: number;
  /** Ids of the signals that fired, for the verdict log (never the matched text). */
  signals: string[];
}

const hintIndex = new HintIndex(injectionSignals);
const reaches = injectionSignals.map((signal) => patternReach(signal.pattern));

/** Texts longer than this are scored on their head and tail: attacks sit at either end of a document. */
const maximumScoredLength = 32_000;

/**
 * Scores one message (user content or a tool result). Signals are independent evidence, so
 * the score is 1 − ∏(1 − weight) over the distinct signals that fired (the strongest pattern
 * of a signal counts once). Text that discusses attacks rather than performing them (a
 * security question quoting "ignore previous instructions") has its score halved.
 * With `stopAt` (block policies), scoring stops as soon as the score reaches it: the verdict
 * cannot change, and the signals listed are those found so far.
 */
export function scorePromptInjection(text: string, stopAt?: number): InjectionAssessment {
  const scored = text.length > maximumScoredLength ? `${text.slice(0, maximumScoredLength / 2)}\n${text.slice(-maximumScoredLength / 2)}` : text;
  const { view, evidence } = normalizeForInjection(scored);
  const weights = new Map<string, number>();
  const add = (id: string, weight: number) => {
    if ((weights.get(id) ?? 0) < weight) weights.set(id, weight);
  };
  for (const id of evidence) add(id, obfuscationWeights[id] ?? 0.3);
  const positions = hintIndex.positions(view);
  for (let index = 0; index < injectionSignals.length; index++) {
    const signal = injectionSignals[index];
    if ((weights.get(signal.id) ?? 0) >= signal.weight) continue;
    const windows = windowsFor(hintIndex.signalGroups[index], reaches[index], positions, view.length);
    if (windows === null) continue;
    const match = execInWindows(signal.pattern, view, windows);
    if (!match) continue;
    const framedByThirdParty = signal.framed && thirdPartyFraming.test(view.slice(Math.max(0, match.index - 60), match.index));
    add(signal.id, framedByThirdParty ? signal.weight * 0.4 : signal.weight);
    if (stopAt !== undefined && combined(weights) >= stopAt && !isDiscussion(view)) return { score: Math.round(combined(weights) * 1000) / 1000, signals: [...weights.keys()] };
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

  let score = combined(weights);
  if (isDiscussion(view)) {
    score *= 0.5;
    weights.set('discussion', 0);
  }
  return { score: Math.round(score * 1000) / 1000, signals: [...weights.keys()] };
}

function combined(weights: Map<string, number>): number {
  let remaining = 1;
  for (const weight of weights.values()) remaining *= 1 - weight;
  return 1 - remaining;
}

function isDiscussion(view: string): boolean {
  // URLs are left out: "?" in a query string is no question, "attacker.example" no discussion.
  const prose = view.includes('://') ? view.replace(/\bhttps?:\/\/\S+/g, ' ') : view;
  return discussionTerms.test(prose) && discussionForm.test(prose);
}
