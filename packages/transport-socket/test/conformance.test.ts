import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformance } from '@interoffice/core/conformance';
import { socketTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'io-conf-'));
let n = 0;

runConformance({
  name: 'socket (unix)',
  transports: [socketTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `unix://${join(dir, `s${n++}.sock`)}`,
});

runConformance({
  name: 'socket (tcp)',
  transports: [socketTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => 'tcp://127.0.0.1:0',
});

runConformance({
  name: 'socket (unix, shared key)',
  transports: [socketTransport({ maxFrameBytes, authKey: 'Do not let eve find us!' })],
  maxFrameBytes,
  address: () => `unix://${join(dir, `k${n++}.sock`)}`,
});
