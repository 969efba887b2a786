/**
 * A medium's own size limit, below `maxFrameBytes` (a NATS server's
 * max_payload, an MQTT broker's maximum packet size): what the NATS and MQTT
 * tests check the same way.
 */
import { connect, createClient, defineService, implement, serve, unary, type Transport } from '@interoffice/core';
import { expect } from 'vitest';
import { z } from 'zod';

/** A service whose answer is as long as asked, and whose request as long as padded. */
export const Sized = defineService('Sized', {
  make: unary({ input: z.object({ n: z.number(), pad: z.string() }), output: z.string() }),
});

/**
 * Serve {@link Sized} at `url` and call it past the medium's limit of `limit` bytes both ways:
 * a larger request and a larger answer each get RESOURCE_EXHAUSTED naming the limit, and the
 * next call is answered. Returns the client for more calls; `cleanups` gets what to close.
 */
export async function exceedMediumLimit(url: string, transport: Transport, limit: number, cleanups: (() => unknown)[]) {
  const server = await serve(implement(Sized, { make: ({ n }) => 'x'.repeat(n) }), { listen: [url], transports: [transport] });
  cleanups.push(() => server.close());
  const channel = await connect(url, { transports: [transport] });
  cleanups.push(() => channel.close());
  const sized = createClient(Sized, channel);
  await expect(sized.make({ n: 1, pad: 'p'.repeat(70_000) })).rejects.toMatchObject({
    code: 'RESOURCE_EXHAUSTED',
    message: expect.stringMatching(new RegExp(`request of \\d+ bytes exceeds the frame limit of ${limit}`)),
  });
  await expect(sized.make({ n: 70_000, pad: '' }), 'not lost to its deadline').rejects.toMatchObject({
    code: 'RESOURCE_EXHAUSTED',
    message: expect.stringMatching(new RegExp(`response of \\d+ bytes exceeds the frame limit of ${limit}`)),
  });
  expect(await sized.make({ n: 3, pad: '' })).toBe('xxx');
  return sized;
}
