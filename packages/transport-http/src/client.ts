/**
 * The HTTP client side, as one core {@link MessageConnection}: each request
 * core hands over is one POST of its envelope to the endpoint; its answer
 * comes back as the response — one JSON body, or NDJSON lines for a server
 * stream, each to core as it arrives. Cancelling a call aborts its exchange
 * (its connection closes), and the server stops it. The same code runs over
 * node:http (Node: keep-alive sockets, TLS options) and `fetch` (browsers).
 */
import {
  DEFAULT_WINDOWS,
  RpcError,
  type MessageConnection,
  type MessageHandler,
  type OutgoingRequest,
  type Peer,
  type RequestId,
} from '@interoffice/core/client';
import { formatOf, readFrames } from './body-frames.js';
import { Cancel, codeOfStatus, ExchangeFailed, type Exchange, type ExchangeResponse } from './exchange.js';

/** One request on its way, and the means to stop it. */
interface Sent {
  readonly request: OutgoingRequest;
  readonly cancel: Cancel;
  cancelled: boolean;
  /** Answers handed to core and not yet taken by the caller (a stream's items: {@link HttpClient.taken}). */
  ahead: number;
  /** Set while reading waits for the caller to take some. */
  resume?: () => void;
}

/**
 * How far a stream's reading may run ahead of the caller: core's item window. Further on,
 * the body is read no more until the caller takes items, and the server, its socket full,
 * holds its generator (HTTP carries no credit).
 */
const WINDOW = DEFAULT_WINDOWS.items;

const ACCEPT = 'application/json, application/x-ndjson';
/** The deadline beside the envelope's own `timeout`, for proxies and servers that read headers. */
const TIMEOUT_HEADER = 'interoffice-timeout-ms';

export class HttpClient implements MessageConnection {
  readonly maxFrameBytes: number;
  readonly peer: Peer;
  readonly #endpoint: URL;
  readonly #exchange: Exchange;
  readonly #handler: MessageHandler;
  readonly #byId = new Map<RequestId, Sent>();
  readonly #all = new Set<Sent>();
  #closed = false;

  private constructor(endpoint: URL, exchange: Exchange, maxFrameBytes: number, handler: MessageHandler) {
    this.#endpoint = endpoint;
    this.#exchange = exchange;
    this.maxFrameBytes = maxFrameBytes;
    this.#handler = handler;
    this.peer = { transport: endpoint.protocol.slice(0, -1), address: endpoint.href };
  }

  /**
   * Connect only while something serves the endpoint (any answer to a GET of it but 404 or 503),
   * as a socket connects only while its server listens: a client made before its server then
   * waits for it (`waitForReady`) instead of failing each call.
   */
  static async open(
    url: URL,
    exchange: Exchange,
    o: { readonly maxFrameBytes: number; readonly connectTimeoutMs: number },
    handler: MessageHandler,
  ): Promise<HttpClient> {
    const endpoint = new URL(url.href.endsWith('/') ? url.href : `${url.href}/`);
    const cancel = new Cancel();
    const timer = setTimeout(() => cancel.abort(), o.connectTimeoutMs);
    try {
      // A GET: a browser sends it across origins without a preflight (an OPTIONS would need one of its own).
      const res = await exchange({ method: 'GET', url: endpoint, headers: { accept: 'application/json' }, cancel });
      for await (const _ of res.body); // read to its end: the connection goes back to the pool
      if (res.status === 503 || res.status === 404) throw new Error(`HTTP ${res.status}: nothing serves this path now`);
    } catch (e) {
      const why = cancel.aborted ? `no answer within ${o.connectTimeoutMs} ms` : (e as Error).message;
      throw new RpcError('UNAVAILABLE', `cannot reach ${endpoint.href}: ${why}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    return new HttpClient(endpoint, exchange, o.maxFrameBytes, handler);
  }

  send(request: OutgoingRequest): void {
    if (this.#closed) return this.#handler.refused(request, new RpcError('UNAVAILABLE', 'the connection is closed'));
    const sent: Sent = { request, cancel: new Cancel(), cancelled: false, ahead: 0 };
    this.#all.add(sent);
    for (const id of request.ids) this.#byId.set(id, sent);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: ACCEPT };
    if (request.deadline !== Infinity) headers[TIMEOUT_HEADER] = String(Math.max(0, Math.ceil(request.deadline - Date.now())));
    this.#exchange({ method: 'POST', url: this.#endpoint, headers, body: request.text, cancel: sent.cancel })
      .then((res) => this.#read(sent, res))
      .catch((e: unknown) => this.#failed(sent, e))
      .finally(() => this.#forget(sent));
  }

  cancel(id: RequestId): void {
    const sent = this.#byId.get(id);
    // A batch's request carries other calls too: those still want their answers.
    if (sent === undefined || sent.request.ids.length !== 1) return;
    sent.cancelled = true;
    sent.cancel.abort();
    this.#resume(sent);
  }

  /** The caller took `n` items of stream `id`: reading its body goes on once it is within the window again. */
  taken(id: RequestId, n: number): void {
    const sent = this.#byId.get(id);
    if (sent === undefined) return;
    sent.ahead -= n;
    if (sent.ahead < WINDOW) this.#resume(sent);
  }

  #resume(sent: Sent): void {
    const resume = sent.resume;
    sent.resume = undefined;
    resume?.();
  }

  close(): void {
    this.#shutdown(undefined);
  }

  #shutdown(error: RpcError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sent of this.#all) {
      sent.cancel.abort();
      this.#resume(sent);
    }
    this.#all.clear();
    this.#byId.clear();
    this.#handler.closed(error);
  }

  async #read(sent: Sent, res: ExchangeResponse): Promise<void> {
    if (res.status === 204) {
      for await (const _ of res.body); // notifications: nothing to read
      return;
    }
    const format = formatOf(res.header('content-type'));
    if (format === undefined) {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body) if (text.length < 200) text += decoder.decode(chunk, { stream: true });
      const error = new RpcError(
        codeOfStatus(res.status),
        `HTTP ${res.status} from ${this.#endpoint.href}: ${text.slice(0, 200).trim()}`,
      );
      this.#refuse(sent, error);
      // Nothing serves the path (now): as when a socket's server is gone, the next call connects again.
      if (error.code === 'UNAVAILABLE') this.#shutdown(error);
      return;
    }
    await readFrames(res.body, format, this.maxFrameBytes, {
      frame: (text) => this.#deliver(sent, () => this.#handler.response(text)),
      oversized: (bytes, head) => this.#deliver(sent, () => this.#handler.oversized(bytes, head)),
      // One call's stream only: a batch's answers are no stream, and nobody takes them one by one.
      room: () =>
        sent.ahead >= WINDOW && sent.request.ids.length === 1 && !sent.cancelled && !this.#closed
          ? new Promise<void>((resolve) => (sent.resume = resolve))
          : undefined,
    });
  }

  #deliver(sent: Sent, f: () => void): void {
    if (sent.cancelled || this.#closed) return;
    sent.ahead++;
    try {
      f();
    } catch {
      // core handles every answer it is given; one that throws must not stop the others
    }
  }

  #failed(sent: Sent, e: unknown): void {
    if (this.#closed || sent.cancelled) return;
    const why = e instanceof Error ? e.message : String(e);
    if (e instanceof ExchangeFailed && e.unreachable) {
      // Nobody there: like a socket whose server went, the connection closes and the next call connects again.
      this.#refuse(sent, new RpcError('UNAVAILABLE', `cannot reach ${this.#endpoint.href}: ${why}`));
      return this.#shutdown(new RpcError('UNAVAILABLE', `${this.#endpoint.href} does not answer: ${why}`));
    }
    this.#refuse(sent, new RpcError('UNAVAILABLE', `the exchange with ${this.#endpoint.href} failed: ${why}`));
  }

  #refuse(sent: Sent, error: RpcError): void {
    if (sent.request.ids.length === 0 || this.#closed) return; // notifications: nobody waits for them
    this.#handler.refused(sent.request, error);
  }

  #forget(sent: Sent): void {
    this.#all.delete(sent);
    for (const id of sent.request.ids) if (this.#byId.get(id) === sent) this.#byId.delete(id);
  }
}
