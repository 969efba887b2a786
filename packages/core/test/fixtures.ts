/** A small service and a memory-transport world for core's own tests. */
import { z } from 'zod';
import {
  connect,
  createClient,
  defineService,
  implement,
  memoryTransport,
  notification,
  serve,
  serverStream,
  unary,
  type ClientOptions,
  type Handlers,
  type ServeOptions,
} from '../src/index.js';
import { AliceBroke } from '../src/conformance/calculator.js';

export { AliceBroke };

const Operands = z.object({ a: z.number(), b: z.number() });
export const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number() }),
    divide: unary({ input: Operands, output: z.number() }),
    wait: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
    countdown: serverStream({ input: z.object({ from: z.number().int() }), output: z.number() }),
    note: notification({ input: z.object({ text: z.string() }) }),
    square: unary({ input: z.number(), output: z.number() }),
  },
  { errors: [AliceBroke] },
);

export function handlers(notes: string[] = []): Handlers<typeof Calculator> {
  return {
    add: ({ a, b }) => a + b,
    divide: ({ a, b }) => {
      if (b === 0) throw new AliceBroke('division by zero');
      return a / b;
    },
    wait: ({ ms }, ctx) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => resolve('waited'), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        });
      }),
    countdown: async function* ({ from }) {
      for (let i = from; i >= 0; i--) yield i;
    },
    note: ({ text }) => void notes.push(text),
    square: (x) => x * x,
  };
}

let n = 0;

/** A server and a client on a fresh memory address. */
export async function world(
  options: { serve?: Partial<ServeOptions>; client?: ClientOptions; handlers?: Handlers<typeof Calculator> } = {},
) {
  const transports = [memoryTransport()];
  const url = `memory://core-${n++}`;
  const server = await serve(implement(Calculator, options.handlers ?? handlers()), {
    listen: [url],
    transports,
    logger: { warn: () => {}, error: () => {} },
    ...options.serve,
  });
  const channel = await connect(url, { transports });
  const calc = createClient(Calculator, channel, options.client);
  return {
    url,
    transports,
    server,
    channel,
    calc,
    async close() {
      await channel.close();
      await server.close({ graceMs: 0 });
    },
  };
}

export { seededRandom } from '../src/conformance/testing.js';
