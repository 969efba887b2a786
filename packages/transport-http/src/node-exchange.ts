/**
 * HTTP exchanges on Node: node:http and node:https with a keep-alive agent
 * per transport (fetch cannot take a CA or a client certificate, and costs
 * more per call).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { ExchangeFailed, type Exchange, type ExchangeRequest, type ExchangeResponse } from './exchange.js';
import type { WebTlsOptions } from './options.js';

/**
 * Idle sockets are dropped after this long: sooner than servers drop them
 * (Node's default keepAliveTimeout is 5 s), so a request rarely goes out on
 * a socket the server is closing.
 */
const FREE_SOCKET_MS = 4000;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOENT']);

/** An exchange over its own agents; `close` lets their sockets go. */
export function nodeExchange(tls: WebTlsOptions | undefined, maxSockets: number): { exchange: Exchange; close(): void } {
  const options = { keepAlive: true, timeout: FREE_SOCKET_MS, maxSockets, scheduling: 'lifo' as const };
  const http = new HttpAgent(options);
  const https = new HttpsAgent({ ...options, ...(tls?.ca === undefined ? {} : { ca: tls.ca }) });
  const once = (r: ExchangeRequest): Promise<{ res: IncomingMessage } | { error: NodeJS.ErrnoException; reused: boolean }> =>
    new Promise((resolve) => {
      const secure = r.url.protocol === 'https:';
      const req: ClientRequest = (secure ? httpsRequest : httpRequest)({
        ...optionsOf(r.url),
        method: r.method,
        headers: r.headers,
        agent: secure ? https : http,
      });
      let res: IncomingMessage | undefined;
      // An abort closes the connection, unless the response is already whole (its socket is then back in the pool).
      const abort = (): void => {
        if (res?.complete !== true) req.destroy(Object.assign(new Error('aborted'), { code: 'ABORTED' }));
      };
      r.cancel?.onAbort(abort);
      req.once('response', (response) => {
        res = response;
        if (r.cancel !== undefined) response.once('close', () => r.cancel?.onAbort(undefined));
        resolve({ res: response });
      });
      req.on('error', (error) => {
        r.cancel?.onAbort(undefined);
        resolve({ error, reused: req.reusedSocket }); // errors after the response: its reader sees them
      });
      if (r.cancel?.aborted === true) abort();
      req.end(r.body);
    });
  const exchange: Exchange = async (r) => {
    let out = await once(r);
    // A kept-alive socket the server closed as we sent: it read nothing, so sending again is safe (Node's advice).
    if ('error' in out && out.reused && out.error.code === 'ECONNRESET' && r.cancel?.aborted !== true) out = await once(r);
    if ('error' in out) {
      const code = out.error.code ?? '';
      throw new ExchangeFailed(`${code || out.error.message}`, UNREACHABLE.has(code), { cause: out.error });
    }
    return response(out.res);
  };
  return {
    exchange,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

/** `http.request`'s options for a URL, made once per URL (the client sends every call to the same one). */
const urlOptions = new WeakMap<URL, ReturnType<typeof urlToHttpOptions>>();
function optionsOf(url: URL): ReturnType<typeof urlToHttpOptions> {
  let o = urlOptions.get(url);
  if (o === undefined) {
    o = urlToHttpOptions(url);
    urlOptions.set(url, o);
  }
  return o;
}

function response(res: IncomingMessage): ExchangeResponse {
  return {
    status: res.statusCode ?? 0,
    header: (name) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: chunks(res),
  };
}

/** Chunks held for a reader that waits (client.ts: a caller not taking its stream) before the socket is paused. */
const HELD_CHUNKS = 4;

/**
 * The body's chunks as they come. Not the stream's own async iterator, which
 * costs more per response than a small answer is worth. A reader that stops
 * taking them pauses the response after a few: the socket is read no more,
 * and the server's writes wait.
 */
function chunks(res: IncomingMessage): AsyncIterable<Uint8Array> {
  const queue: Buffer[] = [];
  let paused = false;
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  res.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= HELD_CHUNKS && !paused) {
      paused = true;
      res.pause();
    }
    poke();
  });
  res.once('end', () => {
    ended = true;
    poke();
  });
  res.once('close', () => {
    if (!ended) failed ??= new Error('the response was cut off');
    poke();
  });
  res.on('error', (e) => {
    failed ??= e;
    poke();
  });
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Uint8Array>> {
        for (;;) {
          const chunk = queue.shift();
          if (paused && queue.length === 0) {
            paused = false;
            res.resume();
          }
          if (chunk !== undefined) return { value: chunk, done: false };
          if (ended) return { value: undefined, done: true };
          if (failed !== undefined) throw failed;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    }),
  };
}
