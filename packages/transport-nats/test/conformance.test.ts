import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { afterAll } from 'vitest';
import { natsTransport } from '../src/index.js';
import { dropStreams, subjectUrl } from './helpers.js';

// Under NATS's default max_payload (1 MiB), so that the oversized-frame case's
// request (maxFrameBytes + 1) still reaches the worker, which must refuse it.
const maxFrameBytes = 512 * 1024;

afterAll(() => dropStreams());

runConformance({
  name: 'nats (core request/reply)',
  transports: [natsTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => subjectUrl(),
  skip: [messageMediumStreamSkip],
});

runConformance({
  name: 'nats (durable, JetStream work queue)',
  transports: [natsTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => subjectUrl(undefined, '?mode=durable'),
  skip: [
    messageMediumStreamSkip,
    {
      cases: ['server-restart'],
      reason:
        'in durable mode a call made while no worker runs waits in the work queue for the next one instead of failing UNAVAILABLE; durable.test.ts covers what happens instead',
    },
  ],
});
