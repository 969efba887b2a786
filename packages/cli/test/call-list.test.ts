/**
 * `interoffice call` and `interoffice list`, run as real processes against a
 * server in its own process, on a unix socket, TCP and gRPC.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { bin, cli, killChildren, repo, server } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

/** Run `interoffice args…` with `input` on its stdin. */
function cliWithStdin(args: readonly string[], input: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

let urls: Record<'unix' | 'tcp' | 'grpc', string>;
let output: () => string;
beforeAll(async () => {
  const s = await server(`unix:///tmp/io-cli-${process.pid}.sock`, 'tcp://127.0.0.1:0', 'grpc://127.0.0.1:0');
  const [unix, tcp, grpc] = s.urls as [string, string, string];
  urls = { unix, tcp, grpc };
  output = s.output;
}, 30_000);
afterAll(killChildren);

describe('interoffice call', () => {
  for (const scheme of ['unix', 'tcp', 'grpc'] as const) {
    it(`calls by short or qualified name, with named or positional params, over ${scheme}`, async () => {
      expect(await cli(['call', urls[scheme], 'add', '{"a": 2, "b": 5}'])).toMatchObject({ status: 0, stdout: '7\n' });
      expect(await cli(['call', urls[scheme], 'calc.Calculator.add', '[20, 22]'])).toMatchObject({ status: 0, stdout: '42\n' });
      // Any last parts of the name, as a tRPC path is: the package left out.
      expect(await cli(['call', urls[scheme], 'Calculator.add', '[1, 2]'])).toMatchObject({ status: 0, stdout: '3\n' });
    });

    it(`prints a server stream one JSON line per item, over ${scheme}`, async () => {
      expect(await cli(['call', urls[scheme], 'countdown', '{"from": 3}'])).toMatchObject({ status: 0, stdout: '3\n2\n1\n0\n' });
    });

    it(`prints an error's code and message and exits with 64 + its gRPC status, over ${scheme}`, async () => {
      const divide = await cli(['call', urls[scheme], 'divide', '[1, 0]']);
      expect(divide).toMatchObject({ status: 64 + 3, stdout: '' });
      expect(divide.stderr).toBe('INVALID_ARGUMENT: division by zero\n');
      const bad = await cli(['call', urls[scheme], 'add', '{"a": "two", "b": 2}']);
      expect(bad.status).toBe(64 + 3);
      expect(bad.stderr).toMatch(/^INVALID_ARGUMENT: .*\ndetails: \{"issues":\[\{"path":\["a"\]/);
      const missing = await cli(['call', urls[scheme], 'subtract', '[1, 2]']);
      expect([missing.status, missing.stderr]).toEqual([64 + 12, expect.stringMatching(/^UNIMPLEMENTED: .*subtract/)]);
      const late = await cli(['call', urls[scheme], 'sleep', '{"ms": 5000}', '--timeout', '200']);
      expect([late.status, late.stderr]).toEqual([64 + 4, expect.stringMatching(/^DEADLINE_EXCEEDED: /)]);
    });
  }

  for (const scheme of ['unix', 'tcp', 'grpc'] as const) {
    it(`streams stdin's JSON lines to a method that takes a stream, over ${scheme}`, async () => {
      const total = await cliWithStdin(['call', urls[scheme], 'total'], '1\n2\n\n3\n4\n');
      expect(total).toMatchObject({ status: 0, stdout: '10\n' });
      const totals = await cliWithStdin(['call', urls[scheme], 'totals'], '1\n2\n3\n');
      expect(totals).toMatchObject({ status: 0, stdout: '1\n3\n6\n' });
      const bad = await cliWithStdin(['call', urls[scheme], 'total'], '1\nnot json\n');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/stdin line 2 is not JSON/);
    });
  }

  it('sends metadata and shows the response metadata with -v', async () => {
    for (const url of [urls.unix, urls.grpc]) {
      const r = await cli(['call', url, 'whoami', '{}', '-H', 'x-trace: abc', '-H', 'x-name:żółw', '-v']);
      expect(r.status).toBe(0);
      // Over gRPC too, a result that is not an object is the bare value (docs/transports/grpc.md).
      const seen = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(seen).toMatchObject({ 'x-trace': 'abc', 'x-name': 'żółw' });
      expect(r.stderr).toContain('response metadata: {"x-served-by":"fixture"}');
    }
  });

  it('sends a notification', async () => {
    expect(await cli(['call', urls.grpc, 'note', '{"text": "from the cli"}'])).toMatchObject({ status: 0 });
    await until(() => output().includes('note: from the cli'), 5000, 'the notification in the server output');
  });

  it('keeps to --timeout with a server that never answers, the stream-or-unary question included', async () => {
    // A TCP peer that takes the connection and says nothing: rpc.discover hangs as the call does.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      // What a call that is answered at once costs here (the process's start-up: seconds on a loaded machine).
      let started = performance.now();
      expect((await cli(['call', urls.tcp, 'add', '[1, 2]'])).status).toBe(0);
      const quick = performance.now() - started;
      started = performance.now();
      const r = await cli([
        'call',
        `tcp://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        'add',
        '[1, 2]',
        '--timeout',
        '500',
      ]);
      expect([r.status, r.stderr]).toEqual([64 + 4, expect.stringMatching(/^DEADLINE_EXCEEDED: /)]);
      // 500 ms more than the quick call, with room for noise; a discovery with 5 s of its own would show.
      expect(performance.now() - started - quick).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('says when nobody listens (UNAVAILABLE, 78), and when the command line is wrong (2)', async () => {
    const down = await cli(['call', 'grpc://127.0.0.1:1', 'add', '[1, 2]']);
    expect([down.status, down.stderr]).toEqual([64 + 14, expect.stringMatching(/^UNAVAILABLE: /)]);
    const json = await cli(['call', urls.tcp, 'add', '{a: 1}']);
    expect([json.status, json.stderr]).toEqual([2, expect.stringMatching(/^usage: params must be JSON/)]);
    const scheme = await cli(['call', 'carrier-pigeon://x', 'add']);
    expect([scheme.status, scheme.stderr]).toEqual([1, expect.stringMatching(/no transport for carrier-pigeon:/)]);
    expect((await cli(['frobnicate'])).status).toBe(2);
    expect((await cli(['call', urls.tcp, 'add', '[1,2]', '--bogus'])).status).toBe(2);
  });
});

describe('interoffice list', () => {
  it('lists a gRPC server’s services and methods through reflection', async () => {
    const r = await cli(['list', urls.grpc]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('calc.Calculator\n  Add(calc.AddRequest) → calc.AddResponse\n');
    expect(r.stdout).toContain('  Countdown(calc.CountdownRequest) → stream calc.CountdownResponse\n');
    expect(r.stdout).toContain(
      'grpc.health.v1.Health\n  Check(grpc.health.v1.HealthCheckRequest) → grpc.health.v1.HealthCheckResponse\n',
    );
    const json = JSON.parse((await cli(['list', urls.grpc, '--json'])).stdout) as { services: { name: string }[] };
    expect(json.services.map((s) => s.name)).toContain('calc.Calculator');
  });

  for (const scheme of ['unix', 'tcp'] as const) {
    it(`lists the methods of rpc.discover over ${scheme}`, async () => {
      const r = await cli(['list', urls[scheme]]);
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')).toEqual(
        expect.arrayContaining([
          'calc.Calculator.add(a: number, b: number) → number    a + b',
          'calc.Calculator.countdown(from: integer) → stream integer',
          'calc.Calculator.note(text: string) → notification',
          'calc.Calculator.total(stream number) → number    the sum of a stream',
          'calc.Calculator.totals(stream number) → stream number    the running sum',
        ]),
      );
      const doc = JSON.parse((await cli(['list', urls[scheme], '--json'])).stdout) as { openrpc: string };
      expect(doc.openrpc).toMatch(/^1\./);
    });
  }
});
