/**
 * Named pipes and stdio, next to the socket rows. The FIFO row is divided by
 * the raw NDJSON echo on a unix socket (the socket rows' baseline); the
 * stdio rows by a raw NDJSON echo over a child's stdin and stdout. The
 * stdio servers are processes the client spawns (that is what stdio is), so
 * those rows' harness-started server process only idles.
 */
import { spawn } from 'node:child_process';
import { connect, createClient, serve, type Transport } from '@interoffice/core';
import { pipeTransport } from '@interoffice/transport-pipe';
import type { Caller } from '../measure.js';
import { Bench, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';
import { RAW_UNIX } from './socket.js';

const serverJs = new URL('../server.js', import.meta.url).pathname;

async function interoffice(url: URL, transports: Transport[]): Promise<Caller> {
  const channel = await connect(url, { transports });
  const calc = createClient(Bench, channel);
  let i = 0;
  return { call: () => calc.add({ a: ++i, b: 1 }), close: () => channel.close() };
}

/** The stdio baseline: a child that writes back each chunk's complete lines, as the raw socket echo does. */
const ECHO = `let rest = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  const text = rest + chunk;
  const last = text.lastIndexOf('\\n');
  if (last === -1) { rest = text; return; }
  process.stdout.write(text.slice(0, last + 1));
  rest = text.slice(last + 1);
});`;

/** A client that matches replies to requests in order (the echo keeps order), as rawClient does. */
async function rawStdioClient(): Promise<Caller> {
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  const waiting: ((value: unknown) => void)[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) waiting.shift()?.(JSON.parse(line));
  });
  let id = 0;
  return {
    call: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`{"jsonrpc":"2.0","id":${++id},"method":"add","params":{"a":${id},"b":1}}\n`);
      }),
    close: async () => void child.stdin.end(),
  };
}

export const servers: Record<string, StartServer> = {
  'interoffice-fifo': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [pipeTransport()] });
    return server.urls[0] as URL;
  },
  // Run by the stdio row's client as its child: `node server.js interoffice-stdio stdio:`.
  'interoffice-stdio': async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [pipeTransport()] });
    return server.urls[0] as URL;
  },
  'spawned-by-client': async (url) => url,
};

const RAW_STDIO = 'raw NDJSON echo, stdio';

export const rows: Row[] = [
  {
    name: 'interoffice fifo',
    baseline: RAW_UNIX,
    server: 'interoffice-fifo',
    address: 'fifo://$DIR/$N',
    client: (u) => interoffice(u, [pipeTransport()]),
  },
  { name: RAW_STDIO, server: 'spawned-by-client', address: 'stdio:', client: rawStdioClient },
  {
    name: 'interoffice stdio',
    baseline: RAW_STDIO,
    server: 'spawned-by-client',
    address: 'stdio:',
    client: (u) =>
      interoffice(u, [pipeTransport({ command: [process.execPath, serverJs, 'interoffice-stdio', 'stdio:'], stderr: 'ignore' })]),
  },
];
