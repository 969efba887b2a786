// Bob calls Alice's router with a stock tRPC client: node --import ./register.mjs bob.mjs [url]
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@interoffice/core';
import { interofficeLink } from '@interoffice/trpc';
import { socketTransport } from '@interoffice/transport-socket';
import { createTRPCClient } from '@trpc/client';

const url = process.argv[2] ?? `unix://${join(tmpdir(), 'interoffice-trpc.sock')}`;
const channel = await connect(url, { transports: [socketTransport()] });
/** @type {import('@trpc/client').TRPCClient<typeof import('./router.mjs').appRouter>} */
const trpc = createTRPCClient({ links: [interofficeLink({ channel, meta: { 'x-user': 'bob' } })] });

console.log(await trpc.greeting.query({ name: 'Bob' }));
console.log(await trpc.post.add.mutate({ title: 'Howdy' }));
for (const ask of [() => trpc.post.add.mutate({ title: '' }), () => trpc.post.byId.query({ id: 42 })]) {
  try {
    await ask();
  } catch (e) {
    console.log(`${e.data.code}: ${e.cause.code}`);
  }
}
for await (const event of trpc.count.subscribe({ to: 3, everyMs: 10 })) console.log(`event ${event.id}: ${event.data}`);
await channel.close();
