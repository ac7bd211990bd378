import { InvalidRequestError } from '../../errors/gateway-errors.js';
import type { ContentPart } from '../../schema/chat-completion-request.js';
import type { CacheControl, ContentBlockParam, DocumentBlockParam, ImageBlockParam, TextBlockParam } from './wire-types.js';

/**
 * Canonical (OpenAI) content parts → Anthropic content blocks. `path` names the part in the
 * client's request (`messages[2].content[1]`) so errors and warnings point at what to fix.
 */

/**
 * Clients that already know Anthropic (LiteLLM users, the Vercel AI SDK) put `cache_control` on
 * OpenAI content parts to mark prompt-cache breakpoints; it is passed through, not dropped.
 */
function cacheControlOf(part: unknown): { cache_control?: CacheControl } {
  const value = (part as { cache_control?: unknown } | undefined)?.cache_control;
  return value && typeof value === 'object' ? { cache_control: value as CacheControl } : {};
}

/** Anthropic rejects empty text blocks, so an empty string yields no block. */
export function textBlock(text: string, part?: unknown): TextBlockParam | undefined {
  if (text === '') return undefined;
  return { type: 'text', text, ...cacheControlOf(part) };
}

interface DataUrl {
  mediaType: string;
  base64: boolean;
  data: string;
}

function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const parameters = match[2].toLowerCase().split(';');
  // 'image/jpg' is common in the wild but not a registered type; Anthropic only takes image/jpeg.
  const mediaType = match[1].toLowerCase() === 'image/jpg' ? 'image/jpeg' : match[1].toLowerCase();
  return { mediaType: mediaType || 'text/plain', base64: parameters.includes('base64'), data: match[3] };
}

/** A base64 payload as an Anthropic block: PDFs are documents, everything else an image. */
function blockFromBase64(mediaType: string, data: string, part: unknown): ImageBlockParam | DocumentBlockParam {
  if (mediaType === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data }, ...cacheControlOf(part) };
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data }, ...cacheControlOf(part) };
}

/**
 * `image_url.url` → image block. `data:` URLs become a base64 source with the media type taken
 * from the URL; http(s) URLs become a `url` source that Anthropic fetches itself.
 */
export function imageBlockFromUrl(url: string, path: string, part: unknown): ImageBlockParam | DocumentBlockParam {
  if (url.startsWith('data:')) {
    const parsed = parseDataUrl(url);
    if (!parsed || !parsed.base64) {
      throw new InvalidRequestError(`${path}: only base64 data: URLs are supported (data:<media type>;base64,<data>).`, { param: path });
    }
    return blockFromBase64(parsed.mediaType, parsed.data, part);
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url }, ...cacheControlOf(part) };
  throw new InvalidRequestError(`${path}: an image URL must be an http(s) URL or a base64 data: URL.`, { param: path });
}

/**
 * OpenAI `file` parts. Anthropic takes PDFs and plain text as document blocks and images as
 * image blocks; an OpenAI `file_id` means nothing to Anthropic, so it is reported, not sent.
 */
function fileBlock(part: Extract<ContentPart, { type: 'file' }>, path: string, warn: (message: string) => void): ContentBlockParam | undefined {
  const { file_data: fileData, file_id: fileId, filename } = part.file;
  if (!fileData) {
    warn(`${path}: file_id${fileId ? ` "${fileId}"` : ''} cannot be resolved for Anthropic; the file part was not sent.`);
    return undefined;
  }
  const parsed = fileData.startsWith('data:') ? parseDataUrl(fileData) : undefined;
  let mediaType = parsed?.mediaType;
  const base64 = parsed ? parsed.base64 : true;
  const data = parsed ? parsed.data : fileData;
  if (!mediaType && filename?.toLowerCase().endsWith('.pdf')) mediaType = 'application/pdf';
  if (mediaType === 'text/plain') {
    const text = base64 ? Buffer.from(data, 'base64').toString('utf8') : safeDecode(data);
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...(filename ? { title: filename } : {}), ...cacheControlOf(part) };
  }
  if (base64 && mediaType && (mediaType === 'application/pdf' || mediaType.startsWith('image/'))) {
    return blockFromBase64(mediaType, data, part);
  }
  warn(`${path}: file type ${mediaType ?? 'unknown'} is not supported by Anthropic (PDF, plain text and images are); the file part was not sent.`);
  return undefined;
}

function safeDecode(data: string): string {
  try {
    return decodeURIComponent(data);
  } catch {
    return data;
  }
}

/** One user content part → zero or one Anthropic block (unsupported parts are warned about). */
export function userPartToBlock(part: ContentPart, path: string, warn: (message: string) => void): ContentBlockParam | undefined {
  switch (part.type) {
    case 'text':
      return textBlock(part.text, part);
    case 'refusal':
      return textBlock(part.refusal, part);
    case 'image_url':
      if (part.image_url.detail && part.image_url.detail !== 'auto') {
        warn(`${path}.image_url.detail "${part.image_url.detail}" has no Anthropic equivalent and was ignored.`);
      }
      return imageBlockFromUrl(part.image_url.url, `${path}.image_url.url`, part);
    case 'input_audio':
      warn(`${path}: Anthropic does not accept audio input; the input_audio part was not sent.`);
      return undefined;
    case 'file':
      return fileBlock(part, path, warn);
    default: {
      const type = (part as { type?: unknown }).type;
      warn(`${path}: content part type "${String(type)}" is not supported by Anthropic; it was not sent.`);
      return undefined;
    }
  }
}
