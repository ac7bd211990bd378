import { GatewayError } from '../../errors/gateway-errors.js';
import type { GuardrailPolicy } from '../guardrail-policy.js';

/**
 * 403 `guardrail_unsupported_endpoint`: a `/native/*` call whose body or answer the gateway
 * cannot read, while a policy that would block or redact it applies. Forwarding it unchecked
 * would let any caller step around the policy by picking an endpoint the gateway does not parse.
 */
export class GuardrailUnsupportedEndpointError extends GatewayError {
  readonly policy: string;

  constructor(policy: GuardrailPolicy, what: string) {
    super(403, 'permission_error', `Guardrail policy "${policy.name}" applies to this key and the gateway cannot check ${what}, so the request was refused.`, {
      code: 'guardrail_unsupported_endpoint',
    });
    this.policy = policy.name;
  }
}

/** The first policy that must not let unread text through: it blocks or redacts and did not opt out. */
export function refusingPolicy(policies: readonly GuardrailPolicy[]): GuardrailPolicy | undefined {
  return policies.find((policy) => policy.action !== 'flag' && policy.nativeUnreadable !== 'allow');
}
