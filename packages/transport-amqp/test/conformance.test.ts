import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { amqpTransport } from '../src/index.js';
import { queueUrl } from './helpers.js';

const maxFrameBytes = 2 * 1024 * 1024;

runConformance({
  name: 'amqp (classic queue)',
  transports: [amqpTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => queueUrl(),
  skip: [messageMediumStreamSkip],
});

runConformance({
  name: 'amqp (quorum queue)',
  transports: [amqpTransport({ maxFrameBytes, queueType: 'quorum' })],
  maxFrameBytes,
  address: () => queueUrl(),
  skip: [
    messageMediumStreamSkip,
    {
      cases: ['server-restart'],
      reason:
        'RabbitMQ cannot delete a quorum queue only if it is unused, so the queue stays when its last worker leaves and a call made meanwhile waits there for the next worker instead of failing UNAVAILABLE (faults.test.ts covers that wait)',
    },
  ],
});
