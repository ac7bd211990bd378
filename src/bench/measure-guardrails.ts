import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { Cancellation } from '../http/cancellation.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { guardRequest } from '../guardrails/guard-request-stage.js';
import { compilePolicy } from '../guardrails/compile-guardrail-policies.js';
import { PlaceholderVault } from '../guardrails/dlp/placeholder-vault.js';
import { EntityTally } from '../guardrails/stream/entity-tally.js';
import { StreamTextGuard } from '../guardrails/stream/stream-text-guard.js';
import { loadInjectionCorpus } from '../guardrails/eval/eval-corpus.js';

export interface GuardrailCost {
  /** Request stage with pii (redact) + secrets (block) + prompt_injection (block) on a 2 KB prompt, µs. */
  guardedP50: number;
  guardedP99: number;
  /**
   * The same stage on 2 KB dense with trigger words (benign, so nothing stops early): p50 per
   * text, as the lowest and the middle of the medians of several rounds (other processes on the
   * machine only ever add time, so the lowest median is the steadiest figure).
   */
  dense: Array<{ name: string; lowestMedian: number; middleMedian: number }>;
  /** The same stage on a route without guardrails, µs: what every request pays anyway. */
  unguardedP50: number;
  /** Stream scanning per chunk (4-character chunks, pii + secrets redacting), µs. */
  streamChunkP50: number;
  streamChunkP99: number;
}

/** Ordinary prose with one e-mail address to redact: the common case, not a worst case. */
const paragraph =
  "I'm preparing the quarterly report for the sales team and need help restructuring the summary. Revenue grew 12% year over year, mostly from the enterprise segment, while SMB churn rose slightly. Please suggest clearer headings and point out anything ambiguous. ";

export function twoKilobytePrompt(): string {
  let text = 'Contact me at jane.doe@example.com if needed. ';
  while (text.length < 2048) text += paragraph;
  return text.slice(0, 2048);
}

/**
 * Worst cases for the injection scorer: benign text packed with the words its signals look for
 * (security questions, code, tool output, everyday "ignore"/"act as"), 2 KB each, taken from the
 * eval corpus's hard negatives so they are realistic rather than hand-picked for speed.
 */
export function denseTriggerPrompts(): Array<{ name: string; text: string }> {
  const corpus = loadInjectionCorpus();
  return ['hard_security', 'hard_code', 'tool_benign', 'hard_everyday'].map((category) => {
    let text = '';
    for (const item of corpus) {
      if (item.category !== category) continue;
      text += `${item.text}\n`;
      if (text.length >= 2048) break;
    }
    return { name: category, text: text.slice(0, 2048) };
  });
}

function contextFor(config: ReturnType<typeof validateConfig>, model: string, content: string): RequestContext {
  return {
    gateway: { config },
    requestId: 'bench',
    logger: pino({ level: 'silent' }),
    abort: new Cancellation(),
    chatRequest: { model, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content }] },
    warnings: [],
    responseHeaders: {},
    finishers: [],
  } as unknown as RequestContext;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

async function timeStage(config: ReturnType<typeof validateConfig>, model: string, prompt: string, calls: number, warmUp = 2_000): Promise<number[]> {
  const next = async () => undefined;
  for (let index = 0; index < warmUp; index++) await guardRequest(contextFor(config, model, prompt), next);
  const samples: number[] = [];
  for (let index = 0; index < calls; index++) {
    const context = contextFor(config, model, prompt);
    const started = performance.now();
    await guardRequest(context, next);
    samples.push((performance.now() - started) * 1000);
  }
  return samples.sort((a, b) => a - b);
}

/**
 * The per-request cost of the heuristic guardrails, in-process: the request stage as the
 * pipeline runs it (policy selection, text collection, DLP, injection scoring, rewriting the
 * request), each call timed on its own for percentiles. A loopback round trip varies by more
 * than the whole cost, so it is not measured through the server.
 */
export async function measureGuardrails(calls = 20_000): Promise<GuardrailCost> {
  const config = validateConfig({
    storage: 'memory',
    providers: { bench: { type: 'openai', base_url: 'http://127.0.0.1:9/v1' } },
    guardrails: {
      pii: { type: 'pii', action: 'redact' },
      secrets: { type: 'secrets', action: 'block' },
      injection: { type: 'prompt_injection', action: 'block' },
    },
    routes: {
      guarded: { targets: [{ model: 'bench/gpt-4o-mini' }], guardrails: ['pii', 'secrets', 'injection'] },
      plain: { targets: [{ model: 'bench/gpt-4o-mini' }] },
    },
  });
  const prompt = twoKilobytePrompt();
  const guarded = await timeStage(config, 'guarded', prompt, calls);
  const unguarded = await timeStage(config, 'plain', prompt, calls);
  const dense: GuardrailCost['dense'] = [];
  for (const { name, text } of denseTriggerPrompts()) {
    const medians: number[] = [];
    for (let round = 0; round < 9; round++) medians.push(percentile(await timeStage(config, 'guarded', text, Math.max(200, Math.floor(calls / 20)), round === 0 ? 1_000 : 20), 0.5));
    medians.sort((a, b) => a - b);
    dense.push({ name, lowestMedian: medians[0], middleMedian: medians[4] });
  }

  const policies = [compilePolicy('pii', { type: 'pii', action: 'redact', reversible: false, keywords_case_sensitive: false }), compilePolicy('secrets', { type: 'secrets', action: 'redact', reversible: false, keywords_case_sensitive: false })];
  const chunkSamples: number[] = [];
  for (let round = 0; round < 40; round++) {
    const guard = new StreamTextGuard(policies, new PlaceholderVault(), new EntityTally());
    for (let offset = 0; offset < prompt.length; offset += 4) {
      const started = performance.now();
      guard.push(prompt.slice(offset, offset + 4));
      if (round >= 5) chunkSamples.push((performance.now() - started) * 1000);
    }
    guard.flush();
  }
  chunkSamples.sort((a, b) => a - b);
  return {
    guardedP50: percentile(guarded, 0.5),
    guardedP99: percentile(guarded, 0.99),
    dense,
    unguardedP50: percentile(unguarded, 0.5),
    streamChunkP50: percentile(chunkSamples, 0.5),
    streamChunkP99: percentile(chunkSamples, 0.99),
  };
}

export function formatGuardrailCost(cost: GuardrailCost): string {
  const µs = (value: number) => `${value.toFixed(1)} µs`;
  return [
    `guardrails (pii redact + secrets block + prompt_injection block, 2 KB prompt): p50 ${µs(cost.guardedP50)}, p99 ${µs(cost.guardedP99)}`,
    `  same stage, route without guardrails: p50 ${µs(cost.unguardedP50)}; added p50 ${µs(cost.guardedP50 - cost.unguardedP50)} (target < 300 µs)`,
    ...cost.dense.map(({ name, lowestMedian, middleMedian }) => `  dense trigger words (${name}, 2 KB): p50 ${µs(lowestMedian)} lowest / ${µs(middleMedian)} middle of 9 rounds`),
    `  stream scanning per 4-character chunk (pii + secrets redact): p50 ${µs(cost.streamChunkP50)}, p99 ${µs(cost.streamChunkP99)}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatGuardrailCost(await measureGuardrails()));
}
