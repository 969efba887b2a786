/**
 * A response body into frames, each held to the frame limit: the whole
 * body (`application/json`), one frame a line (`application/x-ndjson`),
 * or one frame an event (`text/event-stream`). A frame over the limit is
 * not kept: its size and first bytes are reported instead.
 */

/** How a body is cut into frames, by its content type. */
export type BodyFormat = 'json' | 'ndjson' | 'sse';

export interface FrameSink {
  frame(text: string): void;
  oversized(bytes: number, head: string): void;
  /**
   * Optional: after each chunk of a stream, a promise to wait on before reading the next, when
   * the reader is far enough ahead of what was taken. Not reading stops the socket, and the
   * sender with it.
   */
  room?(): Promise<void> | undefined;
}

const NEWLINE = 0x0a;
const HEAD_BYTES = 256;
const decoder = new TextDecoder();

/** The format a `content-type` names; undefined for one that carries no answer. */
export function formatOf(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === 'application/json') return 'json'; // what our server sends: no need to take it apart
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/json-rpc') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'text/event-stream') return 'sse';
  return undefined;
}

/** Bytes gathered into one frame, or dropped past the limit (keeping its head). */
class Gather {
  #parts: Uint8Array[] = [];
  #bytes = 0;
  #head: Uint8Array | undefined;

  constructor(readonly max: number) {}

  add(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#bytes += part.length;
    if (this.#head !== undefined) return;
    if (this.#bytes <= this.max) return void this.#parts.push(part);
    this.#head = concat([...this.#parts, part]).subarray(0, HEAD_BYTES);
    this.#parts = [];
  }

  get empty(): boolean {
    return this.#bytes === 0;
  }

  take(sink: FrameSink, each: (text: string) => void): void {
    if (this.#head !== undefined) sink.oversized(this.#bytes, decoder.decode(this.#head));
    else each(decoder.decode(concat(this.#parts)));
    this.#parts = [];
    this.#bytes = 0;
    this.#head = undefined;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Read `body` to its end, handing each frame to `sink`. */
export async function readFrames(
  body: AsyncIterable<Uint8Array>,
  format: BodyFormat,
  max: number,
  sink: FrameSink,
): Promise<void> {
  const gather = new Gather(max);
  if (format === 'json') {
    for await (const chunk of body) gather.add(chunk);
    if (!gather.empty) gather.take(sink, (text) => sink.frame(text));
    return;
  }
  // An event's data lines: our server sends one per event, a frame each.
  let data: string[] = [];
  const line = (text: string): void => {
    if (format === 'ndjson') {
      if (text.trim() !== '') sink.frame(text);
    } else if (text === '' || text === '\r') {
      if (data.length > 0) sink.frame(data.join('\n'));
      data = [];
    } else if (text.startsWith('data:')) {
      data.push(text.slice(text.startsWith('data: ') ? 6 : 5).replace(/\r$/, ''));
    }
  };
  for await (const chunk of body) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      gather.add(chunk.subarray(start, nl));
      gather.take(sink, line);
      start = nl + 1;
    }
    gather.add(chunk.subarray(start));
    const wait = sink.room?.();
    if (wait !== undefined) await wait;
  }
  if (!gather.empty) gather.take(sink, line);
  line('');
}
