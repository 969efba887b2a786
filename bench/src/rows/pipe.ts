/**
 * Named pipes and stdio, next to the socket rows. The FIFO row is divided by
 * the raw NDJSON echo on a unix socket (the socket rows' baseline); the
 * stdio rows by a raw NDJSON echo over a child's stdin and stdout. The
 * stdio servers are processes the client spawns (that is what stdio is), so
 * those rows' harness-started server process only idles.
 */
import { spawn } from 'node:child_process';
import { connect, serve, type Transport } from '@interoffice/core';
import { pipeTransport } from '@interoffice/transport-pipe';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';
import { inOrderCaller, textLines } from './raw.js';
import { RAW_UNIX } from './socket.js';

const serverJs = new URL('../server.js', import.meta.url).pathname;

async function interoffice(url: URL, transports: Transport[]): Promise<Caller> {
  const channel = await connect(url, { transports });
  return benchCaller(channel);
}

/**
 * The stdio baseline: a child that writes back each chunk's complete lines, as the raw socket
 * echo does (looking for a newline only in the chunk just read, so that long lines cost linear time).
 */
const ECHO = `let parts = [];
process.stdin.on('data', (chunk) => {
  const last = chunk.lastIndexOf(10);
  if (last === -1) { parts.push(chunk); return; }
  parts.push(chunk.subarray(0, last + 1));
  process.stdout.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  parts = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
});`;

/** A client that matches replies to requests in order (the echo keeps order), as rawClient does. */
async function rawStdioClient(): Promise<Caller> {
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  const caller = inOrderCaller(
    (line) => child.stdin.write(`${line}\n`),
    async () => void child.stdin.end(),
  );
  child.stdout.setEncoding('utf8').on(
    'data',
    textLines((line) => caller.receive(line)),
  );
  return caller;
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
  // Each stdio connection is a process of its own: the connections curve stops at 16.
  { name: RAW_STDIO, server: 'spawned-by-client', address: 'stdio:', maxConnections: 16, client: rawStdioClient },
  {
    name: 'interoffice stdio',
    baseline: RAW_STDIO,
    server: 'spawned-by-client',
    address: 'stdio:',
    maxConnections: 16,
    client: (u) =>
      interoffice(u, [pipeTransport({ command: [process.execPath, serverJs, 'interoffice-stdio', 'stdio:'], stderr: 'ignore' })]),
  },
];
