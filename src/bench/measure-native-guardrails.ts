import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { Cancellation } from '../http/cancellation.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { compilePolicy } from '../guardrails/compile-guardrail-policies.js';
import { PlaceholderVault } from '../guardrails/dlp/placeholder-vault.js';
import { guardNativeRequest } from '../guardrails/native/guard-native-request-stage.js';
import { anthropicFrames } from '../guardrails/native/native-stream-frames.js';
import { TextChannels } from '../guardrails/native/native-text-channels.js';
import { twoKilobytePrompt } from './measure-guardrails.js';

/**
 * The cost of guardrails on `/native/*`, in-process (a loopback round trip varies by more than
 * the whole cost): the request stage on a 2 KB Anthropic Messages body with no policy for the
 * caller (what every native call pays now) and with pii (redact) + secrets (block) +
 * prompt_injection (block); and the stream guard per Anthropic text delta.
 */
export async function measureNativeGuardrails(calls = 20_000): Promise<Record<string, number>> {
  const config = validateConfig({
    storage: 'memory',
    providers: { anthropic: { type: 'anthropic', base_url: 'http://127.0.0.1:9' } },
    guardrails: {
      pii: { type: 'pii', action: 'redact' },
      secrets: { type: 'secrets', action: 'block' },
      injection: { type: 'prompt_injection', action: 'block' },
    },
  });
  const body = Buffer.from(JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 64, system: 'You are a helpful assistant.', messages: [{ role: 'user', content: twoKilobytePrompt() }] }));
  const contextFor = (guardrails: string | undefined) =>
    ({
      gateway: { config },
      requestId: 'bench',
      logger: pino({ level: 'silent' }),
      abort: new Cancellation(),
      request: { url: '/native/anthropic/v1/messages', method: 'POST', headers: { 'content-type': 'application/json' } },
      body,
      principal: { team: { metadata: {} }, key: { metadata: guardrails ? { guardrails } : {} } },
      warnings: [],
      responseHeaders: {},
      finishers: [],
    }) as unknown as RequestContext;
  const next = async () => undefined;
  const time = async (guardrails: string | undefined) => {
    for (let index = 0; index < 2_000; index++) await guardNativeRequest(contextFor(guardrails), next);
    const samples: number[] = [];
    for (let index = 0; index < calls; index++) {
      const context = contextFor(guardrails);
      const started = performance.now();
      await guardNativeRequest(context, next);
      samples.push((performance.now() - started) * 1000);
    }
    return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  };

  const policies = [compilePolicy('pii', { type: 'pii', action: 'redact', reversible: false, keywords_case_sensitive: false }), compilePolicy('secrets', { type: 'secrets', action: 'redact', reversible: false, keywords_case_sensitive: false })];
  const prompt = twoKilobytePrompt();
  const events = [];
  for (let offset = 0; offset < prompt.length; offset += 16) {
    events.push({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: prompt.slice(offset, offset + 16) } }) });
  }
  const perEvent: number[] = [];
  for (let round = 0; round < 60; round++) {
    const plan = { format: 'anthropic-message' as const, policies, state: { policies, verdicts: [], vault: new PlaceholderVault() } };
    const started = performance.now();
    for await (const _frame of anthropicFrames((async function* () { yield* events; })(), new TextChannels(plan, false)));
    if (round >= 10) perEvent.push(((performance.now() - started) * 1000) / events.length);
  }
  perEvent.sort((a, b) => a - b);
  return {
    unguardedP50: await time(undefined),
    guardedP50: await time('pii,secrets,injection'),
    streamEventP50: perEvent[Math.floor(perEvent.length / 2)],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureNativeGuardrails();
  for (const [name, value] of Object.entries(result)) console.log(`${name}: ${value.toFixed(2)} µs`);
}
