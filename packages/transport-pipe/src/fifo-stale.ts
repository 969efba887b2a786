/**
 * What a FIFO server finds in its folder when it starts. A requests FIFO
 * that someone reads belongs to a live server: refuse. One nobody reads was
 * left by a server that crashed: remove it, and the client FIFOs of its
 * connections with it (no connection outlives its server). Anything that
 * is not a FIFO is never touched.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PAIR_FILE } from './address.js';
import { hasReader, unlinkFifo } from './fifo-files.js';

export async function clearStale(dir: string, requests: string, href: string): Promise<void> {
  const info = await lstat(requests).catch(() => undefined);
  if (info !== undefined) {
    if (!info.isFIFO()) throw new Error(`${requests} exists and is not a FIFO: refusing to replace it`);
    if (await hasReader(requests)) throw new Error(`another server is listening at ${href}`);
    await unlinkFifo(requests, info.ino);
  }
  for (const name of await readdir(dir)) {
    if (!PAIR_FILE.test(name)) continue;
    const path = join(dir, name);
    const entry = await lstat(path).catch(() => undefined);
    if (entry?.isFIFO() === true) await unlinkFifo(path, entry.ino);
  }
}
