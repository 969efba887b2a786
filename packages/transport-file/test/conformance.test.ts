import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { fileTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const noCredit = {
  cases: ['flow-control'],
  reason:
    "the file transport carries no credit: the client leaves a stream's items in the file once the caller is a window behind, and the server holds the stream when its buffer (maxBufferedBytes) is full, so what runs ahead is bounded by that buffer (slow-reader.test.ts), not by this case's item window",
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
