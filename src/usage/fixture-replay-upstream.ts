import { sendEvents, sendJson, startFakeUpstreamServer, type FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { readFixture } from '../testing/read-fixture.js';

/** What the replay server answers next: a JSON body, or SSE payloads. */
export type Replay = { json: unknown } | { events: string[] };

export interface FixtureReplayUpstream {
  controls: FakeUpstreamControls;
  /** Sets the answer to every following request. */
  answer(replay: Replay): void;
}

/** The `data:` payloads of a `.chunks.txt` fixture, one per line. */
export function fixtureEvents(path: string): string[] {
  return readFixture(path)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * Test support (not a test file): one server speaking for OpenAI (`/v1/chat/completions`),
 * Anthropic (`/v1/messages`, with the `event:` line its SDK needs) and Gemini
 * (`:generateContent` / `:streamGenerateContent`), answering with recorded provider traffic
 * so usage can be checked end to end against the numbers the providers really sent.
 */
export async function startFixtureReplayUpstream(): Promise<FixtureReplayUpstream> {
  let replay: Replay = { json: {} };
  const controls = await startFakeUpstreamServer(async (request, response) => {
    const anthropic = request.path.startsWith('/v1/messages');
    if ('json' in replay) return sendJson(response, 200, replay.json);
    const events = replay.events.map((data) => {
      const type = anthropic ? (JSON.parse(data) as { type?: string }).type : undefined;
      return { event: type, data };
    });
    const openai = request.path.includes('chat/completions');
    return sendEvents(response, openai ? [...events, { data: '[DONE]' }] : events);
  });
  return { controls, answer: (next) => (replay = next) };
}
