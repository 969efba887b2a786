import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { fileTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'io-file-conf-'));
let n = 0;
const noResume = {
  cases: ['resumable-stream'],
  reason:
    "the shared file keeps a stream's items as a plain list, without their ids, and its requests carry no resumeAfter: a stream whose server stops mid-way fails UNAVAILABLE rather than resuming (docs/transports/file.md)",
} as const;

runConformance({
  name: 'file (rename)',
  transports: [fileTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `file://${join(dir, `r${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip, noResume],
});

runConformance({
  name: 'file (in-place writes, polling only)',
  transports: [fileTransport({ maxFrameBytes, write: 'in-place', watch: false, pollMs: 5 })],
  maxFrameBytes,
  address: () => `file://${join(dir, `p${n++}`, 'shared.json')}`,
  skip: [messageMediumStreamSkip, noResume],
});
