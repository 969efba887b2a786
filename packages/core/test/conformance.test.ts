import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageMediumStreamSkip, runConformance } from '../src/conformance/index.js';
import { memoryTransport } from '../src/index.js';
import { queueTransport } from './examples/message-transport.js';
import { lineSocketTransport } from './examples/stream-transport.js';

const maxFrameBytes = 256 * 1024;
let n = 0;
runConformance({
  name: 'memory',
  transports: [memoryTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `memory://conformance-${n++}`,
});
// A frame transport that asks for narrower stream windows than core's: every case still passes,
// and the flow-control cases hold both sides to these (each fails when its side takes core's).
runConformance({
  name: 'memory, stream windows of 8 items and 4 inputs',
  transports: [{ ...memoryTransport({ maxFrameBytes }), windows: { items: 8, inputs: 4 } }],
  maxFrameBytes,
  address: () => `memory://conformance-${n++}`,
});

// The message seam, as a queue medium carrying text, and one carrying records (as the shared file does).
let q = 0;
for (const records of [false, true]) {
  runConformance({
    name: `message medium (${records ? 'records' : 'text'}, whenNoServer: fail)`,
    transports: [queueTransport({ maxFrameBytes, records, whenNoServer: 'fail' })],
    maxFrameBytes,
    address: () => `queue://conformance-${q++}`,
    skip: [
      messageMediumStreamSkip,
      ...(records
        ? [
            {
              cases: ['flow-control'] as const,
              reason:
                "a request stored member by member carries no `credit`: it travels in the request's text only (transport.ts, MessageConnection.credit)",
            },
          ]
        : []),
    ],
  });
}
// A message medium that asks for a narrower item window: `flow-control` fails when the client takes core's.
runConformance({
  name: 'message medium (text, an item window of 8)',
  transports: [{ ...queueTransport({ maxFrameBytes, whenNoServer: 'fail' }), windows: { items: 8, inputs: 16 } }],
  maxFrameBytes,
  address: () => `queue://conformance-${q++}`,
  skip: [messageMediumStreamSkip],
});
runConformance({
  name: 'message medium (text, requests wait for a server)',
  transports: [queueTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `queue://conformance-${q++}`,
  skip: [
    { cases: ['server-restart'], reason: 'a call made while no server runs waits in the queue instead of failing UNAVAILABLE' },
    messageMediumStreamSkip,
  ],
});

// The README's worked frame transport: lines on a unix socket.
let s = 0;
const dir = mkdtempSync(join(tmpdir(), 'io-core-lines-'));
runConformance({
  name: 'lines on a unix socket (the README example)',
  transports: [lineSocketTransport(maxFrameBytes)],
  maxFrameBytes,
  address: () => `lines://${join(dir, `s${s++}.sock`)}`,
});
