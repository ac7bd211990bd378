import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { validateConfig } from '../config/load-config.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import type { LimitsInput } from '../tenancy/tenancy-inputs.js';

/** Test support for the limits tests (not itself a test file). */
export const adminToken = 'test-admin-token';

/** A logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A gateway with auth on, an admin token and one OpenAI-format provider `openai` at `upstreamUrl`. */
export function startLimitsGateway(upstreamUrl: string, extra: Record<string, unknown> = {}, logger: Logger = pino({ level: 'silent' })): Promise<RunningGateway> {
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: 'memory',
      auth: { required: true },
      admin: { token: adminToken },
      providers: { openai: { type: 'openai', base_url: `${upstreamUrl}/v1` } },
      ...extra,
    },
    'test config',
  );
  return startGateway(config, { logger, environment: {} });
}

/** A new team and key with these limits; returns the key's secret and ids. */
export async function createKey(
  gateway: RunningGateway,
  limits: LimitsInput = {},
  teamLimits: LimitsInput = {},
): Promise<{ secret: string; keyId: string; teamId: string }> {
  const { tenancy } = gateway.gateway;
  const suffix = Math.random().toString(36).slice(2, 10);
  const team = await tenancy.createTeam({ name: `team-${suffix}`, limits: teamLimits });
  const created = await tenancy.createKey({ name: `key-${suffix}`, team_id: team.id, limits });
  return { secret: created.secret, keyId: created.key.id, teamId: team.id };
}

export interface ChatReply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One chat completion through the gateway with a key. */
export async function chat(gateway: RunningGateway, secret: string | undefined, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ChatReply> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Waits until `check` holds (finishers run just after a response ends), at most `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits, when less than `marginMs` is left in the current UTC minute, until the next one has
 * begun. Tests that assert exact counts under per-minute limits start their bursts here: a burst
 * that straddles a minute boundary sees the sliding window's previous bucket decay, which
 * shifts `remaining` by fractions (the limit itself still holds).
 */
export async function awayFromMinuteBoundary(marginMs = 8_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
