import { dirname, basename, resolve } from 'node:path';
import type { GuardrailPolicyConfig } from '../guardrail-config-schema.js';
import type { Classification } from '../guardrail-policy.js';

type ClassifierConfig = Extract<GuardrailPolicyConfig, { type: 'classifier' }>;

/** One label's probability, as transformers.js's text-classification pipeline reports it. */
interface LabelScore {
  label: string;
  score: number;
}
type TextClassifier = (text: string, options: { top_k: number | null }) => Promise<LabelScore[] | LabelScore[][]>;

/** The part of @huggingface/transformers used here (an optional dependency: no compile-time import). */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(task: 'text-classification', model: string, options: { device: string; dtype: string }): Promise<unknown>;
}
const transformersPackage = '@huggingface/transformers';

/**
 * `env` of @huggingface/transformers is one object per process: loads that point it at different
 * model directories take turns, so each sees its own `localModelPath`.
 */
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Loads a text-classification model from a local directory (Hugging Face layout: config.json
 * with id2label, tokenizer.json, tokenizer_config.json, onnx/model.onnx) through
 * @huggingface/transformers on onnxruntime-node's CPU backend — never from the network.
 * The library is imported here, on the first classification, so a gateway without a classifier
 * policy never loads it (about 100 MB of RSS with the ONNX runtime).
 */
export async function loadTextClassifier(modelDirectory: string): Promise<TextClassifier> {
  const load = loadQueue.then(async () => {
    let transformers: TransformersModule;
    try {
      transformers = (await import(transformersPackage)) as TransformersModule;
    } catch {
      throw new Error('the classifier guardrail needs the optional dependency @huggingface/transformers, which is not installed');
    }
    const directory = resolve(modelDirectory);
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = `${dirname(directory)}/`;
    const classifier = await transformers.pipeline('text-classification', basename(directory), { device: 'cpu', dtype: 'fp32' });
    return classifier as unknown as TextClassifier;
  });
  loadQueue = load.catch(() => undefined);
  return load;
}

/**
 * The classifier guardrail: each text is classified on its own and the policy's `label` is
 * flagged when its probability reaches `threshold` on any text. Loading starts when the policy
 * is compiled (at gateway start, see preloadGuardrailModels) and takes seconds; a request that
 * arrives before it finishes waits for it within the policy's `timeout_ms`. A failed load is
 * retried on the next request, whose outcome the policy's fail mode decides.
 */
export function createLocalClassifier(config: ClassifierConfig) {
  let loading: Promise<TextClassifier> | undefined;
  const load = () => {
    const started = loadTextClassifier(config.model_dir);
    started.catch(() => {
      if (loading === started) loading = undefined;
    });
    return started;
  };
  loading = load();
  return async (texts: readonly string[]): Promise<Classification> => {
    loading ??= load();
    const classify = await loading;
    let best = 0;
    for (const text of texts) {
      const output = await classify(text, { top_k: null });
      const scores = (Array.isArray(output[0]) ? output[0] : output) as LabelScore[];
      const score = scores.find((entry) => entry.label === config.label)?.score;
      if (score === undefined) throw new Error(`the model in ${config.model_dir} has no label "${config.label}" (labels: ${scores.map((entry) => entry.label).join(', ')})`);
      if (score > best) best = score;
    }
    const flagged = best >= config.threshold;
    return { flagged, score: Math.round(best * 1000) / 1000, categories: flagged ? [config.label] : [] };
  };
}
