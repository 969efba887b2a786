/**
 * The gRPC transport against bare @grpc/grpc-js, in the same run, on the
 * same contract (proto/calculator/v1/calculator.proto, Add). The bare row is
 * what a grpc-js + ts-proto user writes: the stubs `interoffice gen proto
 * --out bench/src/gen --grpc-js` generates into gen/grpc-js (ts-proto with
 * outputEncodeMethods=true, outputServices=grpc-js: Operands.encode/decode,
 * Result.encode/decode over @bufbuild/protobuf/wire), the generated
 * `CalculatorClient` on the client side and `server.addService(CalculatorService,
 * …)` on the server. The bare client sends no deadline and Interoffice sends
 * its default 30 s: a row of each with the other's choice shows what that
 * costs. A last row divides the gRPC transport by the socket transport on TCP.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, createClient, implement, serve } from '@interoffice/core';
import { grpcTransport } from '@interoffice/transport-grpc';
import { Calculator } from '../gen/calculator/v1/calculator.interoffice.js';
import {
  CalculatorClient,
  CalculatorService,
  type CalculatorServer,
  type Result,
} from '../gen/grpc-js/calculator/v1/calculator.js';
import type { Caller } from '../measure.js';
import { Bench, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const bareImpl: CalculatorServer = {
  add: (call, callback) => callback(null, { value: call.request.a + call.request.b }),
  multiply: (call, callback) => callback(null, { value: call.request.a * call.request.b }),
  divide: (call, callback) =>
    call.request.b === 0
      ? callback({ code: grpc.status.INVALID_ARGUMENT, details: 'division by zero' })
      : callback(null, { value: call.request.a / call.request.b }),
  countdown: (call) => {
    for (let i = call.request.from; i >= 0; i--) call.write({ value: i });
    call.end();
  },
  sum: (call, callback) => {
    let value = 0;
    call.on('data', (o: { value: number }) => (value += o.value));
    call.on('end', () => callback(null, { value }));
  },
  runningTotal: (call) => {
    let value = 0;
    call.on('data', (o: { value: number }) => call.write({ value: (value += o.value) }));
    call.on('end', () => call.end());
  },
};

async function bareServer(url: URL): Promise<URL> {
  const server = new grpc.Server();
  server.addService(CalculatorService, bareImpl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(url.host, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return new URL(`grpc://${url.hostname}:${port}`);
}

/** `deadlineMs`: a deadline on each call, as Interoffice sets by default (none unless given). */
function bareClient(deadlineMs?: number) {
  return async (url: URL): Promise<Caller> => {
    const client = new CalculatorClient(url.host, grpc.credentials.createInsecure());
    const options = (): Partial<grpc.CallOptions> => (deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs });
    let i = 0;
    return {
      call: () =>
        new Promise<Result>((resolve, reject) =>
          client.add({ a: ++i, b: 1 }, new grpc.Metadata(), options(), (e, r) => (e ? reject(e) : resolve(r))),
        ),
      close: async () => client.close(),
    };
  };
}

const transports = [grpcTransport()];

/** `timeout`: the client's default deadline (Interoffice's 30 s; Infinity sends none, as the bare client). */
function protoClient(timeout?: number) {
  return async (url: URL): Promise<Caller> => {
    const channel = await connect(url, { transports });
    const calc = createClient(Calculator, channel, { timeout });
    let i = 0;
    return { call: () => calc.Add({ a: ++i, b: 1 }), close: () => channel.close() };
  };
}

async function zodClient(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports });
  const calc = createClient(Bench, channel);
  let i = 0;
  return { call: () => calc.add({ a: ++i, b: 1 }), close: () => channel.close() };
}

const protoImpl = implement(Calculator, {
  Add: ({ a, b }) => ({ value: a + b }),
  Multiply: ({ a, b }) => ({ value: a * b }),
  Divide: ({ a, b }) => ({ value: a / b }),
  Countdown: async function* () {},
  Sum: async (operands) => {
    let value = 0;
    for await (const o of operands) value += o.value;
    return { value };
  },
  RunningTotal: async function* (operands) {
    let value = 0;
    for await (const o of operands) yield { value: (value += o.value) };
  },
});

export const servers: Record<string, StartServer> = {
  'grpc-bare': bareServer,
  'interoffice-grpc-proto': async (url) => (await serve(protoImpl, { listen: [url], transports })).urls[0] as URL,
  'interoffice-grpc-zod': async (url) => (await serve(benchImpl, { listen: [url], transports })).urls[0] as URL,
};

export const BARE = 'bare grpc-js, tcp';

export const rows: Row[] = [
  { name: BARE, server: 'grpc-bare', address: 'grpc://127.0.0.1:0', client: bareClient() },
  // What a deadline costs grpc-js itself: the bare client again, with Interoffice's default 30 s.
  {
    name: 'bare grpc-js, tcp, 30 s deadline',
    baseline: BARE,
    server: 'grpc-bare',
    address: 'grpc://127.0.0.1:0',
    client: bareClient(30_000),
  },
  {
    name: 'interoffice grpc, proto Calculator.Add',
    baseline: BARE,
    server: 'interoffice-grpc-proto',
    address: 'grpc://127.0.0.1:0',
    client: protoClient(),
  },
  // What the deadline Interoffice sends by default (grpc-timeout) costs: the bare client sends none.
  {
    name: 'interoffice grpc, proto Calculator.Add, no deadline',
    baseline: BARE,
    server: 'interoffice-grpc-proto',
    address: 'grpc://127.0.0.1:0',
    client: protoClient(Infinity),
  },
  {
    name: 'interoffice grpc, zod bench.Bench.add',
    baseline: BARE,
    server: 'interoffice-grpc-zod',
    address: 'grpc://127.0.0.1:0',
    client: zodClient,
  },
  // The same zod row again, divided by the socket transport on TCP instead.
  {
    name: 'interoffice grpc ÷ interoffice socket, tcp',
    baseline: 'interoffice socket, tcp',
    server: 'interoffice-grpc-zod',
    address: 'grpc://127.0.0.1:0',
    client: zodClient,
  },
];
