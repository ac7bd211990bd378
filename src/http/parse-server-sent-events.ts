/** One server-sent event: the `event:` name (if any) and its joined `data:` lines. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

/**
 * Parses an SSE byte stream incrementally (WHATWG rules: LF, CR or CRLF line ends, multi-line
 * data joined with "\n", comments ignored). Events are yielded as soon as their blank line
 * arrives, so nothing is buffered beyond one event.
 */
export async function* parseServerSentEvents(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let eventName: string | undefined;
  let dataLines: string[] = [];

  const takeLine = (line: string): ServerSentEvent | undefined => {
    if (line === '') {
      if (dataLines.length === 0) {
        eventName = undefined;
        return undefined;
      }
      const dispatched = { event: eventName, data: dataLines.join('\n') };
      eventName = undefined;
      dataLines = [];
      return dispatched;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
    else if (field === 'event') eventName = value;
    return undefined;
  };

  for await (const piece of source) {
    buffer += typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
    let start = 0;
    for (;;) {
      let end = -1;
      let next = -1;
      for (let index = start; index < buffer.length; index++) {
        const char = buffer.charCodeAt(index);
        if (char === 10) {
          end = index;
          next = index + 1;
          break;
        }
        if (char === 13) {
          // A CR at the very end may be the first half of CRLF: wait for more input.
          if (index + 1 === buffer.length) break;
          end = index;
          next = buffer.charCodeAt(index + 1) === 10 ? index + 2 : index + 1;
          break;
        }
      }
      if (end === -1) break;
      const dispatched = takeLine(buffer.slice(start, end));
      start = next;
      if (dispatched) yield dispatched;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const dispatched = takeLine(buffer);
    if (dispatched) yield dispatched;
  }
  // A stream that ends without the final blank line still delivers its last event.
  const last = takeLine('');
  if (last) yield last;
}
