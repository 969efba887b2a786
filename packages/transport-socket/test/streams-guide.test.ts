/**
 * docs/guides/streams.md shows test/examples/feed.ts and follow.ts verbatim; run as the
 * guide says, with the connection cut twice mid-stream (a proxy between the two resets
 * it), the loop gets every price once, in order, and the server resumed twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CutProxy } from '../../core/test/shared/cut-proxy.js';
import { socketTransport } from '../src/index.js';
import { feed } from './examples/feed.js';
import { follow } from './examples/follow.js';

const examples = new URL('./examples/', import.meta.url).pathname;
const guide = readFileSync(new URL('../../../docs/guides/streams.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('docs/guides/streams.md', () => {
  it('shows the example files as they are', () => {
    expect(blocks.map((b) => b[1])).toEqual(['feed.ts', 'follow.ts']);
    for (const [, file, code] of blocks) expect(code).toBe(readFileSync(join(examples, file as string), 'utf8').trimEnd());
  });

  it('follows the feed to its end across two cut connections', async () => {
    const server = await serve(feed, { listen: ['tcp://127.0.0.1:0'], transports: [socketTransport()] });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const proxy = await CutProxy.start(Number((server.urls[0] as URL).port));
    cleanups.push(() => proxy.close());
    const seqs: number[] = [];
    await follow(`tcp://127.0.0.1:${proxy.port}`, (seq) => {
      seqs.push(seq);
      if (seq === 20 || seq === 60) proxy.cut();
    });
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(proxy.connections).toBe(3);
  });
});
