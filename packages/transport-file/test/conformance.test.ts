import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { fileTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'io-file-conf-'));
let n = 0;

runConformance({
  name: 'file (rename)',
  transports: [fileTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `file://${join(dir, `r${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip],
});

runConformance({
  name: 'file (in-place writes, polling only)',
  transports: [fileTransport({ maxFrameBytes, write: 'in-place', watch: false, pollMs: 5 })],
  maxFrameBytes,
  address: () => `file://${join(dir, `p${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip],
});
