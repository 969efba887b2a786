/**
 * A caller that stops reading a long server stream through the shared file. No credit travels
 * (the conformance case `flow-control` is skipped), but the client leaves a running stream's
 * items in the file while the caller is a window behind, and unread items count against the
 * server's buffer (`maxBufferedBytes`), which then holds the stream.
 */
import { afterEach, expect, it } from 'vitest';
import { checkSlowReader } from '../../core/test/shared/slow-reader.js';
import { fileTransport } from '../src/index.js';
import { place } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it("a caller that stops reading holds the server's generator back (to its buffer); reading again resumes the stream", async () => {
  // Without it the generator ran on: the client took every item out of the file as it came.
  const ahead = await checkSlowReader(place().url, fileTransport({ maxBufferedBytes: 64 * 1024 }), cleanups, 400_000);
  // 64 KiB holds ~9,000 of these items unread in the file; as much again queued at the server, and
  // what the client read in whole entries before it was a window ahead (28,401 seen).
  expect(ahead).toBeLessThan(50_000);
});
