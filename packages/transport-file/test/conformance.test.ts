import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { fileTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const noCredit = {
  cases: ['flow-control'],
  reason:
    "the file transport carries no credit: the client takes a stream's items out of the file as they come, so a caller that stops reading holds back neither the server nor its own queue (2026-12-05: 349,000 items ahead after 200 ms)",
} as const;
const dir = mkdtempSync(join(tmpdir(), 'io-file-conf-'));
let n = 0;

runConformance({
  name: 'file (rename)',
  transports: [fileTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `file://${join(dir, `r${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip, noCredit],
});

runConformance({
  name: 'file (in-place writes, polling only)',
  transports: [fileTransport({ maxFrameBytes, write: 'in-place', watch: false, pollMs: 5 })],
  maxFrameBytes,
  address: () => `file://${join(dir, `p${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip, noCredit],
});
