import { createRequire } from 'node:module';

/**
 * Why the classifier tests cannot run here, or undefined when they can: @huggingface/transformers
 * is an optional dependency, absent where its ONNX runtime has no build. Outside CI the tests
 * skip with this reason; with CI=true they fail instead, as the Redis and PostgreSQL tests do.
 */
export function transformersUnavailableReason(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('@huggingface/transformers');
    return undefined;
  } catch {
    return 'the optional dependency @huggingface/transformers is not installed';
  }
}
