/** Keepalive over NATS (`MessageConnection.ping`: the client's PING/PONG), against a real nats-server stopped with SIGSTOP. */
import { mediumKeepaliveCases } from '../../core/test/shared/medium-keepalive.js';
import { natsTransport } from '../src/index.js';
import { NatsServer } from './nats-server.js';

mediumKeepaliveCases(
  'NATS',
  async () => {
    const nats = await NatsServer.start();
    return { url: `${nats.url}/keepalive`, signal: (s) => nats.signal(s), stop: () => nats.stop() };
  },
  () => natsTransport({ logger: { warn: () => {}, error: () => {} } }),
);
