/**
 * One HTTP request as core's {@link Delivery}: its caller is its connection
 * (the call ids of one connection's requests are its own), and core's answers become the response
 * — one JSON body, or, once a stream item comes, NDJSON lines (a browser
 * reads them from `fetch`'s body as they arrive; EventSource cannot POST).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  codeFromJsonRpc,
  isCode,
  type Answer,
  type Delivery,
  type MessageServer,
  type Peer,
  type RequestRecord,
} from '@interoffice/core';
import { httpStatusOf } from './status.js';

/** `envelope`: the JSON-RPC endpoint; `method`: a per-method route (plain params in, plain result out). */
export type Mode = 'envelope' | 'method';

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';
/** Never written to: Node reads the object it is given. */
const JSON_HEADERS: Record<string, string> = Object.freeze({ 'content-type': JSON_TYPE }) as Record<string, string>;
/** Response metadata keys that can be header names as they are. */
const HEADER_KEY = /^[a-z0-9][a-z0-9_.-]*$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

let callers = 0;
/** Each TCP connection's caller name, for every server it reached. */
const socketCallers = new WeakMap<Socket, { readonly name: string; readonly servers: Set<MessageServer> }>();

/**
 * The caller a request belongs to: its connection. HTTP/1.1 carries one
 * request at a time on a connection, so a connection is one logical caller
 * (one session in core, kept while it is open); when it closes — a client
 * that aborted its request, say — core stops what it still runs.
 */
function callerOf(socket: Socket, server: MessageServer): string {
  let c = socketCallers.get(socket);
  if (c === undefined) {
    const caller = { name: `http-${++callers}`, servers: new Set<MessageServer>() };
    socket.once('close', () => {
      for (const s of caller.servers) s.left(caller.name);
    });
    socketCallers.set(socket, caller);
    c = caller;
  }
  c.servers.add(server);
  return c.name;
}

export class HttpDelivery implements Delivery {
  readonly caller: string;
  readonly waitedMs = 0;
  readonly meta: Record<string, string> | undefined;
  readonly timeout: number | undefined;
  #streaming = false;
  #done = false;
  #drainHooked = false;
  readonly #server: MessageServer;

  constructor(
    readonly peer: Peer,
    readonly body: string | RequestRecord,
    readonly tooLarge: number | undefined,
    readonly readOnly: boolean,
    private readonly mode: Mode,
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    server: MessageServer,
    /** The endpoint's deliveries not yet ended: this one leaves it when it ends. */
    private readonly open: Set<HttpDelivery>,
    /** Metadata and a timeout from the request's headers, for the calls of a JSON-RPC body (core applies them). */
    beside: { readonly meta?: Record<string, string>; readonly timeout?: number } = {},
  ) {
    this.meta = beside.meta;
    this.timeout = beside.timeout;
    this.caller = callerOf(res.socket as Socket, server);
    open.add(this);
    // A caller that goes away before its answer (an aborted fetch) cancels its calls: its connection closes (callerOf).
    res.once('close', () => {
      if (!this.#done) this.#finish();
    });
    this.#server = server;
  }

  /** A write that did not fit: core hears when the response drains, to send the stream's next items. */
  #wrote(fits: boolean): boolean {
    if (!fits && !this.#drainHooked) {
      this.#drainHooked = true;
      this.res.on('drain', () => this.#server.drain(this.caller));
    }
    return fits;
  }

  item(answer: Answer): boolean {
    if (this.#done || this.res.destroyed) return true;
    if (!this.#streaming) {
      this.#streaming = true;
      this.res.writeHead(200, { ...this.headers, 'content-type': NDJSON_TYPE, 'cache-control': 'no-store' });
    }
    const line = this.mode === 'envelope' ? answer.text : JSON.stringify({ item: answer.fields?.item ?? null });
    return this.#wrote(this.res.write(`${line}\n`));
  }

  end(answer: Answer | undefined): void {
    if (this.#done) return;
    this.#finish();
    const res = this.res;
    if (res.destroyed) return;
    if (answer === undefined) {
      if (!this.#streaming) res.writeHead(204, this.headers);
      return void res.end();
    }
    if (this.mode === 'envelope') {
      if (this.#streaming) return void res.end(`${answer.text}\n`);
      res.writeHead(this.tooLarge !== undefined ? 413 : 200, this.#jsonHeaders());
      return void res.end(answer.text);
    }
    const f = answer.fields;
    const last = f?.error !== undefined ? { error: f.error } : { result: f?.result ?? null };
    if (this.#streaming) return void res.end(`${JSON.stringify(last)}\n`);
    const status = f?.error === undefined ? 200 : this.tooLarge !== undefined ? 413 : statusOf(f.error);
    res.writeHead(status, { ...this.headers, ...metaHeaders(f?.meta), 'content-type': JSON_TYPE });
    res.end(JSON.stringify(f?.error ?? f?.result ?? null));
  }

  /** The headers of a JSON answer; shared when there are no others (no CORS). */
  #jsonHeaders(): Record<string, string> {
    for (const _ in this.headers) return { ...this.headers, 'content-type': JSON_TYPE };
    return JSON_HEADERS;
  }

  abandon(): void {
    if (this.#done) return;
    this.#finish();
    const res = this.res;
    if (res.destroyed) return;
    if (this.#streaming) return void res.destroy(); // cut off: the client sees the stream end unfinished
    res.writeHead(503, { ...this.headers, 'content-type': 'text/plain', 'retry-after': '1', connection: 'close' });
    res.end('the server is closing\n');
  }

  #finish(): void {
    this.#done = true;
    this.open.delete(this);
  }
}

function statusOf(error: { readonly code: number; readonly data?: unknown }): number {
  const code = (error.data as { code?: unknown } | undefined)?.code;
  return httpStatusOf(isCode(code) ? code : codeFromJsonRpc(error.code));
}

/** Response metadata as `interoffice-meta-<key>` headers, where a header can carry it. */
function metaHeaders(meta: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) {
    if (HEADER_KEY.test(k) && HEADER_VALUE.test(v)) out[`interoffice-meta-${k}`] = v;
  }
  return out;
}
