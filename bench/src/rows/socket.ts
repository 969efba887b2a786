/** The foundation's rows: raw NDJSON echo, the socket transport, the json-rpc-2.0 package. */
import { connect, serve } from '@interoffice/core';
import { telemetry } from '@interoffice/otel';
import { socketTransport } from '@interoffice/transport-socket';
import type { Server } from 'node:net';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import { netTarget } from '../target.js';
import { jsonRpc2Client, jsonRpc2Server } from './jsonrpc2.js';
import { rawClient, rawEchoServer } from './raw.js';
import type { Row, StartServer } from './row.js';

async function interoffice(url: URL, traced = false): Promise<Caller> {
  const channel = await connect(url, { transports: [socketTransport()] });
  return benchCaller(channel, { middleware: traced ? [telemetry()] : [] });
}

function listenNet(server: Server, url: URL): Promise<URL> {
  return new Promise((resolve) =>
    server.listen(netTarget(url), () => {
      const bound = server.address();
      resolve(typeof bound === 'object' && bound !== null ? new URL(`tcp://127.0.0.1:${bound.port}`) : url);
    }),
  );
}

export const servers: Record<string, StartServer> = {
  raw: (url) => listenNet(rawEchoServer(), url),
  jsonrpc2: (url) => listenNet(jsonRpc2Server(), url),
  'interoffice-socket': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [socketTransport()] });
    return server.urls[0] as URL;
  },
  // The same with OpenTelemetry's middleware on both sides and no SDK installed (issue #17: its cost should be noise).
  'interoffice-socket-otel': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [socketTransport()], middleware: [telemetry()] });
    return server.urls[0] as URL;
  },
};

export const RAW_UNIX = 'raw NDJSON echo, unix';
export const RAW_TCP = 'raw NDJSON echo, tcp';

export const rows: Row[] = [
  { name: RAW_UNIX, server: 'raw', address: 'unix://$DIR/$N.sock', client: (u) => rawClient(netTarget(u)) },
  {
    name: 'interoffice socket, unix',
    baseline: RAW_UNIX,
    server: 'interoffice-socket',
    address: 'unix://$DIR/$N.sock',
    client: interoffice,
  },
  {
    name: 'interoffice socket, unix, telemetry() without an SDK',
    baseline: 'interoffice socket, unix',
    server: 'interoffice-socket-otel',
    address: 'unix://$DIR/$N.sock',
    curve: false,
    client: (u) => interoffice(u, true),
  },
  {
    // The untraced row again, run after the traced one: its ratio is the noise the traced row's is judged against.
    name: 'interoffice socket, unix, again (control)',
    baseline: 'interoffice socket, unix',
    server: 'interoffice-socket',
    address: 'unix://$DIR/$N.sock',
    curve: false,
    client: interoffice,
  },
  {
    name: 'json-rpc-2.0 package, unix',
    baseline: RAW_UNIX,
    server: 'jsonrpc2',
    address: 'unix://$DIR/$N.sock',
    curve: false,
    client: (u) => jsonRpc2Client(netTarget(u)),
  },
  { name: RAW_TCP, server: 'raw', address: 'tcp://127.0.0.1:0', client: (u) => rawClient(netTarget(u)) },
  {
    name: 'interoffice socket, tcp',
    baseline: RAW_TCP,
    server: 'interoffice-socket',
    address: 'tcp://127.0.0.1:0',
    client: interoffice,
  },
];
