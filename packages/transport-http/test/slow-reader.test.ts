/**
 * A caller that stops reading a long server stream over HTTP. HTTP carries no credit (the
 * conformance case `flow-control` is skipped for it), but the client reads the response body
 * no further than the caller takes, so the socket fills and the server's generator waits.
 */
import { afterEach, it } from 'vitest';
import { checkSlowReader } from '../../core/test/shared/slow-reader.js';
import { httpTransport } from '../src/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it("a caller that stops reading holds the server's generator back (to what the sockets hold); reading again resumes the stream", async () => {
  // Without it the generator ran on to the end: the client took all 2,000,000 into memory.
  await checkSlowReader('http://127.0.0.1:0/rpc/', httpTransport(), cleanups, 2_000_000);
});
