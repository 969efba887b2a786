/**
 * `interoffice inspect`, end to end: the real CLI process serves the page; headless Chromium
 * (Debian's, driven by playwright-core) opens it, calls the fixture Calculator over a unix
 * socket and over gRPC, and sees results, error codes, metadata and stream items. The
 * schema → form mapping has its own unit tests below.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormError, fieldOf, valueFrom } from '../src/inspect/form.js';
import { fixtures, killChildren, repo, start, tmp } from './helpers.js';

const chromiumPath = '/usr/bin/chromium';
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

let browser: Browser;
let unixUrl: string;
let grpcUrl: string;

beforeAll(async () => {
  const dir = tmp();
  const server = await start(
    [join(fixtures, 'server.mjs'), `unix://${join(dir, 'calc.sock')}`, 'grpc://127.0.0.1:0'],
    /listening on (\S+)/,
    2,
  );
  [unixUrl, grpcUrl] = server.found as [string, string];
  browser = await chromium.launch({ executablePath: chromiumPath, args: flags });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  killChildren();
});

/** `interoffice inspect <url>` as a process; resolves with the page address it printed. */
async function inspector(url: string): Promise<string> {
  const { found } = await start([join(repo, 'packages/cli/dist/bin.js'), 'inspect', url], /Open (\S+)/);
  return found[0] as string;
}

async function callWith(page: Page, method: string, values: Record<string, string>): Promise<void> {
  await page.click(`nav button[data-method="${method}"]`);
  for (const [name, value] of Object.entries(values)) await page.fill(`[name="params.${name}"]`, value);
  await page.click('#call');
}

describe('the inspector page, in Chromium', () => {
  it('over a unix socket: lists the methods, calls add, shows a domain error with its code, streams countdown', async () => {
    const address = await inspector(unixUrl);
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    const page = await browser.newPage();
    await page.goto(address);
    await expect.poll(() => page.textContent('#connection')).toBe('connected');
    const methods = await page.$$eval('nav button', (bs) =>
      bs.map((b) => (b as unknown as { dataset: Record<string, string> }).dataset.method),
    );
    expect(methods).toEqual(
      expect.arrayContaining(['calc.Calculator.add', 'calc.Calculator.divide', 'calc.Calculator.countdown']),
    );

    await callWith(page, 'calc.Calculator.add', { a: '2', b: '5' });
    await expect.poll(() => page.textContent('#status')).toBe('OK');
    expect(await page.textContent('#result')).toBe('7');
    expect(await page.textContent('#rtt')).toMatch(/^\d+(\.\d+)? ms$/);

    await callWith(page, 'calc.Calculator.divide', { a: '1', b: '0' });
    await expect.poll(() => page.textContent('#status')).toBe('INVALID_ARGUMENT');
    expect(await page.textContent('#result')).toBe('AliceBroke: division by zero');

    await page.click('nav button[data-method="calc.Calculator.whoami"]');
    await page.click('summary:has-text("Metadata")');
    await page.fill('#meta', 'x-user: ada');
    await page.click('#call');
    await expect.poll(() => page.textContent('#status')).toBe('OK');
    expect(JSON.parse((await page.textContent('#result')) ?? '')).toMatchObject({ 'x-user': 'ada' });
    expect(JSON.parse((await page.textContent('#meta-out')) ?? '')).toEqual({ 'x-served-by': 'fixture' });

    await callWith(page, 'calc.Calculator.countdown', { from: '3' });
    await expect.poll(() => page.textContent('#status')).toBe('OK — 4 items');
    expect(await page.$$eval('#items li', (lis) => lis.map((li) => li.firstChild?.textContent))).toEqual(['3', '2', '1', '0']);

    // Params typed as JSON replace the form's; JSON that does not parse is caught in the page.
    await page.click('nav button[data-method="calc.Calculator.add"]');
    await page.click('summary:has-text("Params as JSON")');
    await page.fill('#raw-params', '{"a": 2,');
    await page.click('#call');
    await expect.poll(() => page.textContent('#status')).toBe('form');
    expect(await page.textContent('#result')).toMatch(/JSON/);
    await page.fill('#raw-params', '[40, 2]');
    await page.click('#call');
    await expect.poll(() => page.textContent('#result')).toBe('42');

    await page.close();

    // The picture in docs/guides/inspector.md: a fresh page, one call.
    const shot = await browser.newPage({ viewport: { width: 1100, height: 620 } });
    await shot.goto(address);
    await expect.poll(() => shot.textContent('#connection')).toBe('connected');
    await callWith(shot, 'calc.Calculator.countdown', { from: '4' });
    await expect.poll(() => shot.textContent('#status')).toBe('OK — 5 items');
    // Into the docs when asked (UPDATE_SCREENSHOTS=1), so that a test run leaves the tree as it was.
    const folder = process.env.UPDATE_SCREENSHOTS === '1' ? join(repo, 'docs/images') : tmp();
    mkdirSync(folder, { recursive: true });
    await shot.screenshot({ path: join(folder, 'inspector.png'), fullPage: true });
    expect(statSync(join(folder, 'inspector.png')).size).toBeGreaterThan(10_000);
    await shot.close();
  }, 60_000);

  it('over gRPC: the methods come from server reflection, and calls work the same', async () => {
    const page = await browser.newPage();
    await page.goto(await inspector(grpcUrl));
    await expect.poll(() => page.textContent('#connection')).toBe('connected');
    await callWith(page, 'calc.Calculator.Add', { a: '2', b: '5' });
    await expect.poll(() => page.textContent('#status')).toBe('OK');
    expect(await page.textContent('#result')).toBe('7');
    await callWith(page, 'calc.Calculator.Divide', { a: '1', b: '0' });
    await expect.poll(() => page.textContent('#status')).toBe('INVALID_ARGUMENT');
    await page.close();
  }, 60_000);

  it('refuses a wrong token, another Host, and answers only on 127.0.0.1', async () => {
    const address = new URL(await inspector(unixUrl));
    const wrong = await fetch(`${address.origin}/?token=${'x'.repeat(24)}`);
    expect(wrong.status).toBe(403);
    const none = await fetch(`${address.origin}/api/services`);
    expect(none.status).toBe(403);
    const ok = await fetch(`${address.origin}/api/services`, {
      headers: { 'x-inspector-token': address.searchParams.get('token') ?? '' },
    });
    expect(ok.status).toBe(200);
    expect(address.hostname).toBe('127.0.0.1');
    // A page elsewhere whose name resolves here (DNS rebinding) sends its own Host: refused.
    const rebound = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) =>
        request(`${address.origin}/?token=${address.searchParams.get('token')}`, { headers: { host: 'evil.example' } }, (res) =>
          resolve(res.statusCode ?? 0),
        ).end(),
      );
    });
    expect(rebound).toBe(421);
  }, 30_000);
});

describe('schema → form', () => {
  it('gives each JSON Schema a control, and turns what was typed into params', () => {
    const field = fieldOf({
      type: 'object',
      properties: {
        a: { type: 'number' },
        n: { type: 'integer' },
        s: { type: 'string' },
        flag: { type: 'boolean' },
        color: { enum: ['red', 'green'] },
        maybe: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        list: { type: 'array', items: { type: 'number' } },
        inner: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] },
      },
      required: ['a', 's'],
    });
    expect(field.kind === 'object' && field.members.map((m) => [m.name, m.field.kind, m.required])).toEqual([
      ['a', 'number', true],
      ['n', 'number', false],
      ['s', 'string', true],
      ['flag', 'boolean', false],
      ['color', 'enum', false],
      ['maybe', 'string', false],
      ['list', 'json', false],
      ['inner', 'object', false],
    ]);
    expect(
      valueFrom(field, { a: '2.5', n: '', s: '', flag: true, color: 1, maybe: '', list: '[1, 2]', inner: { x: '3' } }),
    ).toEqual({ a: 2.5, s: '', flag: true, color: 'green', list: [1, 2], inner: { x: 3 } });
    expect(() => valueFrom(field, { a: 'x' })).toThrow(new FormError('params.a: "x" is not a number'));
    expect(() => valueFrom(field, { a: '1', n: '1.5' })).toThrow(/params\.n: 1\.5 is not a whole number/);
    expect(() => valueFrom(field, { a: '1', list: '[1,' })).toThrow(/params\.list: not JSON \(a JSON array/);
    expect(fieldOf({ oneOf: [{ const: 'a' }, { const: 'b' }] })).toEqual({ kind: 'enum', options: ['a', 'b'] });
    expect(fieldOf({ anyOf: [{ type: 'string' }, { type: 'number' }] }).kind).toBe('json');
    expect(fieldOf(undefined).kind).toBe('json');
  });
});
