import { LocalEmbedder } from '../../cache/semantic/local-embedder.js';
import type { GuardrailPolicyConfig } from '../guardrail-config-schema.js';
import type { Classification } from '../guardrail-policy.js';
import { bundledInjectionModelPath, readInjectionModelFile } from './injection-model-file.js';
import { InjectionModel } from './injection-model.js';

type InjectionModelConfig = Extract<GuardrailPolicyConfig, { type: 'injection_model' }>;

/**
 * One sentence encoder (a worker thread and 28 MB of weights) for every injection_model policy
 * of the process, started by the first policy compiled: a gateway without such a policy never
 * starts it. The semantic cache keeps its own, so neither waits behind the other's queue.
 */
let sharedEncoder: LocalEmbedder | undefined;

export function injectionEncoderStarted(): boolean {
  return sharedEncoder !== undefined;
}

/** Stops the shared encoder's worker (gateway shutdown, tests): a live worker keeps the process running. */
export async function closeInjectionEncoder(): Promise<void> {
  const running = sharedEncoder;
  sharedEncoder = undefined;
  await running?.close();
}

function encoder(): LocalEmbedder {
  sharedEncoder ??= new LocalEmbedder();
  return sharedEncoder;
}

/**
 * The learned detector as a whole-text policy. The weight file is read when the policy is
 * compiled (at gateway start, see preloadGuardrailModels) and, for a model with the embedding
 * block, the encoder starts loading then too (about a second). A missing or broken weight file,
 * or an encoder that fails to load, is a detector error on each request — the fail mode decides —
 * and is retried on the next one. Each text is scored on its own; the policy fires when any
 * text's score reaches the threshold (the policy's, else the one the file was trained with).
 */
export function createInjectionModelClassifier(config: InjectionModelConfig) {
  const path = config.weights ?? bundledInjectionModelPath;
  const stopEarly = config.action === 'block';
  let model: InjectionModel | undefined;
  const load = (): InjectionModel => {
    if (model) return model;
    const file = readInjectionModelFile(path);
    if (file.features.embedding) {
      const shared = encoder();
      void shared.prepare().catch(() => undefined);
      model = new InjectionModel(file, (text) => shared.embed(text));
    } else model = new InjectionModel(file, undefined);
    return model;
  };
  try {
    load();
  } catch {
    // Reported by `config check`; at run time each request meets the error and its fail mode.
  }
  return async (texts: readonly string[]): Promise<Classification> => {
    const loaded = load();
    const threshold = config.threshold ?? loaded.file.threshold;
    let best = 0;
    for (const text of texts) {
      const score = await loaded.score(text, stopEarly ? threshold : undefined);
      if (score > best) best = score;
      if (stopEarly && best >= threshold) break;
    }
    const flagged = best >= threshold;
    return { flagged, score: Math.round(best * 1000) / 1000, categories: flagged ? ['injection_model'] : [] };
  };
}
