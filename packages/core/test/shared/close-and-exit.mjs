// A client in its own process, for the message transports' stalled-broker tests:
//   node close-and-exit.mjs <transport module> <factory> <url>
// Connects to `url` over `(await import(module))[factory]()`, prints "connected", closes its
// channel on a line from stdin, prints "closed", and should then exit by itself: nothing of a
// closed channel may keep the process alive, a broker that stopped answering included.
import { connect } from '@interoffice/core';

const [transportModule, factory, url] = process.argv.slice(2);
const transport = (await import(transportModule))[factory];
const channel = await connect(url, { transports: [transport()] });
process.stdout.write('connected\n');
process.stdin.once('data', async () => {
  process.stdin.destroy(); // nothing of the test's may keep it alive either
  await channel.close();
  process.stdout.write('closed\n');
});
