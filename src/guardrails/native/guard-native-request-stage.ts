import type { Stage } from '../../pipeline/compose-stages.js';
import type { RequestContext } from '../../pipeline/request-context.js';
import { parseNativePath } from '../../server/native-proxy.js';
import { PlaceholderVault } from '../dlp/placeholder-vault.js';
import type { GuardrailState } from '../guardrail-policy.js';
import { GuardrailBlockedError } from '../guardrail-verdicts.js';
import { checkRequest, logVerdicts, setGuardrailsHeader } from '../guard-request-stage.js';
import { selectGuardrailPolicies } from '../select-guardrail-policies.js';
import { rememberAnswerPlan } from './native-answer-plan.js';
import { classifyNativeEndpoint, type NativeEndpoint } from './native-endpoint.js';
import { collectNativeRequestTexts, type NativeRequestTexts } from './native-request-texts.js';
import { GuardrailUnsupportedEndpointError, refusingPolicy } from './native-unreadable-error.js';

/**
 * Guardrails on `/native/{provider}/{path}` (after auth and limits, before the upstream call).
 * Without a policy for the caller nothing is parsed: the body goes out as it came. With one, the
 * body of a known endpoint is read in the provider's own format and checked like a /v1 prompt
 * (a redaction re-serializes it); what the gateway cannot read is refused when a policy would
 * block or redact it. The answer's checks are left for the proxy (`native-answer-plan.ts`).
 */
export const guardNativeRequest: Stage = async (context, next) => {
  const policies = selectGuardrailPolicies(context);
  if (policies.length === 0) return next();
  const url = new URL(context.request.url ?? '/', 'http://gateway');
  const parsed = parseNativePath(url.pathname);
  const providerType = parsed && context.gateway.config.providers[parsed.providerName]?.type;
  // An unknown provider: the proxy answers 404 before anything is sent.
  if (!parsed || !providerType) return next();
  const endpoint = classifyNativeEndpoint(providerType, context.request.method ?? 'GET', parsed.rest, url.searchParams);
  const where = `${context.request.method ?? 'GET'} /native/${parsed.providerName}${parsed.rest}`;

  const state: GuardrailState = { policies, verdicts: [], vault: new PlaceholderVault() };
  context.guardrails = state;
  context.finishers.push(() => logVerdicts(context, state));
  const requestPolicies = policies.filter((policy) => policy.applyTo.has('request'));
  const responsePolicies = policies.filter((policy) => policy.applyTo.has('response'));

  // Refused before anything is read or sent: an answer that cannot be checked must not go out.
  if (endpoint.answer === 'unreadable') {
    const refusing = refusingPolicy(responsePolicies);
    if (refusing) throw new GuardrailUnsupportedEndpointError(refusing, `the answer of ${where}`);
  }
  if (requestPolicies.length > 0 && context.body !== undefined && context.body.length > 0) {
    const texts = readableTexts(context, endpoint);
    if (!texts) {
      const refusing = refusingPolicy(requestPolicies);
      if (refusing) throw new GuardrailUnsupportedEndpointError(refusing, `the body of ${where}`);
    } else {
      const blocked = await checkRequest(context, requestPolicies, texts.texts, state);
      setGuardrailsHeader(context, state);
      if (blocked) throw new GuardrailBlockedError(blocked);
      if (texts.texts.some((item) => item.changed)) context.body = Buffer.from(JSON.stringify(texts.rebuild()));
    }
  }
  if (endpoint.answer !== 'none' && endpoint.answer !== 'unreadable' && (responsePolicies.length > 0 || state.vault.restorable)) {
    rememberAnswerPlan(context, { format: endpoint.answer, policies: responsePolicies, state });
  }
  await next();
};

/** The body's texts when it is JSON of a known format; undefined when the gateway cannot read it. */
function readableTexts(context: RequestContext, endpoint: NativeEndpoint): NativeRequestTexts | undefined {
  if (!endpoint.request) return undefined;
  const encoding = context.request.headers['content-encoding'];
  if (encoding && encoding !== 'identity') return undefined;
  // Multipart uploads (files, audio) are not read; any other body is read if it is JSON.
  if (/multipart\//i.test(context.request.headers['content-type'] ?? '')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(context.body!.toString('utf8'));
  } catch {
    return undefined;
  }
  try {
    return collectNativeRequestTexts(endpoint.request, body);
  } catch {
    // A body of an unexpected shape: unreadable, like any other.
    return undefined;
  }
}
