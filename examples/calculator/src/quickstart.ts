import { connect, createClient, defineService, implement, RpcError, serve, unary } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { z } from 'zod';

// The service's own error: it reaches the caller with its code, message and class.
class AliceBroke extends RpcError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

// Define the service once.
const Operands = z.object({ a: z.number(), b: z.number() });
const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number() }),
    divide: unary({ input: Operands, output: z.number() }),
  },
  { errors: [AliceBroke] },
);

// Alice serves it, here on a unix socket and on TCP at once.
const transports = [socketTransport()];
const server = await serve(
  implement(Calculator, {
    add: ({ a, b }) => a + b,
    divide: ({ a, b }) => {
      if (b === 0) throw new AliceBroke('division by zero');
      return a / b;
    },
  }),
  { listen: ['unix:///tmp/interoffice-quickstart.sock', 'tcp://127.0.0.1:0'], transports },
);

// Bob calls it through a typed client.
const channel = await connect('unix:///tmp/interoffice-quickstart.sock', { transports });
const calc = createClient(Calculator, channel);
console.log(await calc.add({ a: 2, b: 5 })); // 7
try {
  await calc.divide({ a: 1, b: 0 });
} catch (e) {
  if (e instanceof AliceBroke) console.log(e.code, e.message); // INVALID_ARGUMENT division by zero
}
await channel.close();
await server.close();
