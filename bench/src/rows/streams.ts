/**
 * Stream rows (issue #14): items per second of one server stream and of one
 * bidi stream at a time, each call a whole stream of ITEMS items; their
 * figures are per item (see Row.items). Over a unix socket and shm against
 * hand-written NDJSON on the same unix socket (raw-stream.ts), and over gRPC
 * against bare grpc-js with the ts-proto stubs, on the Calculator's
 * Countdown and RunningTotal (both sides under HTTP/2's flow control).
 */
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { connect, createClient, serve } from '@interoffice/core';
import { grpcTransport } from '@interoffice/transport-grpc';
import { shmTransport } from '@interoffice/transport-shm';
import { socketTransport } from '@interoffice/transport-socket';
import { Calculator } from '../gen/calculator/v1/calculator.interoffice.js';
import { CalculatorClient, type Result, type Tick } from '../gen/grpc-js/calculator/v1/calculator.js';
import type { Caller } from '../measure.js';
import { INPUTS, ITEMS, streamCaller, streamsImpl } from '../stream-service.js';
import { rawBidiClient, rawServerStreamClient, rawStreamServer } from './raw-stream.js';
import type { Row, StartServer } from './row.js';

type Kind = 'server' | 'bidi';

function interoffice(transport: typeof socketTransport | typeof shmTransport, kind: Kind) {
  return async (url: URL): Promise<Caller> => streamCaller(await connect(url, { transports: [transport()] }), kind);
}

/** Counts a stream's items; rejects unless there were ITEMS of them. */
async function count(items: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  if (n !== ITEMS) throw new Error(`stream of ${n} items, not ${ITEMS}`);
  return n;
}

const OPERANDS = INPUTS.map((value) => ({ value }));

function interofficeGrpc(kind: Kind) {
  return async (url: URL): Promise<Caller> => {
    const channel = await connect(url, { transports: [grpcTransport()] });
    const calc = createClient(Calculator, channel);
    return {
      call: kind === 'server' ? () => count(calc.Countdown({ from: ITEMS - 1 })) : () => count(calc.RunningTotal(OPERANDS)),
      close: () => channel.close(),
    };
  };
}

/** The bare grpc-js client as a ts-proto user writes it: stream events counted, writes held back by `drain`. */
function bareGrpc(kind: Kind) {
  return async (url: URL): Promise<Caller> => {
    const client = new CalculatorClient(url.host, grpc.credentials.createInsecure());
    const read = (stream: grpc.ClientReadableStream<Tick> | grpc.ClientDuplexStream<unknown, Result>): Promise<number> =>
      new Promise((resolve, reject) => {
        let n = 0;
        stream.on('data', () => n++);
        stream.on('error', reject);
        stream.on('end', () => (n === ITEMS ? resolve(n) : reject(new Error(`stream of ${n} items, not ${ITEMS}`))));
      });
    const bidi = async (): Promise<number> => {
      const call = client.runningTotal();
      const done = read(call);
      for (const operand of OPERANDS) if (!call.write(operand)) await once(call, 'drain');
      call.end();
      return done;
    };
    return {
      call: kind === 'server' ? () => read(client.countdown({ from: ITEMS - 1 })) : bidi,
      close: async () => client.close(),
    };
  };
}

export const servers: Record<string, StartServer> = {
  'raw-stream': (url) =>
    new Promise((resolve) => {
      rawStreamServer().listen(url.pathname, () => resolve(url));
    }),
  'interoffice-socket-streams': async (url) =>
    (await serve(streamsImpl, { listen: [url], transports: [socketTransport()] })).urls[0] as URL,
  'interoffice-shm-streams': async (url) =>
    (await serve(streamsImpl, { listen: [url], transports: [shmTransport()] })).urls[0] as URL,
};

const RAW_SERVER = 'raw NDJSON server stream, unix';
const RAW_BIDI = 'raw NDJSON bidi (echo, window 16), unix';
const BARE_SERVER = 'bare grpc-js server stream, tcp';
const BARE_BIDI = 'bare grpc-js bidi stream, tcp';
/** Streams per row and placement (each ITEMS items); one at a time. */
const stream = { items: ITEMS, inFlight: 1, calls: 100, curve: false } as const;
const unix = 'unix://$DIR/$N.sock';
const shm = `shm://bench-streams-${process.pid}-$N`;
const linux = async (): Promise<boolean> => process.platform === 'linux';
const tcp = 'grpc://127.0.0.1:0';

export const rows: Row[] = [
  { name: RAW_SERVER, server: 'raw-stream', address: unix, client: rawServerStreamClient, ...stream },
  {
    name: 'interoffice socket, unix, server stream',
    baseline: RAW_SERVER,
    server: 'interoffice-socket-streams',
    address: unix,
    client: interoffice(socketTransport, 'server'),
    ...stream,
  },
  {
    name: 'interoffice shm, server stream',
    baseline: RAW_SERVER,
    server: 'interoffice-shm-streams',
    address: shm,
    available: linux,
    client: interoffice(shmTransport, 'server'),
    ...stream,
  },
  { name: RAW_BIDI, server: 'raw', address: unix, client: rawBidiClient, ...stream },
  {
    name: 'interoffice socket, unix, bidi stream',
    baseline: RAW_BIDI,
    server: 'interoffice-socket-streams',
    address: unix,
    client: interoffice(socketTransport, 'bidi'),
    ...stream,
  },
  {
    name: 'interoffice shm, bidi stream',
    baseline: RAW_BIDI,
    server: 'interoffice-shm-streams',
    address: shm,
    available: linux,
    client: interoffice(shmTransport, 'bidi'),
    ...stream,
  },
  { name: BARE_SERVER, server: 'grpc-bare', address: tcp, client: bareGrpc('server'), ...stream },
  {
    name: 'interoffice grpc, server stream (proto Calculator.Countdown)',
    baseline: BARE_SERVER,
    server: 'interoffice-grpc-proto',
    address: tcp,
    client: interofficeGrpc('server'),
    ...stream,
  },
  { name: BARE_BIDI, server: 'grpc-bare', address: tcp, client: bareGrpc('bidi'), ...stream },
  {
    name: 'interoffice grpc, bidi stream (proto Calculator.RunningTotal)',
    baseline: BARE_BIDI,
    server: 'interoffice-grpc-proto',
    address: tcp,
    client: interofficeGrpc('bidi'),
    ...stream,
  },
];
