import { sendJson, startFakeUpstreamServer, type FakeUpstreamControls } from '../../testing/fake-upstream-server.js';

/**
 * A fake OpenAI-format guard service for tests: `POST /v1/moderations` in OpenAI's moderation
 * format, and `POST /v1/chat/completions` answering like a Llama Guard judge. Its verdicts are
 * keyed on marker words so tests can choose them: "violent-marker" → violence, "hateful-marker"
 * → hate; a judge prompt containing "forbidden-marker" → `unsafe\nS2`, "rambling-marker" → an
 * answer that is neither safe nor unsafe.
 */
export function startFakeGuardUpstream(): Promise<FakeUpstreamControls> {
  return startFakeUpstreamServer((request, response) => {
    const body = request.body as Record<string, any>;
    if (request.path === '/v1/moderations') {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const results = inputs.map((input) => {
        const violence = input.includes('violent-marker');
        const hate = input.includes('hateful-marker');
        return {
          flagged: violence || hate,
          categories: { violence, hate, harassment: false },
          category_scores: { violence: violence ? 0.93 : 0.01, hate: hate ? 0.88 : 0.02, harassment: 0.3 },
        };
      });
      return sendJson(response, 200, { id: 'modr-fake', model: body.model, results });
    }
    if (request.path === '/v1/chat/completions') {
      const prompt = String(body.messages?.[0]?.content ?? '');
      const content = prompt.includes('forbidden-marker') ? 'unsafe\nS2, S9' : prompt.includes('rambling-marker') ? 'Let me think about that.' : 'safe';
      return sendJson(response, 200, {
        id: 'chatcmpl-judge',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      });
    }
    return sendJson(response, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
  });
}
