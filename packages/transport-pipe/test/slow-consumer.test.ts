/**
 * Flow control over a FIFO pair with the server in a process of its own: a
 * caller that reads slowly holds the server's generator to its credit, a
 * handler that reads slowly holds the caller's inputs to its window, and
 * neither process's memory grows with the stream. The shared runs and their
 * bounds are in core's test/shared/flow-peers.ts (as for the socket and shm).
 */
import { connect, type Channel } from '@interoffice/core';
import type { ServerProcess } from '@interoffice/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  createClient,
  Flow,
  type FlowClient,
  slowBidiConsumer,
  slowBidiReader,
  slowServerStream,
  startFlowServer,
} from '../../core/test/shared/flow-peers.js';
import { pipeTransport } from '../src/index.js';
import { freshPath } from './helpers.js';

let server: ServerProcess;
let channel: Channel;
let client: FlowClient;

beforeAll(async () => {
  const built = new URL('../dist/index.js', import.meta.url).pathname;
  server = await startFlowServer(built, 'pipeTransport', `fifo://${freshPath('flow')}`);
  channel = await connect(server.url, { transports: [pipeTransport()] });
  client = createClient(Flow, channel);
});

afterAll(async () => {
  await channel?.close();
  await server?.kill();
});

describe('slow consumer over a FIFO pair, server in its own process', () => {
  it('a server stream of 1,000,000 items read at 1,000/s for 5 s, then at full speed', { timeout: 60_000 }, async () => {
    console.info('fifo server stream', await slowServerStream(client, 1_000_000, 5000));
  });

  it('a bidi stream of 100,000 whose outputs are read at 1,000/s for 3 s', { timeout: 60_000 }, async () => {
    console.info('fifo bidi, slow consumer', await slowBidiConsumer(client, 100_000, 3000));
  });

  it('a bidi stream of 100,000 whose handler reads inputs at 1,000/s for 3 s', { timeout: 60_000 }, async () => {
    console.info('fifo bidi, slow handler', await slowBidiReader(client, 100_000, 3000));
  });
});
