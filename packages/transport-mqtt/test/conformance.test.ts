import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { mqttTransport } from '../src/index.js';
import { serviceUrl } from './helpers.js';

const maxFrameBytes = 2 * 1024 * 1024;

runConformance({
  name: 'mqtt (QoS 1)',
  transports: [mqttTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => serviceUrl(),
  skip: [messageMediumStreamSkip],
});

runConformance({
  name: 'mqtt (QoS 0)',
  transports: [mqttTransport({ maxFrameBytes, qos: 0 })],
  maxFrameBytes,
  address: () => serviceUrl(),
  skip: [messageMediumStreamSkip],
});
