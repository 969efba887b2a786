import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { httpTransport } from '../src/index.js';

const maxFrameBytes = 1024 * 1024;

runConformance({
  name: 'http',
  transports: [httpTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => 'http://127.0.0.1:0/rpc/',
  skip: [messageMediumStreamSkip],
});
