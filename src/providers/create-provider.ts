import type { ProviderConfig } from '../config/config-schema.js';
import type { Provider } from './provider.js';
import { createOpenAIProvider } from './openai/openai-provider.js';
import { createAzureOpenAIProvider } from './azure-openai/azure-openai-provider.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';
import { createGeminiProvider } from './gemini/gemini-provider.js';

const factories: Record<ProviderConfig['type'], (name: string, config: ProviderConfig) => Provider> = {
  openai: createOpenAIProvider,
  'azure-openai': createAzureOpenAIProvider,
  anthropic: createAnthropicProvider,
  gemini: createGeminiProvider,
};

export function createProvider(name: string, config: ProviderConfig): Provider {
  return factories[config.type](name, config);
}
