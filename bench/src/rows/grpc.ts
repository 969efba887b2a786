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
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
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
import { benchCaller, benchImpl } from '../service.js';
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

/**
 * The bare payload curve: an `Echo` RPC taking and returning a message of
 * one string field (`message Text { string s = 1; }`), encoded as ts-proto
 * encodes it. Both sides allow messages as large as Interoffice's 16 MiB frames.
 */
const text = {
  serialize: (s: string): Buffer => Buffer.from(new BinaryWriter().uint32(10).string(s).finish()),
  deserialize(bytes: Buffer): string {
    const reader = new BinaryReader(bytes);
    let s = '';
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1) s = reader.string();
      else reader.skip(wireType);
    }
    return s;
  },
};
const echoService = {
  echo: {
    path: '/bench.Bare/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: text.serialize,
    requestDeserialize: text.deserialize,
    responseSerialize: text.serialize,
    responseDeserialize: text.deserialize,
  },
} satisfies grpc.ServiceDefinition;
const sizeOptions = { 'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.max_send_message_length': 16 * 1024 * 1024 };
const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Bare');

async function bareServer(url: URL): Promise<URL> {
  const server = new grpc.Server(sizeOptions);
  server.addService(CalculatorService, bareImpl);
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<string, string>, callback: grpc.sendUnaryData<string>) => callback(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(url.host, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return new URL(`grpc://${url.hostname}:${port}`);
}

/** `deadlineMs`: a deadline on each call, as Interoffice sets by default (none unless given). */
function bareClient(deadlineMs?: number) {
  return async (url: URL): Promise<Caller> => {
    const client = new CalculatorClient(url.host, grpc.credentials.createInsecure(), sizeOptions);
    // The echo client shares the calculator client's channel (one HTTP/2 connection).
    const echo = new EchoClient(url.host, grpc.credentials.createInsecure(), { channelOverride: client.getChannel() });
    const options = (): Partial<grpc.CallOptions> => (deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs });
    let i = 0;
    return {
      call: () =>
        new Promise<Result>((resolve, reject) =>
          client.add({ a: ++i, b: 1 }, new grpc.Metadata(), options(), (e, r) => (e ? reject(e) : resolve(r))),
        ),
      echo: (s) =>
        new Promise<string>((resolve, reject) =>
          echo.makeUnaryRequest(
            echoService.echo.path,
            text.serialize,
            text.deserialize,
            s,
            new grpc.Metadata(),
            options(),
            (e: grpc.ServiceError | null, r?: string) => (e ? reject(e) : resolve(r as string)),
          ),
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
  return benchCaller(channel);
}

const protoImpl = implement(Calculator, {
  Add: ({ a, b }) => ({ value: a + b }),
  Multiply: ({ a, b }) => ({ value: a * b }),
  Divide: ({ a, b }) => ({ value: a / b }),
  Countdown: async function* ({ from }) {
    for (let i = from; i >= 0; i--) yield { value: i };
  },
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
    curve: false,
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
    curve: false,
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
    curve: false,
  },
];
