import { InvalidRequestError } from '../../errors/gateway-errors.js';
import type { ContentPart } from '../../schema/chat-completion-request.js';
import type { GeminiPart } from './wire-types.js';

/**
 * Media parts of a user message → Gemini parts.
 *
 * Image URLs: a `data:` URL becomes `inlineData` (the bytes travel in the request). Any other
 * URL (http(s), `gs://`, a Files API URI) becomes `fileData {fileUri, mimeType}` and Gemini
 * fetches it itself: the gateway does not download client-chosen URLs (no SSRF surface, no
 * added latency or memory on the hot path). Gemini requires a MIME type on `fileData`, so it
 * is guessed from the URL's extension, defaulting to `image/jpeg` for an `image_url` part.
 */
export function convertMediaPart(part: ContentPart, where: string, warn: (message: string) => void): GeminiPart | undefined {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url': {
      if (part.image_url.detail && part.image_url.detail !== 'auto') {
        warn(`${where}.image_url.detail "${part.image_url.detail}" is not supported by Gemini and was ignored`);
      }
      return partFromUrl(part.image_url.url, 'image/jpeg', `${where}.image_url.url`);
    }
    case 'input_audio':
      // Gemini takes audio inline; OpenAI's format names map onto `audio/<format>`.
      return { inlineData: { mimeType: audioMimeType(part.input_audio.format), data: part.input_audio.data } };
    case 'file': {
      const { file_data: fileData, file_id: fileId, filename } = part.file;
      if (fileData) {
        if (fileData.startsWith('data:')) return partFromUrl(fileData, 'application/octet-stream', `${where}.file.file_data`);
        // OpenAI also accepts bare base64 here; the type then comes from the file name.
        return { inlineData: { mimeType: mimeTypeFromPath(filename ?? '') ?? 'application/pdf', data: fileData } };
      }
      if (fileId && /^(https?:\/\/|gs:\/\/|files\/)/.test(fileId)) {
        return { fileData: { fileUri: fileId, mimeType: mimeTypeFromPath(filename ?? fileId) ?? 'application/pdf' } };
      }
      warn(`${where}: file_id "${fileId ?? ''}" is an OpenAI file id that Gemini cannot read; the part was left out`);
      return undefined;
    }
    case 'refusal':
      return { text: part.refusal };
    default: {
      const unknownType = (part as { type?: unknown }).type;
      warn(`${where}: content part type "${String(unknownType)}" is not supported by Gemini and was left out`);
      return undefined;
    }
  }
}

function partFromUrl(url: string, fallbackMimeType: string, where: string): GeminiPart {
  if (url.startsWith('data:')) {
    const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
    if (!match) throw new InvalidRequestError(`${where}: malformed data URL`, { param: where });
    const mimeType = match[1] || fallbackMimeType;
    const isBase64 = match[2].split(';').includes('base64');
    // Gemini wants base64; a percent-encoded data URL is re-encoded.
    const data = isBase64 ? match[3] : Buffer.from(decodeURIComponent(match[3]), 'utf8').toString('base64');
    return { inlineData: { mimeType, data } };
  }
  return { fileData: { fileUri: url, mimeType: mimeTypeFromPath(url) ?? fallbackMimeType } };
}

const mimeTypesByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
};

/** The MIME type for a URL or file name's extension (query and fragment ignored). */
export function mimeTypeFromPath(path: string): string | undefined {
  const withoutQuery = path.split(/[?#]/, 1)[0];
  const extension = /\.([a-z0-9]+)$/i.exec(withoutQuery)?.[1]?.toLowerCase();
  return extension ? mimeTypesByExtension[extension] : undefined;
}

function audioMimeType(format: string): string {
  const lower = format.toLowerCase();
  return lower === 'mp3' ? 'audio/mp3' : `audio/${lower}`;
}
