import { runConformance } from '@interoffice/core/conformance';
import { shmTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
let n = 0;
const name = (): string => `shm://conf-${process.pid}-${n++}`;

runConformance({
  name: 'shm',
  transports: [shmTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: name,
});

// Rings of 4 KiB: every large payload is chunked and wraps many times; the 1,000 concurrent
// calls fill the ring and wait for room.
runConformance({
  name: 'shm (4 KiB rings)',
  transports: [shmTransport({ maxFrameBytes, ringBytes: 4096 })],
  maxFrameBytes,
  address: name,
});

// No spinning: every wake-up goes through the futex.
runConformance({
  name: 'shm (spinMicros 0)',
  transports: [shmTransport({ maxFrameBytes, spinMicros: 0 })],
  maxFrameBytes,
  address: name,
});
