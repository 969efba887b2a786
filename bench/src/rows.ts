/** The rows of the bench: what is measured, against which baseline. */
import { connect, createClient } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { jsonRpc2Client } from './jsonrpc2.js';
import type { Caller } from './measure.js';
import { rawClient } from './raw.js';
import { Bench } from './service.js';
import { netTarget } from './target.js';

export interface Row {
  name: string;
  /** The row this one is divided by; unset for baselines. */
  baseline?: string;
  /** What the server process runs (see server.ts). */
  server: 'raw' | 'interoffice' | 'jsonrpc2';
  /** Listen address; `$DIR` is a fresh temporary folder, `$N` the row's number. */
  address: string;
  client(url: URL): Promise<Caller>;
}

async function interoffice(url: URL): Promise<Caller> {
  const channel = await connect(url, { transports: [socketTransport()] });
  const calc = createClient(Bench, channel);
  let i = 0;
  return { call: () => calc.add({ a: ++i, b: 1 }), close: () => channel.close() };
}

const RAW_UNIX = 'raw NDJSON echo, unix';
const RAW_TCP = 'raw NDJSON echo, tcp';

export const rows: Row[] = [
  { name: RAW_UNIX, server: 'raw', address: 'unix://$DIR/$N.sock', client: (u) => rawClient(netTarget(u)) },
  { name: 'interoffice socket, unix', baseline: RAW_UNIX, server: 'interoffice', address: 'unix://$DIR/$N.sock', client: interoffice },
  {
    name: 'json-rpc-2.0 package, unix',
    baseline: RAW_UNIX,
    server: 'jsonrpc2',
    address: 'unix://$DIR/$N.sock',
    client: (u) => jsonRpc2Client(netTarget(u)),
  },
  { name: RAW_TCP, server: 'raw', address: 'tcp://127.0.0.1:0', client: (u) => rawClient(netTarget(u)) },
  { name: 'interoffice socket, tcp', baseline: RAW_TCP, server: 'interoffice', address: 'tcp://127.0.0.1:0', client: interoffice },
];
