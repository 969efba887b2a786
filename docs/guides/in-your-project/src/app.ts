import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient, defineService, implement, RpcError, serve, unary } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { z } from 'zod';

/** The service's own error, with a field of its own: both reach the caller. */
class OutOfRange extends RpcError {
  readonly limit: number;
  constructor(limit: number) {
    super('OUT_OF_RANGE', `the result passes ${limit}`);
    this.limit = limit;
  }
}

const Calculator = defineService(
  'Calculator',
  { add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }) },
  { errors: [OutOfRange] },
);

const transports = [socketTransport()];
const url = `unix://${join(mkdtempSync(join(tmpdir(), 'my-calculator-')), 'calc.sock')}`;
const server = await serve(
  implement(Calculator, {
    add: ({ a, b }) => {
      if (a + b > 100) throw new OutOfRange(100);
      return a + b;
    },
  }),
  { listen: [url], transports },
);

const channel = await connect(url, { transports });
const calc = createClient(Calculator, channel);
console.log(await calc.add({ a: 2, b: 5 })); // 7
try {
  await calc.add({ a: 99, b: 2 });
} catch (e) {
  if (e instanceof OutOfRange) console.log(e.code, e.message, e.limit); // OUT_OF_RANGE the result passes 100 100
}
await channel.close();
await server.close();
