import type { ProviderConfig } from '../../config/config-schema.js';
import type { Provider } from '../provider.js';
import { joinUrl } from '../../http/upstream-client.js';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';

export const openAIDefaultBaseUrl = 'https://api.openai.com/v1';

/** OpenAI, or any OpenAI-compatible server (vLLM, Ollama, Groq, Mistral, …) via `base_url`. */
export function createOpenAIProvider(name: string, config: ProviderConfig): Provider {
  const baseUrl = (config.base_url ?? openAIDefaultBaseUrl).replace(/\/+$/, '');
  const urls = { 'chat/completions': joinUrl(baseUrl, 'chat/completions'), embeddings: joinUrl(baseUrl, 'embeddings') };
  return createOpenAICompatibleProvider(name, {
    type: 'openai',
    // One URL per operation, made once: the model goes in the body, not the path.
    urlFor: (operation) => urls[operation],
    headers: { ...config.headers },
    credentialHeaders(apiKey): Record<string, string> {
      const key = apiKey ?? config.api_key;
      return key ? { authorization: `Bearer ${key}` } : {};
    },
    baseUrl,
    streamUsage: config.stream_usage ?? true,
  });
}
