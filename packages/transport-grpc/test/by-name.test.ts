/**
 * A call by name (rawCall with no descriptor, as the CLI makes) is judged the
 * same over gRPC as on a JSON transport (issue #19.3): bad values reported at
 * their full path in zod's words, and unknown keys dropped, not refused.
 */
import { connect, defineService, implement, rawCall, RpcError, serve, unary, memoryTransport } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { grpcTransport } from '../src/index.js';
import { cleanup, cleanups, quiet } from './helpers.js';

const Orders = defineService('orders.v1.Orders', {
  place: unary({
    input: z.object({
      customer: z.object({ name: z.string(), address: z.object({ city: z.string(), zip: z.int32() }) }),
      items: z.array(z.object({ sku: z.string(), qty: z.int32() })),
    }),
    output: z.string(),
  }),
});

let seen: unknown;
const impl = implement(Orders, {
  place: (o) => {
    seen = o;
    return 'ok';
  },
});

async function channels(): Promise<Record<'grpc' | 'memory', Awaited<ReturnType<typeof connect>>>> {
  const name = `by-name-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const transports = [grpcTransport({ logger: quiet }), memoryTransport()];
  const server = await serve(impl, { listen: ['grpc://127.0.0.1:0', `memory://${name}`], transports, logger: quiet });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const [grpcUrl, memoryUrl] = server.urls.map((u) => u.href) as [string, string];
  const grpc = await connect(grpcUrl, { transports });
  const memory = await connect(memoryUrl, { transports });
  cleanups.push(
    () => grpc.close(),
    () => memory.close(),
  );
  return { grpc, memory };
}

const failure = async (p: Promise<unknown>): Promise<RpcError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
};

afterEach(cleanup);

describe('a call by name over gRPC, as on a JSON transport', () => {
  const good = { customer: { name: 'ada', address: { city: 'Paris', zip: 75001 } }, items: [{ sku: 'a1', qty: 2 }] };

  it('reports a bad value at its full path, in the same words', async () => {
    const c = await channels();
    const bad = {
      customer: { name: 'ada', address: { city: 7, zip: 75001 } },
      items: [
        { sku: 'a1', qty: 2 },
        { sku: 'b2', qty: 'two' },
      ],
    };
    const errors = await Promise.all([failure(rawCall(c.grpc, 'place', bad)), failure(rawCall(c.memory, 'place', bad))]);
    for (const e of errors) {
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect((e.details as { issues: unknown[] }).issues).toEqual([
        {
          path: ['customer', 'address', 'city'],
          message: 'Invalid input: expected string, received number',
          code: 'invalid_type',
        },
        { path: ['items', 1, 'qty'], message: 'Invalid input: expected number, received string', code: 'invalid_type' },
      ]);
    }
    // Before, gRPC said only `customer: expected string, got 7`.
    // The method as each names it: the RPC `Place` over gRPC, the zod `place` on JSON.
    expect(errors.map((e) => e.message.replace('.Place:', '.place:'))).toEqual([errors[1]?.message, errors[1]?.message]);
    expect(errors[1]?.message).toBe(
      'invalid params for orders.v1.Orders.place: customer.address.city: Invalid input: expected string, received number; items.1.qty: Invalid input: expected number, received string',
    );
  });

  it('drops unknown keys, at the top and nested, as zod does on the JSON transports', async () => {
    const c = await channels();
    const extra = {
      ...good,
      coupon: 'X',
      customer: { ...good.customer, vip: true, address: { ...good.customer.address, floor: 3 } },
    };
    for (const channel of [c.grpc, c.memory]) {
      seen = undefined;
      expect(await rawCall(channel, 'place', extra)).toBe('ok');
      expect(seen).toEqual(good);
    }
  });
});
