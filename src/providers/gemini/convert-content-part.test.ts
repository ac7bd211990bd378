import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import { convertRequest } from './convert-request.js';
import { mimeTypeFromPath } from './convert-content-part.js';

function convert(input: Record<string, unknown>) {
  const request = chatCompletionRequestSchema.parse({ model: 'gemini-2.5-flash', ...input }) as ChatCompletionRequest;
  const warnings: string[] = [];
  const body = convertRequest(request, (message) => warnings.push(message));
  return { body, warnings };
}

test('images: data URLs go inline, other URLs as fileData with a MIME type from the extension', () => {
  const { body, warnings } = convert({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=large', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/render' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
        ],
      },
    ],
  });
  assert.deepEqual(body.contents[0].parts, [
    { text: 'Compare' },
    { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    { fileData: { fileUri: 'https://example.com/cat.webp?size=large', mimeType: 'image/webp' } },
    { fileData: { fileUri: 'https://example.com/render', mimeType: 'image/jpeg' } },
    { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
  ]);
  assert.deepEqual(warnings, ['messages[0].content[2].image_url.detail "high" is not supported by Gemini and was ignored']);
});

test('an OpenAI file id cannot be read by Gemini: warned, not sent', () => {
  const { body, warnings } = convert({
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Read' }, { type: 'file', file: { file_id: 'file-abc123' } }] }],
  });
  assert.deepEqual(body.contents[0].parts, [{ text: 'Read' }]);
  assert.match(warnings[0], /file-abc123/);
});

test('MIME types come from the extension, ignoring query and fragment', () => {
  assert.equal(mimeTypeFromPath('https://x.test/a/photo.JPG?v=2#top'), 'image/jpeg');
  assert.equal(mimeTypeFromPath('gs://bucket/doc.pdf'), 'application/pdf');
  assert.equal(mimeTypeFromPath('https://x.test/image'), undefined);
  assert.equal(mimeTypeFromPath('https://x.test/a.png/render'), undefined);
});

test('a percent-encoded data URL is re-encoded as base64', () => {
  const { body } = convert({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } }] }] });
  assert.deepEqual(body.contents[0].parts[0], { inlineData: { mimeType: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') } });
});
