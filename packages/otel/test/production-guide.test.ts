/**
 * docs/guides/production.md shows test/examples/production/*.ts verbatim; built with
 * TypeScript and run as the guide says — two servers and a client, each its own process —
 * they do what it says: calls spread over both servers, none fails when one is killed with
 * kill -9 mid-run, and each call's spans, printed by the console exporter, form one trace
 * across the client and the server that answered.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ServerProcess, waitFor } from '@interoffice/core/conformance';
import { afterAll, describe, expect, it } from 'vitest';

const examples = new URL('./examples/production/', import.meta.url).pathname;
const files = ['service.ts', 'tracing.ts', 'server.ts', 'client.ts'];
const guide = readFileSync(new URL('../../../docs/guides/production.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];
const tsc = new URL('../../../node_modules/.bin/tsc', import.meta.url).pathname;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Span {
  traceId: string;
  id: string;
  parent: string | undefined;
  name: string;
  kind: number;
  attributes: string;
}

/** The spans ConsoleSpanExporter printed (console.dir of each span, one top-level object each). */
function spansIn(output: string): Span[] {
  return [...output.matchAll(/^\{\n([\s\S]*?)^\}$/gm)].map(([, body = '']) => ({
    traceId: /^ {2}traceId: '(\w+)'/m.exec(body)?.[1] ?? '',
    id: /^ {2}id: '(\w+)'/m.exec(body)?.[1] ?? '',
    parent: /^ {4}spanId: '(\w+)'/m.exec(body)?.[1],
    name: /^ {2}name: '([^']+)'/m.exec(body)?.[1] ?? '',
    kind: Number(/^ {2}kind: (\d)/m.exec(body)?.[1]),
    attributes: /^ {2}attributes: \{([\s\S]*?)^ {2}\}/m.exec(body)?.[1] ?? '',
  }));
}

describe('docs/guides/production.md', () => {
  it('shows the example files as they are', () => {
    expect(blocks.map((b) => b[1])).toEqual(files.map((f) => `production/${f}`));
    for (const [, file, code] of blocks) expect(code).toBe(readFileSync(join(examples, '..', file as string), 'utf8').trimEnd());
  });

  it('builds and runs: two servers share the calls, kill -9 of one fails none, one trace per call', async () => {
    await promisify(execFile)(tsc, ['-p', join(examples, 'tsconfig.json')]);
    const dist = join(examples, 'dist');
    const dir = mkdtempSync(join(tmpdir(), 'io-guide-'));
    const start = async (url: string, name: string): Promise<ServerProcess> => {
      const p = await ServerProcess.start(join(dist, 'server.js'), [url, name]);
      cleanups.push(() => p.kill());
      return p;
    };
    const a = await start(`unix://${dir}/calc-a.sock`, 'a');
    const b = await start('tcp://127.0.0.1:0', 'b');

    const client: ChildProcess = spawn(process.execPath, [join(dist, 'client.js'), a.url, b.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => client.kill('SIGKILL'));
    let out = '';
    client.stdout?.setEncoding('utf8').on('data', (t: string) => (out += t));
    const exited = new Promise<number | null>((r) => client.once('exit', r));
    const answers = (): string[] => out.split('\n').filter((l) => l.startsWith('add '));

    await waitFor(() => answers().length >= 6, { timeoutMs: 20_000, what: 'six answers' });
    await a.kill(); // kill -9, mid-run
    const atKill = answers().length;
    expect(await exited).toBe(0);

    const lines = answers();
    expect(lines).toHaveLength(20);
    expect(lines.filter((l) => l.includes('failed'))).toEqual([]);
    for (const [i, l] of lines.entries()) expect(l).toMatch(new RegExp(`^add ${i + 1} \\+ 1 = ${i + 2} from [ab]$`));
    expect(new Set(lines.slice(0, 6).map((l) => l.slice(-1)))).toEqual(new Set(['a', 'b'])); // round-robin
    // The survivor answers from the kill on (a line of a's may reach us after the kill, not two).
    const lastOfA = lines.findLastIndex((l) => l.endsWith('from a'));
    expect(lastOfA).toBeLessThan(atKill + 2);
    expect(lines.length - 1 - lastOfA).toBeGreaterThanOrEqual(20 - atKill - 2);

    // Every call has a CLIENT span on the client's console and a SERVER span, its child, on the
    // console of the server that answered (b's, for every call b answered).
    const clientSpans = spansIn(out).filter((s) => s.name === 'calc.Calculator/add' && s.kind === 2);
    expect(clientSpans).toHaveLength(20);
    for (const s of clientSpans) expect(s.attributes).not.toContain('server.address'); // no one server is "the" server
    const serverSpans = spansIn(b.output).filter((s) => s.kind === 1);
    expect(serverSpans.length).toBe(lines.filter((l) => l.endsWith('from b')).length);
    const byId = new Map(clientSpans.map((s) => [s.id, s]));
    for (const s of serverSpans) expect(byId.get(s.parent ?? '')?.traceId).toBe(s.traceId);
  }, 60_000);
});
