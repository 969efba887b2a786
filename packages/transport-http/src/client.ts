/**
 * The HTTP client side: each request core hands over is one `fetch` POST to
 * the endpoint; its answer (one JSON body, or NDJSON lines for a stream)
 * goes back to core as it arrives. Cancelling a call aborts its fetch, and
 * the server stops it. Uses only `fetch`, so it runs in browsers as in Node.
 */
import {
  RpcError,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core/client';

interface InFlight {
  readonly abort: AbortController;
  readonly request: OutgoingRequest;
}

/** How many bytes of an oversized answer core gets, to read its id from. */
const HEAD_BYTES = 256;

export class HttpClient implements MessageConnection {
  readonly peer: Peer;
  readonly #endpoint: string;
  readonly #handler: MessageHandler;
  readonly #inflight = new Map<RequestId, InFlight>();
  readonly #all = new Set<InFlight>();
  #closed = false;

  constructor(
    url: URL,
    handler: MessageHandler,
    readonly maxFrameBytes: number,
    private readonly init: RequestInit,
  ) {
    this.#endpoint = url.href.endsWith('/') ? url.href : `${url.href}/`;
    this.#handler = handler;
    this.peer = { transport: url.protocol.slice(0, -1), address: this.#endpoint };
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return this.#handler.refused(request, new RpcError('UNAVAILABLE', 'the connection is closed'));
    const entry: InFlight = { abort: new AbortController(), request };
    this.#all.add(entry);
    for (const id of request.ids) this.#inflight.set(id, entry);
    void this.#post(entry).finally(() => {
      this.#all.delete(entry);
      for (const id of request.ids) if (this.#inflight.get(id) === entry) this.#inflight.delete(id);
    });
  }

  async #post(entry: InFlight): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.#endpoint, {
        ...this.init,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: entry.request.text,
        signal: entry.abort.signal,
      });
    } catch (e) {
      if (!entry.abort.signal.aborted) this.#lost(entry.request, unreachable(this.#endpoint, e));
      return;
    }
    try {
      if (res.status === 204) return void (await res.body?.cancel());
      const type = res.headers.get('content-type') ?? '';
      if (!/json/i.test(type)) {
        const text = (await res.text()).slice(0, 200).trim();
        const code =
          res.status === 503 || res.status === 404 ? 'UNAVAILABLE' : res.status === 403 ? 'PERMISSION_DENIED' : 'UNKNOWN';
        const error = new RpcError(code, `HTTP ${res.status} from ${this.#endpoint}: ${text}`);
        // Nothing serves the path (now): as when a socket's server is gone, the next call connects again.
        if (code === 'UNAVAILABLE') return this.#lost(entry.request, error);
        return this.#handler.refused(entry.request, error);
      }
      if (/ndjson/i.test(type)) await this.#lines(res);
      else await this.#whole(res);
    } catch (e) {
      if (!entry.abort.signal.aborted) this.#handler.refused(entry.request, unreachable(this.#endpoint, e));
    }
  }

  /** One JSON answer (a response, or a batch's). */
  async #whole(res: Response): Promise<void> {
    const length = Number(res.headers.get('content-length'));
    if (length > this.maxFrameBytes) {
      await res.body?.cancel();
      return this.#handler.oversized(length, '');
    }
    const text = await res.text();
    if (text.length * 3 > this.maxFrameBytes && new TextEncoder().encode(text).length > this.maxFrameBytes) {
      return this.#handler.oversized(new TextEncoder().encode(text).length, text.slice(0, HEAD_BYTES));
    }
    this.#handler.response(text);
  }

  /** NDJSON: each line to core as it arrives. */
  async #lines(res: Response): Promise<void> {
    if (res.body === null) return;
    const decoder = new TextDecoder();
    let pending = '';
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line !== '') this.#handler.response(line);
        nl = pending.indexOf('\n');
      }
      if (pending.length > this.maxFrameBytes) {
        await reader.cancel();
        return this.#handler.oversized(pending.length, pending.slice(0, HEAD_BYTES));
      }
    }
    if (pending.trim() !== '') this.#handler.response(pending);
  }

  /** Nobody answers: fail the request, and end this connection so that the next call connects again (and waits for the server, with `waitForReady`). */
  #lost(request: OutgoingRequest, error: RpcError): void {
    this.#handler.refused(request, error);
    if (this.#closed) return;
    this.#closed = true;
    this.#handler.closed(error);
  }

  cancel(id: RequestId): void {
    const entry = this.#inflight.get(id);
    // A batch's request carries other calls too: those still want their answers.
    if (entry !== undefined && entry.request.ids.length === 1) entry.abort.abort();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#all) entry.abort.abort();
    this.#handler.closed();
  }
}

/** Whether anything answers HTTP at `endpoint` (any status will do): a connection's first step. */
export async function probe(endpoint: URL, init: RequestInit): Promise<void> {
  try {
    const res = await fetch(endpoint, { ...init, method: 'OPTIONS' });
    await res.body?.cancel();
    // A server there, but nothing serving the path (a mounted endpoint not running): not yet.
    if (res.status === 503 || res.status === 404) throw new Error(`HTTP ${res.status}: nothing serves this path now`);
  } catch (e) {
    throw unreachable(endpoint.href, e);
  }
}

function unreachable(endpoint: string, e: unknown): RpcError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (e as Error).message;
  return new RpcError('UNAVAILABLE', `cannot reach ${endpoint}: ${why}`, { cause: e });
}
