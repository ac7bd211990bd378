import { InvalidRequestError } from '../errors/gateway-errors.js';
import type { TokenPrices } from './token-prices.js';

export const customCostHeader = 'x-sluice-custom-cost';

/** What a caller may state about a request's cost (see docs/usage-and-limits.md). */
export type CustomCost = { kind: 'total'; usd: number } | { kind: 'prices'; prices: TokenPrices };

const number = /^\d+(\.\d+)?$|^\.\d+$/;
const priceNames = new Set(['input', 'output', 'cached_input', 'cache_write']);

function invalid(reason: string): InvalidRequestError {
  return new InvalidRequestError(
    `${customCostHeader}: ${reason}. Expected a total in USD ("0.0125" or "total=0.0125") or prices in USD per 1M tokens ("input=0.5, output=1.5[, cached_input=0.25][, cache_write=0.625]").`,
    { code: 'invalid_header', param: customCostHeader },
  );
}

/**
 * `x-sluice-custom-cost`:
 * - a total for this request in USD: `0.0125` or `total=0.0125`;
 * - or per-token prices in USD per 1M tokens, like `pricing:` in the config:
 *   `input=0.5, output=1.5`, optionally `cached_input=…` and `cache_write=…` (default: input).
 * Pairs are separated by commas or semicolons.
 */
export function parseCustomCost(header: string): CustomCost {
  const text = header.trim();
  if (number.test(text)) return { kind: 'total', usd: Number(text) };
  const values = new Map<string, number>();
  for (const pair of text.split(/[,;]/)) {
    if (pair.trim() === '') continue;
    const match = /^\s*([a-z_]+)\s*=\s*(\S+)\s*$/.exec(pair);
    if (!match) throw invalid(`cannot read "${pair.trim().slice(0, 40)}"`);
    const [, name, value] = match;
    if (name !== 'total' && !priceNames.has(name)) throw invalid(`unknown name "${name}"`);
    if (!number.test(value)) throw invalid(`${name} must be a non-negative decimal number`);
    if (values.has(name)) throw invalid(`${name} is given twice`);
    values.set(name, Number(value));
  }
  const total = values.get('total');
  if (total !== undefined) {
    if (values.size > 1) throw invalid('give either total or prices, not both');
    return { kind: 'total', usd: total };
  }
  const input = values.get('input');
  const output = values.get('output');
  if (input === undefined || output === undefined) throw invalid('input and output prices are both required');
  return { kind: 'prices', prices: { input, output, cached_input: values.get('cached_input'), cache_write: values.get('cache_write') } };
}
