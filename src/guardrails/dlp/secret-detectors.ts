import type { SecretEntity } from './entity-catalog.js';
import { regexDetector, type EntityDetector } from './entity-detector.js';
import { shannonEntropy } from './checksums.js';

/**
 * Credential detectors. Vendor tokens have documented prefixes, which makes them precise; the
 * generic detector needs an assignment (`api_key = …`) and a random-looking value.
 */

/** Random tokens mix letters and digits; slugs such as `sk-my-test-project-name` do not. */
const looksRandom = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= 3;

const awsAccessKey = regexDetector('aws_access_key', /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|AGPA)[A-Z2-7]{16}(?![A-Za-z0-9])/g, {
  hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'AGPA'],
  priority: 3,
});

const openaiKey = regexDetector('openai_key', /(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![\w-])/g, {
  hints: ['sk-'],
  check: (match) => looksRandom(match[0].slice(3)),
  priority: 3,
});

const anthropicKey = regexDetector('anthropic_key', /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}(?![\w-])/g, {
  hints: ['sk-ant-'],
  check: (match) => looksRandom(match[0].slice(7)),
  priority: 3,
});

const googleApiKey = regexDetector('google_api_key', /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g, { hints: ['AIza'], priority: 3 });

const githubToken = regexDetector('github_token', /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})(?!\w)/g, {
  hints: ['gh', 'github_pat_'],
  priority: 3,
});

const slackToken = regexDetector(
  'slack_token',
  /(?<![\w-])(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+)/g,
  { hints: ['xox', 'xapp-', 'hooks.slack.com'], check: (match) => /\d/.test(match[0]), priority: 3 },
);

const stripeKey = regexDetector('stripe_key', /(?<!\w)(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})(?!\w)/g, {
  hints: ['_live_', '_test_', 'whsec_'],
  priority: 3,
});

const jwt = regexDetector('jwt', /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![\w-])/g, { hints: ['eyJ'], priority: 3 });

/** The whole block, or to the end of the text when its END line has not arrived (yet). */
const privateKey = regexDetector(
  'private_key',
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g,
  { hints: ['PRIVATE KEY'], priority: 4 },
);

/** Names whose value is a credential, then `=`, `:`, `:=` or `=>`, then the value (which alone is reported). */
const assignment =
  /(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|credential|private[_-]?key|access[_-]?key|auth[_-]?key|client[_-]?secret|bearer)[\w.-]{0,24}["']?\s*(?::=|=>|[:=])\s*["'`]?([A-Za-z0-9+/_.~!@#$%^&*=-]{12,256})/gi;
const placeholder = /your|example|xxxx|changeme|redacted|placeholder|dummy|sample|<|\$\{|process\.env|environ|getenv|\*{3}/i;

const genericSecret = regexDetector('generic_secret', assignment, {
  hintPattern: /[:=]/,
  check: (match) => {
    const value = match[1].replace(/["'`]+$/, '');
    if (value.length < 12 || placeholder.test(value)) return false;
    if (!looksRandom(value) || shannonEntropy(value) < 3.5) return false;
    const start = match.index + match[0].length - match[1].length;
    return [start, start + value.length];
  },
  priority: 1,
});

/** `Authorization: Bearer <token>` headers pasted into prompts. */
const bearerHeader = regexDetector('generic_secret', /\bBearer\s+([A-Za-z0-9._~+/-]{20,}=*)/g, {
  hints: ['Bearer'],
  check: (match) => {
    if (!looksRandom(match[1]) || placeholder.test(match[1])) return false;
    const start = match.index + match[0].length - match[1].length;
    return [start, start + match[1].length];
  },
  priority: 1,
});

const generic: EntityDetector = {
  entity: 'generic_secret',
  find(text, found) {
    genericSecret.find(text, found);
    bearerHeader.find(text, found);
  },
};

export const secretDetectors: Record<SecretEntity, EntityDetector> = {
  aws_access_key: awsAccessKey,
  openai_key: openaiKey,
  anthropic_key: anthropicKey,
  google_api_key: googleApiKey,
  github_token: githubToken,
  slack_token: slackToken,
  stripe_key: stripeKey,
  jwt,
  private_key: privateKey,
  generic_secret: generic,
};
