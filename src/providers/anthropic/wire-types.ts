/**
 * The Anthropic Messages API on the wire (POST /v1/messages), as far as this adapter reads or
 * writes it. Field names follow the official TypeScript SDK's `resources/messages/messages.d.ts`
 * (@anthropic-ai/sdk 1.12, in node_modules) and the recorded streams in
 * test/fixtures/anthropic. Response types keep an index signature because Anthropic adds
 * output fields within an API version (see platform.claude.com/docs/en/api/versioning), and
 * this adapter must not break on them.
 */

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

// ---------------------------------------------------------------- request content blocks

export interface TextBlockParam {
  type: 'text';
  text: string;
  cache_control?: CacheControl | null;
}

export type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export interface ImageBlockParam {
  type: 'image';
  source: { type: 'base64'; media_type: ImageMediaType | string; data: string } | { type: 'url'; url: string };
  cache_control?: CacheControl | null;
}

export interface DocumentBlockParam {
  type: 'document';
  source:
    | { type: 'base64'; media_type: 'application/pdf'; data: string }
    | { type: 'text'; media_type: 'text/plain'; data: string }
    | { type: 'url'; url: string };
  title?: string | null;
  cache_control?: CacheControl | null;
}

export interface ToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl | null;
}

export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlockParam | ImageBlockParam>;
  is_error?: boolean;
  cache_control?: CacheControl | null;
}

/** A thinking block replayed in a later turn; the signature must be passed back unchanged. */
export interface ThinkingBlockParam {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlockParam {
  type: 'redacted_thinking';
  data: string;
}

export type ContentBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | DocumentBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | RedactedThinkingBlockParam;

export interface MessageParam {
  /** API version 2026-10-21 also accepts 'system' here on some models; this adapter never sends it. */
  role: 'user' | 'assistant';
  content: string | ContentBlockParam[];
}

// ---------------------------------------------------------------- request

export interface Tool {
  name: string;
  description?: string;
  input_schema: { type: 'object'; properties?: unknown; required?: string[] | null; [key: string]: unknown };
  strict?: boolean;
  cache_control?: CacheControl | null;
}

export type ToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type ThinkingConfig =
  | { type: 'enabled'; budget_tokens: number; display?: 'summarized' | 'omitted' | null }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' | null }
  | { type: 'disabled' }
  | { type: 'between_tools' };

export interface MessagesRequest {
  model: string;
  messages: MessageParam[];
  max_tokens: number;
  system?: string | TextBlockParam[];
  stop_sequences?: string[];
  /** Accepted by anthropic-version 2023-06-01; API version 2026-10-21 rejects it with a 400. */
  temperature?: number;
  /** Same version caveat as temperature. */
  top_p?: number;
  /** Same version caveat as temperature. */
  top_k?: number;
  metadata?: { user_id?: string | null };
  tools?: Tool[];
  tool_choice?: ToolChoice;
  thinking?: ThinkingConfig;
  output_config?: { effort?: string | null; format?: { type: 'json_schema'; schema: Record<string, unknown> } | null };
  service_tier?: 'auto' | 'standard_only';
  stream?: boolean;
  /** Provider extras from the canonical request's `anthropic` key are merged in as is. */
  [key: string]: unknown;
}

// ---------------------------------------------------------------- response

export interface TextBlock {
  type: 'text';
  text: string;
  citations?: unknown[] | null;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

/** Server tools (web search, code execution) run at Anthropic: not client tool calls. */
export interface ServerToolUseBlock {
  type: 'server_tool_use';
  id: string;
  name: string;
  input: unknown;
}

/** Any block type this adapter does not model (e.g. `*_tool_result`, `container_upload`). */
export interface OtherContentBlock {
  type: string;
  [key: string]: unknown;
}

export type ContentBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock | ServerToolUseBlock | OtherContentBlock;

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
  server_tool_use?: { web_search_requests?: number; web_fetch_requests?: number } | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

/** `message_delta.usage`: cumulative totals; input fields may be null or absent. */
export interface MessageDeltaUsage {
  output_tokens: number;
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
  [key: string]: unknown;
}

export interface RefusalStopDetails {
  type: 'refusal';
  category?: string | null;
  explanation?: string | null;
  [key: string]: unknown;
}

export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  /** Non-null in a whole response; null in `message_start`. */
  stop_reason: StopReason | string | null;
  stop_sequence?: string | null;
  stop_details?: RefusalStopDetails | null;
  usage: Usage;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- stream events

export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta'; citation: unknown };

export interface MessageStartEvent {
  type: 'message_start';
  message: Message;
}

export interface ContentBlockStartEvent {
  type: 'content_block_start';
  index: number;
  content_block: ContentBlock;
}

export interface ContentBlockDeltaEvent {
  type: 'content_block_delta';
  index: number;
  delta: ContentBlockDelta;
}

export interface ContentBlockStopEvent {
  type: 'content_block_stop';
  index: number;
}

export interface MessageDeltaEvent {
  type: 'message_delta';
  delta: { stop_reason: StopReason | string | null; stop_sequence?: string | null; stop_details?: RefusalStopDetails | null };
  usage: MessageDeltaUsage;
}

export interface MessageStopEvent {
  type: 'message_stop';
}

export interface PingEvent {
  type: 'ping';
}

/** Sent as `event: error` after a 200, e.g. `overloaded_error` when the API is overloaded. */
export interface ErrorEvent {
  type: 'error';
  error: ErrorObject;
}

export type StreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | MessageStopEvent
  | PingEvent
  | ErrorEvent;

// ---------------------------------------------------------------- errors

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface ErrorObject {
  type: ErrorType | string;
  message: string;
}

/** Body of every non-2xx answer: `{"type":"error","error":{...},"request_id":"req_..."}`. */
export interface ErrorResponse {
  type: 'error';
  error: ErrorObject;
  request_id?: string | null;
}
