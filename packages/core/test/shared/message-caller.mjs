// A client in its own process, for the message transports' kill -9 tests:
//   node message-caller.mjs <transport module> <factory> <url> <tag> <ms> <timeout>
// Calls Jobs.work({tag, ms}) (as message-peers.ts defines it) over `(await import(module))[factory]()`
// with the given deadline, prints "calling", and waits for the answer.
import { connect, createClient, defineService, unary } from '@interoffice/core';
import { z } from 'zod';

const [transportModule, factory, url, tag, ms, timeout] = process.argv.slice(2);
const transport = (await import(transportModule))[factory];
const Jobs = defineService('Jobs', {
  work: unary({
    input: z.object({ tag: z.string(), ms: z.number() }),
    output: z.object({ tag: z.string(), worker: z.string() }),
  }),
});
const jobs = createClient(Jobs, await connect(url, { transports: [transport()] }));
const answer = jobs.work({ tag, ms: Number(ms) }, { timeout: Number(timeout) });
process.stdout.write('calling\n');
process.stdout.write(`answered ${JSON.stringify(await answer)}\n`);
