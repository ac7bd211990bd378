import type { ProviderConfig } from '../../config/config-schema.js';
import type { Provider } from '../provider.js';
import { joinUrl } from '../../http/upstream-client.js';
import { createOpenAICompatibleProvider } from '../openai/openai-compatible-provider.js';

export const azureDefaultApiVersion = '2024-10-21';

/**
 * Azure OpenAI: the model name is the deployment name, the URL is
 * `{base}/openai/deployments/{deployment}/{operation}?api-version=…`, the key goes in `api-key`.
 */
export function createAzureOpenAIProvider(name: string, config: ProviderConfig): Provider {
  if (!config.base_url) throw new Error(`providers.${name}.base_url: required for azure-openai (https://NAME.openai.azure.com)`);
  const baseUrl = config.base_url.replace(/\/+$/, '');
  const apiVersion = config.api_version ?? azureDefaultApiVersion;
  return createOpenAICompatibleProvider(name, {
    type: 'azure-openai',
    urlFor(operation, deployment) {
      const url = joinUrl(baseUrl, `/openai/deployments/${encodeURIComponent(deployment)}/${operation}`);
      url.searchParams.set('api-version', apiVersion);
      return url;
    },
    headers: { ...config.headers },
    credentialHeaders(apiKey): Record<string, string> {
      const key = apiKey ?? config.api_key;
      return key ? { 'api-key': key } : {};
    },
    baseUrl,
    nativeQuery: { 'api-version': apiVersion },
    // Azure has supported stream_options.include_usage since api-version 2024-09-01-preview.
    streamUsage: config.stream_usage ?? true,
  });
}
