/**
 * The client in browsers: core's client path and the web transports bundle
 * for the browser (esbuild, platform browser) with no Node built-ins; the
 * bundle runs with web APIs alone (fetch, WebSocket, TextEncoder, ...)
 * against real servers; and its size, minified and gzipped, is held to
 * 20 kB for client + ws — beside tRPC's client with wsLink and oRPC's
 * client with its WebSocket link, measured the same way (docs/transports/http.md).
 */
import { gzipSync } from 'node:zlib';
import { runInNewContext } from 'node:vm';
import { serve, type Server } from '@interoffice/core';
import { calculator } from '@interoffice/core/conformance';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { httpTransport, wsTransport } from '../src/index.js';

const here = new URL('.', import.meta.url).pathname;

/** Bundle `contents` for browsers: the code, its gzipped size, and every module it took in. */
async function bundle(contents: string, external: string[] = [], format: 'esm' | 'iife' = 'esm') {
  const r = await build({
    stdin: { contents, resolveDir: here, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format,
    globalName: format === 'iife' ? 'app' : undefined,
    minify: true,
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
  const code = (r.outputFiles[0] as { text: string }).text;
  return { code, gzip: gzipSync(code, { level: 9 }).length, inputs: Object.keys(r.metafile.inputs) };
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** Modules a browser cannot load, wherever they hide: inputs named node:…, and imports of them left in the code. */
function nodeImports(b: { code: string; inputs: string[] }): string[] {
  const left = [
    ...b.code.matchAll(/(?:from|import|require)\s*\(?\s*["'](node:[^"']+|fs|net|http|https|stream|crypto|os|path|tls|zlib)["']/g),
  ];
  return [...b.inputs.filter((i) => i.startsWith('node:')), ...left.map((m) => m[1] as string)];
}

const CLIENT_WS = `
import { connect, createClient } from '@interoffice/core/client';
import { wsTransport } from '@interoffice/transport-http/browser';
export async function open(url, service) { return createClient(service, await connect(url, { transports: [wsTransport()] })); }
`;
const CLIENT_HTTP_WS = `
import { connect, createClient } from '@interoffice/core/client';
import { httpTransport, wsTransport } from '@interoffice/transport-http/browser';
export async function open(url, service) { return createClient(service, await connect(url, { transports: [httpTransport(), wsTransport()] })); }
`;
const TRPC_WS = `
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
export const open = (url) => createTRPCClient({ links: [wsLink({ client: createWSClient({ url }) })] });
`;
const ORPC_WS = `
import { createORPCClient } from '@orpc/client';
import { RPCLink } from '@orpc/client/websocket';
export const open = (websocket) => createORPCClient(new RPCLink({ websocket }));
`;

describe('the browser bundle', () => {
  it('has no Node built-ins: the client path and both transports bundle for the browser', async () => {
    const b = await bundle(CLIENT_HTTP_WS);
    expect(nodeImports(b)).toEqual([]);
    // What it took in is the client path only: no server, no conformance suite, no ws package.
    expect(b.inputs.filter((i) => /server|conformance|node_modules\/ws\/|memory/.test(i))).toEqual([]);
    // The check catches what it is for: the Node entry of the transport pulls node:http in.
    await expect(bundle(`import { httpTransport } from '../src/index.ts'; export { httpTransport };`)).rejects.toThrow(/node:/);
  });

  it('is at most 20 kB minified and gzipped for the client with ws (zod apart: the app brings its schemas)', async () => {
    const sizes = {
      'interoffice client + ws': (await bundle(CLIENT_WS, ['zod'])).gzip,
      'interoffice client + http + ws': (await bundle(CLIENT_HTTP_WS, ['zod'])).gzip,
      'interoffice client + http + ws, with zod': (await bundle(CLIENT_HTTP_WS)).gzip,
      'tRPC client + wsLink': (await bundle(TRPC_WS)).gzip,
      'oRPC client + WebSocket RPCLink': (await bundle(ORPC_WS)).gzip,
    };
    console.log(
      Object.entries(sizes)
        .map(([what, n]) => `${what}: ${kB(n)}`)
        .join('\n'),
    );
    expect(sizes['interoffice client + ws']).toBeLessThanOrEqual(20_000);
  });
});

describe('the bundle runs with web APIs alone', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close({ graceMs: 0 }))));

  it('calls a server over http:// and ws:// with no Buffer, process or require in sight', async () => {
    for (const [url, transport] of [
      ['http://127.0.0.1:0/rpc/', httpTransport()],
      ['ws://127.0.0.1:0/rpc/', wsTransport()],
    ] as const) {
      servers.push(await serve(calculator(), { listen: [url], transports: [transport] }));
    }
    const { code } = await bundle(`export { run } from './fixtures/browser-app.ts';`, [], 'iife');
    // A page's globals: web APIs (Node's fetch and the ws package's WebSocket stand in for the browser's), nothing of Node's.
    const page: Record<string, unknown> = {
      fetch,
      WebSocket,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      Headers,
      Response,
      ReadableStream,
      DOMException,
      atob,
      btoa,
      console,
      queueMicrotask,
      // Timers as browsers have them: numbers, with no unref (Node's clearTimeout takes the number).
      setTimeout: (f: () => void, ms?: number) => Number(setTimeout(f, ms)),
      clearTimeout,
      setInterval: (f: () => void, ms?: number) => Number(setInterval(f, ms)),
      clearInterval,
    };
    page.globalThis = page;
    runInNewContext(code, page);
    const run = (page.app as { run(urls: string[]): Promise<string[]> }).run;
    expect(await run(servers.map((s) => (s.urls[0] as URL).href))).toEqual([
      'http: add=7 countdown=3,2,1,0',
      'ws: add=7 countdown=3,2,1,0',
    ]);
    expect(page).not.toHaveProperty('Buffer');
    expect(page).not.toHaveProperty('process');
  });
});
