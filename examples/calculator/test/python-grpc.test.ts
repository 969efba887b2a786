/**
 * gRPC across languages, with real peers: Python's grpcio (Debian's) and
 * Alice or Bob in TypeScript, each in their own process. Python stubs are
 * generated here, with grpc_tools, from the same .proto — for the proto
 * Calculator, and for the zod Calculator as `interoffice gen` exports it.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createClient, RpcError } from '@interoffice/core';
import { grpcTransport } from '@interoffice/transport-grpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Calculator as ProtoCalculator } from '../src/gen/calculator/v1/calculator.interoffice.js';
import { Calculator } from '../src/service.js';
import { alice, python, pythonDir, repo, started } from './helpers.js';

// Real processes (Alice, Python) on a shared, noisy machine: generous time.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'io-pygrpc-'));
const protoStubs = join(dir, 'proto-stubs');
const zodProto = join(dir, 'zod-proto');
const zodStubs = join(dir, 'zod-stubs');
const transports = [grpcTransport()];
const children: ChildProcess[] = [];

beforeAll(async () => {
  await run(python, [join(pythonDir, 'grpc_stubs.py'), join(repo, 'proto'), 'calculator/v1/calculator.proto', protoStubs]);
  // The zod service's own .proto, exported by the real CLI from the built example.
  await run(process.execPath, [
    join(repo, 'packages/cli/dist/bin.js'),
    'gen',
    join(repo, 'examples/calculator/dist/service.js'),
    '--out',
    zodProto,
  ]);
  await run(python, [join(pythonDir, 'grpc_stubs.py'), zodProto, 'calculator.proto', zodStubs]);
}, 60_000);
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
afterAll(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

async function typescriptAlice(): Promise<{ target: string; output: () => string }> {
  const a = await alice('grpc://127.0.0.1:0');
  children.push(a.child);
  return { target: new URL(a.urls[0] as string).host, output: a.output };
}

async function pythonAlice(script: string, stubs: string): Promise<{ url: string; output: () => string }> {
  const p = await started(python, [join(pythonDir, script), '127.0.0.1:0', stubs], /listening on (\d+)/);
  children.push(p.child);
  return { url: `grpc://127.0.0.1:${p.found[0]}`, output: p.output };
}

describe('a Python grpcio client calling the TypeScript server', () => {
  it('the proto Calculator: Add, Multiply, Divide by zero, Countdown, and an expiring deadline', async () => {
    const { target } = await typescriptAlice();
    const { stdout } = await run(python, [join(pythonDir, 'grpc_client.py'), target, protoStubs]);
    expect(stdout.split('\n')).toEqual([
      'Add(2, 5) = 7.0',
      'Multiply(8, 5) = 40.0',
      'Divide(1, 0) failed: INVALID_ARGUMENT division by zero',
      'Countdown(3) = [3, 2, 1, 0]',
      'Countdown(10000) with a 20 ms deadline: DEADLINE_EXCEEDED',
      'Sum(1, 2, 3, 4) = 10.0',
      'RunningTotal(1, 2, 3) = [1.0, 3.0, 6.0]',
      '',
    ]);
  });

  it('the zod Calculator, through the .proto exported from it', async () => {
    const { target, output } = await typescriptAlice();
    expect(readFileSync(join(zodProto, 'calculator.proto'), 'utf8')).toContain('rpc Add(AddRequest) returns (AddResponse);');
    const { stdout } = await run(python, [join(pythonDir, 'grpc_zod_client.py'), target, zodStubs]);
    expect(stdout.split('\n')).toEqual([
      'add(2, 5) = 7.0',
      'multiply(8, 5) = 40.0',
      'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke division by zero',
      'countdown(3) = [3, 2, 1, 0]',
      'countdown(10000) with a 20 ms deadline: DEADLINE_EXCEEDED',
      '',
    ]);
    for (let i = 0; i < 100 && !output().includes('note: hello from Python'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(output()).toContain('note: hello from Python'); // the notification reached Alice's handler
  });
});

describe('a TypeScript client calling a Python grpcio server', () => {
  it('the proto Calculator, through the client generated from the same .proto', async () => {
    const { url } = await pythonAlice('grpc_server.py', protoStubs);
    const channel = await connect(url, { transports });
    try {
      const calc = createClient(ProtoCalculator, channel);
      let trailers: Record<string, string> = {};
      expect(await calc.Add({ a: 2, b: 5 }, { onResponseMeta: (m) => (trailers = m) })).toEqual({ value: 7 });
      expect(trailers).toEqual({ 'x-served-by': 'python' });
      expect(await calc.Multiply({ a: 8, b: 5 })).toEqual({ value: 40 });
      const e = await calc.Divide({ a: 1, b: 0 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RpcError);
      expect([(e as RpcError).code, (e as RpcError).message]).toEqual(['INVALID_ARGUMENT', 'division by zero']);
      const ticks: number[] = [];
      for await (const t of calc.Countdown({ from: 3 })) ticks.push(t.value);
      expect(ticks).toEqual([3, 2, 1, 0]);
      const late = await (async () => {
        for await (const _ of calc.Countdown({ from: 10_000 }, { timeout: 50 }));
      })().catch((x: RpcError) => x);
      expect(late).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      // A client stream and a bidi stream to a Python server.
      expect(await calc.Sum([1, 2, 3, 4].map((value) => ({ value })))).toEqual({ value: 10 });
      const totals: number[] = [];
      for await (const r of calc.RunningTotal([1, 2, 3].map((value) => ({ value })))) totals.push(r.value);
      expect(totals).toEqual([1, 3, 6]);
    } finally {
      await channel.close();
    }
  });

  it('the zod Calculator, through the client built from the zod service itself', async () => {
    const { url, output } = await pythonAlice('grpc_zod_server.py', zodStubs);
    const channel = await connect(url, { transports });
    try {
      const calc = createClient(Calculator, channel);
      expect(await calc.add({ a: 2, b: 5 })).toBe(7);
      expect(await calc.multiply({ a: 8, b: 5 })).toBe(40);
      await expect(calc.divide({ a: 1, b: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'division by zero' });
      const ticks: number[] = [];
      for await (const n of calc.countdown({ from: 3 })) ticks.push(n);
      expect(ticks).toEqual([3, 2, 1, 0]);
      await calc.note({ text: 'hello from TypeScript' });
      for (let i = 0; i < 100 && !output().includes('note: hello from TypeScript'); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(output()).toContain('note: hello from TypeScript');
      const late = await (async () => {
        for await (const _ of calc.countdown({ from: 10_000 }, { timeout: 50 }));
      })().catch((x: RpcError) => x);
      expect(late).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    } finally {
      await channel.close();
    }
  });
});
