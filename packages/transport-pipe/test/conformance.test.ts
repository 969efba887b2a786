/**
 * The conformance suite over both schemes.
 *
 * fifo: an in-process server on a fresh folder per test, clients opening
 * FIFO pairs there.
 *
 * stdio: each connection spawns a real process (fixtures/bridge.mjs) whose
 * stdin and stdout the in-process server serves, handed over through a unix
 * socket by the transport's `source` option. The client side — spawn,
 * probe, frames over the child's pipes, exit reporting — is exactly what
 * connect('stdio:') does in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformance } from '@interoffice/core/conformance';
import { afterAll } from 'vitest';
import { pipeTransport, type StreamSource } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'io-conf-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
runConformance({
  name: 'fifo',
  transports: [pipeTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `fifo://${join(dir, `f${n++}`)}`,
});

const hubPath = join(dir, 'hub.sock');
let take: ((input: Socket, output: Socket, peer?: string) => void) | undefined;
const hub = createServer((socket) => (take === undefined ? socket.destroy() : take(socket, socket, 'bridge')));
await new Promise<void>((resolve) => hub.listen(hubPath, resolve));
afterAll(() => void hub.close());

const source: StreamSource = (accept) => {
  take = accept;
  return () => (take = undefined);
};
const bridge = new URL('./fixtures/bridge.mjs', import.meta.url).pathname;

runConformance({
  name: 'stdio',
  transports: [pipeTransport({ maxFrameBytes, source, command: [process.execPath, bridge, hubPath] })],
  maxFrameBytes,
  address: () => 'stdio:',
});
