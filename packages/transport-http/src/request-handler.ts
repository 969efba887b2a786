/**
 * The HTTP side of a server: each request under the endpoint's path
 * becomes a delivery for core. `POST <path>` takes JSON-RPC (one call or a
 * batch); `POST <path><method>` takes the method's params as the body and
 * answers its plain result; `GET <path><method>?…` does the same for reads
 * (methods marked `noSideEffects`); `GET <path>openapi.json` describes it all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessageServer, Peer, RequestRecord } from '@interoffice/core';
import { readBody } from './body.js';
import { HttpDelivery, type Mode } from './delivery.js';
import { openApiFromDiscovery } from './openapi.js';
import type { ResolvedWebOptions } from './options.js';
import { originAllowed } from './origins.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/** Headers a page may send: the JSON body's type, and the per-method routes' deadline and metadata. */
const ALLOWED_HEADER = /^(content-type|interoffice-timeout-ms|interoffice-meta-[a-z0-9_.-]+)$/;
const TIMEOUT_HEADER = 'interoffice-timeout-ms';
const META_PREFIX = 'interoffice-meta-';
/** No extra response headers (a request without an origin), shared: never written to. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function requestHandler(
  path: string,
  secure: boolean,
  server: () => MessageServer | undefined,
  o: ResolvedWebOptions,
  open: Set<HttpDelivery> = new Set(),
): RequestHandler {
  const bare = path.slice(0, -1);
  return (req, res, next) => {
    const raw = req.url ?? '/';
    // A POST to the endpoint itself (every JSON-RPC call) is not parsed: its path is already as a URL would give it.
    const url = raw === path || raw === bare ? undefined : new URL(raw, 'http://h');
    const pathname = url === undefined ? raw : url.pathname;
    const here = pathname === bare ? path : pathname;
    if (!here.startsWith(path)) return next ? next() : plain(res, 404, {}, `nothing at ${pathname}\n`);
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, secure, o.allowOrigins)) {
      return plain(res, 403, {}, `origin ${origin} may not call this endpoint (allowOrigins)\n`);
    }
    const cors: Record<string, string> =
      origin === undefined
        ? NO_HEADERS
        : {
            'access-control-allow-origin': origin,
            vary: 'origin',
            'access-control-expose-headers': 'interoffice-meta-*, content-type',
          };
    const target = server();
    if (target === undefined) return plain(res, 503, cors, 'the server is not serving\n');
    if (req.method === 'OPTIONS') return preflight(req, res, cors);
    const rest = decodeURIComponent(here.slice(path.length));
    const peer: Peer = { transport: secure ? 'https' : 'http', address: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
    if (rest === 'openapi.json' && req.method === 'GET') return void openApi(target, path, peer, res, cors);
    if (req.method === 'GET' && rest === '') {
      // What answers here, for people who open the URL and for clients checking that a server is up
      // (a GET needs no CORS preflight, so a browser client learns it in one round trip).
      const about = JSON.stringify({ interoffice: 'JSON-RPC 2.0 over HTTP', post: path, openapi: `${path}openapi.json` });
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      return void res.end(about);
    }
    if (req.method === 'GET' && rest !== '') {
      const query = url?.searchParams ?? new URLSearchParams();
      const record = { id: 1, method: rest, params: paramsOfQuery(query), ...headerMembers(req) };
      return target.deliver(new HttpDelivery(peer, record, undefined, true, 'method', res, cors, target, open));
    }
    if (req.method !== 'POST') return plain(res, 405, { ...cors, allow: rest === '' ? 'POST' : 'GET, POST' }, 'use POST\n');
    // JSON only: a browser sends it only after a preflight, so a form on another site cannot.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return plain(res, 415, cors, 'the body must be JSON (content-type: application/json)\n');
    }
    const mode: Mode = rest === '' ? 'envelope' : 'method';
    readBody(req, o.maxFrameBytes).then(
      (body) => {
        let delivered: string | RequestRecord;
        if ('tooLarge' in body) delivered = mode === 'envelope' ? body.head : { id: 1 };
        else if (mode === 'envelope') delivered = body.text;
        else delivered = { id: 1, method: rest, params: paramsOfBody(body.text), ...headerMembers(req) };
        const tooLarge = 'tooLarge' in body ? body.tooLarge : undefined;
        if (tooLarge !== undefined) res.setHeader('connection', 'close'); // the rest of the body is not read
        // A JSON-RPC body: the headers' deadline and metadata go beside it, for core to apply to each call in it.
        const { timeout, meta } = mode === 'envelope' ? headerMembers(req) : {};
        const beside = { ...(typeof timeout === 'number' ? { timeout } : {}), ...(meta !== undefined ? { meta } : {}) };
        target.deliver(new HttpDelivery(peer, delivered, tooLarge, false, mode, res, cors, target, open, beside));
      },
      () => res.destroy(),
    );
  };
}

function plain(res: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function preflight(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const asked = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const refused = asked.filter((h) => !ALLOWED_HEADER.test(h));
  if (refused.length > 0) return plain(res, 403, cors, `headers not allowed: ${refused.join(', ')}\n`);
  res.writeHead(204, {
    ...cors,
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': asked.join(', '),
    'access-control-max-age': '600',
  });
  res.end();
}

/**
 * A query string as params: `?params=<JSON>` whole, or one field per key,
 * each value read as JSON when it is JSON (`?a=2&b=5` gives numbers) and as
 * a string otherwise (`?text=hi`; quote a string that looks like JSON: `?text="2"`).
 */
function paramsOfQuery(q: URLSearchParams): unknown {
  const keys = [...new Set(q.keys())];
  if (keys.length === 0) return undefined;
  if (keys.length === 1 && keys[0] === 'params') return paramsOfBody(q.get('params') ?? '');
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const all = q.getAll(k).map(jsonOrString);
    out[k] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A per-method body: JSON params, nothing for none. Text that is not JSON goes on as it is, for core to refuse. */
function paramsOfBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A per-method request's deadline and metadata, from its headers. */
function headerMembers(req: IncomingMessage): { timeout?: unknown; meta?: Record<string, string> } {
  const out: { timeout?: unknown; meta?: Record<string, string> } = {};
  const timeout = req.headers[TIMEOUT_HEADER];
  if (typeof timeout === 'string') out.timeout = /^\d+$/.test(timeout) ? Number(timeout) : timeout;
  const headers = req.headers;
  for (const k in headers) {
    const v = headers[k];
    if (k.startsWith(META_PREFIX) && typeof v === 'string') (out.meta ??= {})[k.slice(META_PREFIX.length)] = v;
  }
  return out;
}

/** The OpenAPI document, made from what `rpc.discover` answers. */
async function openApi(server: MessageServer, path: string, peer: Peer, res: ServerResponse, cors: Record<string, string>) {
  const discovery = await new Promise<unknown>((resolve) => {
    server.deliver({
      caller: `openapi-${path}`,
      peer,
      body: { id: 1, method: 'rpc.discover' },
      waitedMs: 0,
      item: () => true,
      end: (a) => resolve(a?.fields?.result),
      abandon: () => resolve(undefined),
    });
  });
  if (discovery === undefined) return plain(res, 503, cors, 'the server is closing\n');
  res.writeHead(200, { ...cors, 'content-type': 'application/json' });
  res.end(JSON.stringify(openApiFromDiscovery(discovery, path)));
}
