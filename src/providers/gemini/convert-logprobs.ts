import type { GeminiLogprobsResult } from './wire-types.js';

/** OpenAI's `choices[].logprobs` shape. */
export interface OpenAILogprobs {
  content: Array<{
    token: string;
    logprob: number;
    bytes: number[] | null;
    top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
  }>;
  refusal: null;
}

/**
 * `logprobsResult` (one chosen candidate and one list of top candidates per generated token)
 * → OpenAI logprobs. Bytes are the token's UTF-8 bytes, as OpenAI reports them.
 */
export function convertLogprobs(result: GeminiLogprobsResult | undefined): OpenAILogprobs | null {
  if (!result?.chosenCandidates || result.chosenCandidates.length === 0) return null;
  return {
    content: result.chosenCandidates.map((chosen, position) => ({
      token: chosen.token ?? '',
      logprob: chosen.logProbability ?? 0,
      bytes: bytesOf(chosen.token),
      top_logprobs: (result.topCandidates?.[position]?.candidates ?? []).map((alternative) => ({
        token: alternative.token ?? '',
        logprob: alternative.logProbability ?? 0,
        bytes: bytesOf(alternative.token),
      })),
    })),
    refusal: null,
  };
}

function bytesOf(token: string | undefined): number[] | null {
  return token === undefined ? null : [...Buffer.from(token, 'utf8')];
}
