/**
 * The complete SSE bytes of a stream known before it is read (a cached answer), kept beside the
 * iterable of its chunks: the writer sends them in one write instead of framing chunk by chunk,
 * as long as no stage replaced the iterable (response guardrails wrap it in a new one). Keyed
 * weakly, like raw-json.ts, so the bytes live no longer than the stream.
 */
export type EventStreamRenderer = (includeUsage: boolean) => Buffer;

const renderers = new WeakMap<object, EventStreamRenderer>();

export function withPreparedEventStream<T extends object>(iterable: T, render: EventStreamRenderer): T {
  renderers.set(iterable, render);
  return iterable;
}

/** The prepared bytes of this exact iterable, with or without the usage chunk; undefined when none. */
export function preparedEventStream(iterable: object, includeUsage: boolean): Buffer | undefined {
  return renderers.get(iterable)?.(includeUsage);
}
