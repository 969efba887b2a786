import { runConformance } from '../src/conformance/index.js';
import { memoryTransport } from '../src/index.js';

const maxFrameBytes = 256 * 1024;
let n = 0;
runConformance({
  name: 'memory',
  transports: [memoryTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `memory://conformance-${n++}`,
});
