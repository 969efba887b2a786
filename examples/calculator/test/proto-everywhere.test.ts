/**
 * Alice serves the proto Calculator beside the zod one, on every URL she
 * listens on: the client generated from the .proto works over unix, TCP and
 * gRPC alike, and JSON callers use its proto3 JSON and its qualified names.
 */
import { connect, createClient, rawCall, RpcError } from '@interoffice/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Calculator as ProtoCalculator } from '../src/gen/calculator/v1/calculator.interoffice.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { carriesStreams, demoEndpoints, transports } from '../src/transports.js';
import { alice } from './helpers.js';

// Real processes (Alice, Python) on a shared, noisy machine: generous time.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

// Every endpoint of the demo (the other transports' too), as the demo starts Alice.
const dir = mkdtempSync(join(tmpdir(), 'io-proto-'));
const endpoints = demoEndpoints.map((e) => ({ ...e, url: e.url.replace('$DIR', dir) }));
let running: Awaited<ReturnType<typeof alice>>;
let listening: string[];
beforeAll(async () => {
  listening = [];
  for (const e of endpoints) if (e.available === undefined || (await e.available())) listening.push(e.url);
  running = await alice(...listening);
});
afterAll(() => running.child.kill('SIGKILL'));

describe('the proto Calculator on every transport Alice listens on', () => {
  for (const endpoint of endpoints) {
    const scheme = new URL(endpoint.url).protocol.slice(0, -1);
    it(`answers the generated client over ${scheme}`, async ({ skip }) => {
      const url = running.urls.find((u) => u.startsWith(`${scheme}:`));
      if (url === undefined) return skip(`${scheme} is not available on this machine now`);
      const channel = await connect(url, { transports });
      try {
        const calc = createClient(ProtoCalculator, channel);
        expect(await calc.Add({ a: 2, b: 5 })).toEqual({ value: 7 });
        expect(await calc.Multiply({ a: 0, b: 5 })).toEqual({ value: 0 }); // proto3 leaves zeros out of JSON: still 0
        await expect(calc.Divide({ a: 1, b: 0 })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
          message: 'division by zero',
          name: 'AliceBroke',
        });
        const ticks: number[] = [];
        for await (const t of calc.Countdown({ from: 2 })) ticks.push(t.value);
        expect(ticks).toEqual([2, 1, 0]);
        // Streams of inputs, where the transport carries them (a connection per client, or gRPC).
        if (carriesStreams(url) || scheme === 'grpc') {
          expect(await calc.Sum([1, 2, 3, 4].map((value) => ({ value })))).toEqual({ value: 10 });
          const totals: number[] = [];
          for await (const r of calc.RunningTotal([1, 2, 3].map((value) => ({ value })))) totals.push(r.value);
          expect(totals).toEqual([1, 3, 6]);
        } else {
          await expect(calc.Sum([{ value: 1 }])).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
        }
        // A JSON caller: qualified proto name, proto3 JSON params and result.
        expect(await rawCall(channel, 'calculator.v1.Calculator.Add', { a: 1.5, b: '2' })).toEqual({ value: 3.5 });
      } finally {
        await channel.close();
      }
    });
  }

  it('checks proto3 JSON on JSON transports: a string that is no number is INVALID_ARGUMENT, naming the field', async () => {
    const channel = await connect(running.urls.find((u) => u.startsWith('tcp:')) as string, { transports });
    try {
      const e = await rawCall(channel, 'calculator.v1.Calculator.Add', { a: 'two', b: 2 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RpcError);
      expect((e as RpcError).code).toBe('INVALID_ARGUMENT');
      expect((e as RpcError).details).toMatchObject({ issues: [{ path: ['a'] }] });
      expect(await rawCall(channel, 'Add', [20, 22])).toEqual({ value: 42 }); // positional, short name
    } finally {
      await channel.close();
    }
  });
});
