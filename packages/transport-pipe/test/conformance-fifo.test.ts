import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformance } from '@interoffice/core/conformance';
import { afterAll } from 'vitest';
import { pipeTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'io-conf-fifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runConformance({
  name: 'fifo',
  transports: [pipeTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => `fifo://${join(dir, `f${n++}`)}`,
});
