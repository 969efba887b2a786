import { connect, createClient } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { Feed } from './feed.js';

/** Follow the ACME feed to its end; a dropped connection is resumed, unseen by this loop. */
export async function follow(url: string, onPrice: (seq: number, price: number) => void): Promise<void> {
  const channel = await connect(url, { transports: [socketTransport()] });
  const prices = createClient(Feed, channel).prices({ symbol: 'ACME', count: 100 }, { timeout: 60_000 });
  try {
    for await (const { seq, price } of prices) onPrice(seq, price);
  } finally {
    await channel.close();
  }
}
