/**
 * The gRPC transport against bare @grpc/grpc-js, in the same run, on the
 * same contract (proto/calculator/v1/calculator.proto, Add). The bare row
 * encodes Operands and decodes Result by hand, as ts-proto's encode/decode
 * do (bench has no protobuf runtime to run ts-proto's binary stubs with), so
 * it is, if anything, the faster baseline. A last row divides the gRPC
 * transport by the socket transport on TCP.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, createClient, implement, serve } from '@interoffice/core';
import { grpcTransport } from '@interoffice/transport-grpc';
import { Calculator } from '../gen/calculator/v1/calculator.interoffice.js';
import type { Caller } from '../measure.js';
import { Bench, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const ADD = '/calculator.v1.Calculator/Add';
const identity = (b: Buffer): Buffer => b;

/** Operands { double a = 1; double b = 2; } as ts-proto writes it (zeros left out). */
function encodeOperands(a: number, b: number): Buffer {
  const out = Buffer.allocUnsafe(18);
  let o = 0;
  if (a !== 0) {
    out[o++] = 0x09;
    o = out.writeDoubleLE(a, o);
  }
  if (b !== 0) {
    out[o++] = 0x11;
    o = out.writeDoubleLE(b, o);
  }
  return out.subarray(0, o);
}

/** Operands or Result: the doubles of fields 1 and 2, by tag. */
function decodeDoubles(buf: Buffer): [number, number] {
  const v: [number, number] = [0, 0];
  for (let o = 0; o + 9 <= buf.length; o += 9) {
    const tag = buf[o];
    if (tag === 0x09) v[0] = buf.readDoubleLE(o + 1);
    else if (tag === 0x11) v[1] = buf.readDoubleLE(o + 1);
    else break;
  }
  return v;
}

function encodeResult(value: number): Buffer {
  return value === 0 ? Buffer.alloc(0) : encodeOperands(value, 0);
}

async function bareServer(url: URL): Promise<URL> {
  const server = new grpc.Server();
  server.register<Buffer, Buffer>(
    ADD,
    (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const [a, b] = decodeDoubles(call.request);
      callback(null, encodeResult(a + b));
    },
    identity,
    identity,
    'unary',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(url.host, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return new URL(`grpc://${url.hostname}:${port}`);
}

async function bareClient(url: URL): Promise<Caller> {
  const client = new grpc.Client(url.host, grpc.credentials.createInsecure());
  let i = 0;
  return {
    call: () =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(ADD, identity, identity, encodeOperands(++i, 1), (e, v) => (e ? reject(e) : resolve(decodeDoubles(v ?? Buffer.alloc(0))[0]))),
      ),
    close: async () => client.close(),
  };
}

const transports = [grpcTransport()];

async function protoClient(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports });
  const calc = createClient(Calculator, channel);
  let i = 0;
  return { call: () => calc.Add({ a: ++i, b: 1 }), close: () => channel.close() };
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
});

export const servers: Record<string, StartServer> = {
  'grpc-bare': bareServer,
  'interoffice-grpc-proto': async (url) => (await serve(protoImpl, { listen: [url], transports })).urls[0] as URL,
  'interoffice-grpc-zod': async (url) => (await serve(benchImpl, { listen: [url], transports })).urls[0] as URL,
};

export const BARE = 'bare grpc-js, tcp';

export const rows: Row[] = [
  { name: BARE, server: 'grpc-bare', address: 'grpc://127.0.0.1:0', client: bareClient },
  { name: 'interoffice grpc, proto Calculator.Add', baseline: BARE, server: 'interoffice-grpc-proto', address: 'grpc://127.0.0.1:0', client: protoClient },
  { name: 'interoffice grpc, zod bench.Bench.add', baseline: BARE, server: 'interoffice-grpc-zod', address: 'grpc://127.0.0.1:0', client: zodClient },
  // The same zod row again, divided by the socket transport on TCP instead.
  {
    name: 'interoffice grpc ÷ interoffice socket, tcp',
    baseline: 'interoffice socket, tcp',
    server: 'interoffice-grpc-zod',
    address: 'grpc://127.0.0.1:0',
    client: zodClient,
  },
];
