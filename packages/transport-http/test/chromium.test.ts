/**
 * The client in a real browser: headless Chromium (Debian's, which .ci/run
 * installs) loads a page from one origin that bundles core's client path and
 * the web transports' browser entry, and calls servers at another origin
 * over http:// (fetch, through CORS preflights) and ws:// (the browser's own
 * WebSocket, through the origin check). The page posts back what it got.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@interoffice/core';
import { calculator } from '@interoffice/core/conformance';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { httpTransport, wsTransport } from '../src/index.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bundled(): Promise<string> {
  const r = await build({
    entryPoints: [new URL('./fixtures/browser-app.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'app',
    write: false,
    logLevel: 'silent',
  });
  return (r.outputFiles[0] as { text: string }).text;
}

describe('in headless Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'a page calls servers of another origin over http:// and ws:// (skipped only where no Chromium is installed; .ci/run installs it)',
    async () => {
      const code = await bundled();
      let rpcUrls: string[] = [];
      let got: (report: unknown) => void = () => {};
      const report = new Promise<unknown>((r) => (got = r));
      // The page's server: the page (with the RPC servers' URLs, known once they listen) and where it reports.
      const pages = createServer((req, res) => {
        if (req.method === 'POST' && req.url === '/report') {
          let body = '';
          req
            .on('data', (c: Buffer) => (body += c))
            .on('end', () => {
              got(JSON.parse(body));
              res.end();
            });
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><meta charset="utf-8"><title>interoffice</title><script>${code}
app.run(${JSON.stringify(rpcUrls)}).then(
  (results) => fetch('/report', { method: 'POST', body: JSON.stringify({ results }) }),
  (e) => fetch('/report', { method: 'POST', body: JSON.stringify({ error: String((e && e.stack) || e) }) }),
);</script>`);
      });
      await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => pages.close(r)));
      const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
      for (const [url, transport] of [
        ['http://127.0.0.1:0/rpc/', httpTransport({ allowOrigins: [origin] })],
        ['ws://127.0.0.1:0/rpc/', wsTransport({ allowOrigins: [origin] })],
      ] as const) {
        const s = await serve(calculator(), { listen: [url], transports: [transport], logger: { warn() {}, error() {} } });
        cleanups.push(() => s.close({ graceMs: 0 }));
        rpcUrls = [...rpcUrls, (s.urls[0] as URL).href];
      }
      const profile = mkdtempSync(join(tmpdir(), 'io-chromium-'));
      const flags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
      flags.push('--disable-component-update', '--no-first-run', `--user-data-dir=${profile}`, `${origin}/`);
      // Its own process group: Chromium's helpers (zygote, renderer, crashpad) go with it, and stop writing the profile.
      const browser = spawn(CHROMIUM, flags, { stdio: 'ignore', detached: true });
      cleanups.push(async () => {
        const exited = new Promise((r) => browser.once('exit', r));
        try {
          process.kill(-(browser.pid as number), 'SIGKILL');
        } catch {
          browser.kill('SIGKILL'); // the group is gone already
        }
        await exited;
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      });
      const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the page did not report within 40 s')), 40_000),
      );
      expect(await Promise.race([report, timeout])).toEqual({
        results: ['http: add=7 countdown=3,2,1,0', 'ws: add=7 countdown=3,2,1,0'],
      });
    },
    60_000,
  );
});
