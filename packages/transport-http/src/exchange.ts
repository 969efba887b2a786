/**
 * One HTTP exchange, as the client needs it, whatever does it: node:http
 * on Node (keep-alive sockets, TLS options), `fetch` in browsers. The
 * client's logic (client.ts) is the same over both.
 */
import type { Code } from '@interoffice/core/client';

export interface ExchangeRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborting it ends the exchange: on HTTP/1.1 its connection closes, which is how the server learns of a cancel. */
  readonly cancel?: Cancel;
}

/**
 * The switch that stops one exchange: what an AbortController would do
 * here, without its cost on every request (an EventTarget to make, listen
 * to and stop listening to: a few µs of a call's client time over node:http).
 * One listener at a time: the exchange doing the work.
 */
export class Cancel {
  #aborted = false;
  #listener: (() => void) | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Call `f` when aborted from now on (undefined: no longer). */
  onAbort(f: (() => void) | undefined): void {
    this.#listener = f;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const f = this.#listener;
    this.#listener = undefined;
    f?.();
  }
}

export interface ExchangeResponse {
  readonly status: number;
  /** A response header (lower-case name), undefined when absent. */
  header(name: string): string | undefined;
  /** The body as it arrives. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** Sends one request; rejects with {@link ExchangeFailed} when no response came. */
export type Exchange = (request: ExchangeRequest) => Promise<ExchangeResponse>;

/** No HTTP response: `unreachable` when nothing answered at the address (refused, no route, DNS). */
export class ExchangeFailed extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What an HTTP status that carries no JSON-RPC answer means for the call. */
export function codeOfStatus(status: number): Code {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 405 || status === 501) return 'UNIMPLEMENTED';
  if (status === 404) return 'UNAVAILABLE'; // nothing serves the path: as a socket path with no server
  if (status === 408 || status === 504) return 'DEADLINE_EXCEEDED';
  if (status === 413 || status === 429 || status === 431) return 'RESOURCE_EXHAUSTED';
  if (status === 502 || status === 503) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'UNKNOWN';
}
