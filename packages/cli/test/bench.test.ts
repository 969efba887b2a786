/**
 * `interoffice bench`, run as a real process against the fixture server in
 * its own process, over a unix socket, TCP and gRPC: small counts, and no
 * assertion on speed — only that the calls were made and the figures add up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchFigures } from '../src/commands/bench.js';
import { cli, killChildren, server, tmp } from './helpers.js';

let urls: Record<'unix' | 'tcp' | 'grpc', string>;
let output: () => string;
beforeAll(async () => {
  const s = await server(`unix:///tmp/io-cli-bench-${process.pid}.sock`, 'tcp://127.0.0.1:0', 'grpc://127.0.0.1:0');
  const [unix, tcp, grpc] = s.urls as [string, string, string];
  urls = { unix, tcp, grpc };
  output = s.output;
}, 30_000);
afterAll(killChildren);

describe('interoffice bench', () => {
  for (const scheme of ['unix', 'tcp', 'grpc'] as const) {
    it(`measures sequential calls and calls in flight, and writes every figure with --json, over ${scheme}`, async () => {
      const file = join(tmp(), 'bench.json');
      const r = await cli([
        'bench',
        urls[scheme],
        'add',
        '[2, 5]',
        '-n',
        '40',
        '-c',
        '4',
        '--duration',
        '300',
        '--warmup',
        '5',
        '--json',
        file,
      ]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(
        /^.+ add\nsequential: 40 calls, p50 [\d.,]+ µs, p99 [\d.,]+ µs, .*\nthroughput: 4 in flight for [\d.]+ s: [\d,]+ calls\/s/,
      );
      // Off a terminal, progress is plain lines on stderr.
      expect(r.stderr).toContain('40 sequential calls…');
      const f = JSON.parse(readFileSync(file, 'utf8')) as BenchFigures;
      expect(f).toMatchObject({ url: urls[scheme], method: 'add', calls: 40, concurrency: 4 });
      expect(f.minUs).toBeGreaterThan(0);
      expect(f.minUs).toBeLessThanOrEqual(f.p50Us);
      expect(f.p50Us).toBeLessThanOrEqual(f.p99Us);
      expect(f.p99Us).toBeLessThanOrEqual(f.maxUs);
      expect(f.completed).toBeGreaterThan(0);
      expect(f.callsPerSec).toBeCloseTo(f.completed / (f.durationMs / 1000), 3);
      expect(f.durationMs).toBeGreaterThan(250); // timers may fire a little early
    });
  }

  it('makes the calls it reports: each reaches the server', async () => {
    const before = output().split('note: bench-count').length - 1;
    const r = await cli([
      'bench',
      urls.unix,
      'note',
      '{"text": "bench-count"}',
      '-n',
      '30',
      '--warmup',
      '3',
      '-c',
      '0',
      '--json',
      '-',
    ]);
    expect(r.status).toBe(0);
    const f = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as BenchFigures;
    expect(f).toMatchObject({ calls: 30, concurrency: 0, completed: 0 });
    expect(r.stdout).not.toContain('throughput:');
    // 3 warm-up calls (the first alone) and 30 measured; notifications of the server's stdout arrive a little later.
    await expect.poll(() => output().split('note: bench-count').length - 1 - before, { timeout: 5000 }).toBe(33);
  });

  it('stops at the first error with its code and exit status, and on a wrong command line', async () => {
    const missing = await cli(['bench', urls.tcp, 'subtract', '[1, 2]', '-n', '5', '-c', '0']);
    expect([missing.status, missing.stderr]).toEqual([64 + 12, expect.stringMatching(/UNIMPLEMENTED: .*subtract/)]);
    const bad = await cli(['bench', urls.grpc, 'add', '{"a": "two", "b": 2}', '-n', '5', '-c', '0']);
    expect([bad.status, bad.stderr]).toEqual([64 + 3, expect.stringMatching(/INVALID_ARGUMENT: /)]);
    const usage = await cli(['bench', urls.unix]);
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringMatching(/^usage: bench takes <url> <method>/)]);
    const count = await cli(['bench', urls.unix, 'add', '[1, 2]', '-n', '0']);
    expect([count.status, count.stderr]).toEqual([2, expect.stringMatching(/--calls must be/)]);
  });
});
