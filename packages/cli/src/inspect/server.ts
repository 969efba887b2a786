/**
 * The inspector's own web server: loopback only, every request carrying a
 * random token (the page's URL has it), requests for any other Host refused
 * (a page elsewhere cannot reach it through DNS rebinding). It serves the
 * page, the server's description, and calls made with the ordinary client.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Channel, Metadata } from '@interoffice/core';
import { RpcError } from '@interoffice/core';
import { describeServer, type MethodView } from './describe.js';
import { runCall } from './run-call.js';

export interface Inspector {
  /** The page's address, token included. */
  readonly url: string;
  close(): Promise<void>;
}

const assets = new URL('../../assets/inspector/', import.meta.url);
const formModule = new URL('./form.js', import.meta.url);
const BODY_LIMIT = 1024 * 1024;

const files: Record<string, { url: URL; type: string }> = {
  '/page.js': { url: new URL('page.js', assets), type: 'text/javascript; charset=utf-8' },
  '/page.css': { url: new URL('page.css', assets), type: 'text/css; charset=utf-8' },
  '/form.js': { url: formModule, type: 'text/javascript; charset=utf-8' },
};

const security = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export async function startInspector(channel: Channel, target: string, port = 0, timeout = 30_000): Promise<Inspector> {
  const token = randomBytes(18).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const tokenOk = (given: string | null | undefined): boolean => {
    const b = Buffer.from(given ?? '');
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };
  let hosts: string[] = [];
  const kinds = new Map<string, MethodView['kind']>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, { ...security, 'content-type': type });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://inspector');
    if (!hosts.includes(req.headers.host ?? '')) return send(res, 421, 'text/plain', 'wrong host\n');
    if (!tokenOk(url.searchParams.get('token') ?? (req.headers['x-inspector-token'] as string | undefined))) {
      return send(res, 403, 'text/plain', 'this page needs the token the inspector printed\n');
    }
    const file = files[url.pathname];
    if (req.method === 'GET' && file !== undefined) return send(res, 200, file.type, await readFile(file.url));
    if (req.method === 'GET' && url.pathname === '/') {
      const page = (await readFile(new URL('page.html', assets), 'utf8'))
        .replaceAll('__TOKEN__', encodeURIComponent(token))
        .replaceAll('__TARGET__', escapeHtml(target));
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    if (req.method === 'GET' && url.pathname === '/api/services') {
      try {
        const services = await describeServer(channel, timeout);
        for (const s of services) for (const m of s.methods) kinds.set(m.name, m.kind);
        return send(res, 200, 'application/json', JSON.stringify({ target, services }));
      } catch (e) {
        const err = RpcError.from(e);
        return send(res, 200, 'application/json', JSON.stringify({ target, error: { code: err.code, message: err.message } }));
      }
    }
    if (req.method === 'POST' && url.pathname === '/api/call') return call(req, res);
    send(res, 404, 'text/plain', 'not here\n');
  };

  const call = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: { method?: unknown; params?: unknown; meta?: unknown; timeout?: unknown };
    try {
      body = JSON.parse(await readText(req)) as typeof body;
    } catch {
      return send(res, 400, 'text/plain', 'the body must be JSON\n');
    }
    const method = String(body.method ?? '');
    const meta = Object.fromEntries(
      Object.entries((body.meta ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
    ) as Metadata;
    const ms = typeof body.timeout === 'number' && body.timeout > 0 ? body.timeout : timeout;
    const ac = new AbortController();
    res.once('close', () => ac.abort()); // the page stopped waiting (Stop, or it closed)
    res.writeHead(200, { ...security, 'content-type': 'application/x-ndjson' });
    await runCall(
      channel,
      { method, kind: kinds.get(method) ?? 'unary', params: body.params, meta, timeout: ms },
      ac.signal,
      (o) => res.write(`${JSON.stringify(o)}\n`),
    );
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'the inspector failed\n');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  hosts = [`127.0.0.1:${bound}`, `localhost:${bound}`];
  return {
    url: `http://127.0.0.1:${bound}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) req.destroy(new Error('too large'));
      else chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
