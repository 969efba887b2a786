// node server.js <url> <name>: serves the Calculator at <url>, traced, until SIGTERM.
import { implement, serve } from '@interoffice/core';
import { telemetry } from '@interoffice/otel';
import { socketTransport } from '@interoffice/transport-socket';
import { Calculator } from './service.js';
import { startTracing } from './tracing.js';

startTracing();
const [url = 'unix:///tmp/calc-a.sock', name = 'a'] = process.argv.slice(2);

const server = await serve(
  implement(Calculator, {
    add: ({ a, b }, ctx) => {
      ctx.responseMeta.server = name; // so the client can say who answered
      return a + b;
    },
  }),
  { listen: [url], transports: [socketTransport()], middleware: [telemetry()] },
);
console.log(`ready ${server.urls[0]?.href}`);

// A graceful stop: health checks say NOT_SERVING, calls in flight get 5 s to finish.
process.once('SIGTERM', async () => {
  await server.close({ graceMs: 5000 });
  process.exit(0);
});
