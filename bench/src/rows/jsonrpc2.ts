/**
 * A reference row: the `json-rpc-2.0` package's server and client over the
 * same NDJSON socket framing, to show what that message layer costs.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { JSONRPCClient, JSONRPCServer } from 'json-rpc-2.0';
import type { Caller } from '../measure.js';

function lines(onLine: (line: string) => void): (chunk: string) => void {
  let rest = '';
  return (chunk) => {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  };
}

export function jsonRpc2Server(): Server {
  const rpc = new JSONRPCServer();
  rpc.addMethod('add', ({ a, b }: { a: number; b: number }) => a + b);
  return createServer({ noDelay: true }, (socket) => {
    socket.setEncoding('utf8');
    socket.on(
      'data',
      lines((line) => {
        void rpc.receiveJSON(line).then((response) => {
          if (response !== null) socket.write(`${JSON.stringify(response)}\n`);
        });
      }),
    );
  });
}

export async function jsonRpc2Client(connectTo: { path: string } | { host: string; port: number }): Promise<Caller> {
  const socket = createConnection(connectTo as { path: string });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const client = new JSONRPCClient((request) => {
    socket.write(`${JSON.stringify(request)}\n`);
  });
  socket.setEncoding('utf8');
  socket.on(
    'data',
    lines((line) => client.receive(JSON.parse(line))),
  );
  let i = 0;
  return {
    call: () => client.request('add', { a: ++i, b: 1 }),
    close: async () => void socket.destroy(),
  };
}
